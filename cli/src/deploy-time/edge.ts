import { resourcesOf, type Template } from '../synth/template.ts';
import { formatDuration } from './phases.ts';
import type { DeployTimeAssumptions, Phase } from './types.ts';

/**
 * What the edge (CloudFront, its VPC origin, the certificate and the alias records) adds to the
 * *first* deploy of an environment, in order: the certificate is validated (in the edge stack,
 * deployed first, or beside the load balancer), the VPC origin needs the load balancer, the
 * distribution needs both, the records need the distribution. Later deploys of the app never touch
 * CloudFront. Undefined when the templates have no distribution.
 */
export function edgeFirstCreate(
  templates: readonly Template[],
  a: DeployTimeAssumptions,
): { phases: Phase[]; totalSeconds: number } | undefined {
  const count = (type: string) => templates.reduce((n, t) => n + resourcesOf(t, type).length, 0);
  if (count('AWS::CloudFront::Distribution') === 0) return undefined;
  const phases: Phase[] = [];
  if (count('AWS::CertificateManager::Certificate') > 0)
    phases.push({
      name: 'certificate',
      seconds: a.certificateValidationSeconds,
      source: 'assumption',
      detail: 'ACM DNS validation (the CNAME in Route 53, then issue)',
    });
  if (count('AWS::CloudFront::VpcOrigin') > 0)
    phases.push({
      name: 'VPC origin',
      seconds: a.vpcOriginCreateSeconds,
      source: 'assumption',
      detail: 'CloudFront VPC origin to the internal load balancer (AWS: up to 15 min)',
    });
  phases.push({
    name: 'distribution',
    seconds: a.distributionCreateSeconds,
    source: 'assumption',
    detail: 'CloudFront distribution deployed to the edge locations',
  });
  if (count('AWS::Route53::RecordSet') > 0)
    phases.push({
      name: 'alias records',
      seconds: a.aliasRecordSeconds,
      source: 'assumption',
      detail: 'Route 53 A and AAAA records in sync',
    });
  return { phases, totalSeconds: phases.reduce((n, p) => n + p.seconds, 0) };
}

/** The edge's first-create time as notes for the plan's deploy-time model. */
export function edgeNotes(templates: readonly Template[], a: DeployTimeAssumptions): string[] {
  const edge = edgeFirstCreate(templates, a);
  if (!edge) return [];
  const parts = edge.phases.map((p) => `${p.name} ${formatDuration(p.seconds)}`).join(' + ');
  return [
    `first deploy of the HTTPS edge adds ${formatDuration(edge.totalSeconds)} once (${parts}); app deploys never touch CloudFront`,
    ...validationRecords(templates),
  ];
}

/**
 * The DNS validation record of each certificate Slipway creates. ACM names the CNAME only when it
 * requests the certificate, so the plan can say where it goes, not its exact name and value.
 */
function validationRecords(templates: readonly Template[]): string[] {
  return templates.flatMap((t) => {
    // A zone given by name: its id is looked up when the stack deploys.
    const byName = resourcesOf(t, 'Custom::HostedZoneLookup').map((r) => String(r.Properties?.ZoneName));
    const zoneOf = (id: unknown) =>
      typeof id === 'string'
        ? `hosted zone ${id}`
        : `the hosted zone ${byName.join(', ')} (its id looked up at deploy)`;
    return resourcesOf(t, 'AWS::CertificateManager::Certificate').flatMap((c) => {
      const options = (c.Properties?.DomainValidationOptions ?? []) as {
        DomainName?: unknown;
        HostedZoneId?: unknown;
      }[];
      return options.map(
        (o) =>
          `certificate ${String(o.DomainName)}: ACM validates it with a CNAME _<token>.${String(o.DomainName)} that CloudFormation writes in ${zoneOf(o.HostedZoneId)}`,
      );
    });
  });
}
