import {
  ListHostedZonesByNameCommand,
  type ListHostedZonesByNameCommandOutput,
  type Route53Client,
} from '@aws-sdk/client-route-53';

/** What CDK's custom-resource provider passes to its `onEvent` handler (the fields used here). */
export interface ZoneLookupEvent {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: { readonly ZoneName?: string };
}

export interface ZoneLookupResult {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly HostedZoneId: string };
}

export interface ZoneLookupDeps {
  readonly route53: Pick<Route53Client, 'send'>;
}

/**
 * Finds the id of the one *public* hosted zone with exactly this name. ListHostedZonesByName lists
 * zones in name order starting at the name, so a missing zone would otherwise return the next one;
 * a private zone of the same name (split-horizon DNS) is skipped, as public validation records and
 * public aliases must go in the public zone.
 */
export async function findPublicZoneId(deps: ZoneLookupDeps, zoneName: string): Promise<string> {
  const wanted = `${zoneName.replace(/\.$/, '').toLowerCase()}.`;
  const matches: string[] = [];
  let page: ListHostedZonesByNameCommandOutput | undefined;
  do {
    page = await deps.route53.send(
      new ListHostedZonesByNameCommand({
        DNSName: page?.NextDNSName ?? wanted,
        HostedZoneId: page?.NextHostedZoneId,
      }),
    );
    const zones = page.HostedZones ?? [];
    for (const zone of zones) {
      if (zone.Name?.toLowerCase() !== wanted) continue;
      if (!zone.Config?.PrivateZone && zone.Id) matches.push(zone.Id.replace(/^\/hostedzone\//, ''));
    }
    // Past the name: the rest of the list cannot match.
    if (zones.some((zone) => zone.Name?.toLowerCase() !== wanted)) break;
  } while (page.IsTruncated);

  if (matches.length === 0)
    throw new Error(
      `no public Route 53 hosted zone named ${wanted} in this account: create it, or set domain.zone to the id of the zone that holds the name`,
    );
  if (matches.length > 1)
    throw new Error(
      `${matches.length} public hosted zones are named ${wanted} (${matches.join(', ')}): set domain.zone to the id of the one to use`,
    );
  return matches[0] as string;
}

/** The custom resource's `onEvent`: resolve on create and update, nothing to clean up on delete. */
export function createHandler(deps: ZoneLookupDeps) {
  return async (event: ZoneLookupEvent): Promise<ZoneLookupResult> => {
    if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId ?? 'none' };
    const zoneName = event.ResourceProperties.ZoneName;
    if (!zoneName) throw new Error('ZoneName is missing from the resource properties');
    const id = await findPublicZoneId(deps, zoneName);
    return { PhysicalResourceId: id, Data: { HostedZoneId: id } };
  };
}
