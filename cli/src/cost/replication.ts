import { isEstimate } from '../pricing/index.ts';
import { resourcesOf } from '../synth/template.ts';
import { type Pricer, round, usd } from './context.ts';

/*
 * Regional images (`registry.replication`): what copying every image to the environments'
 * accounts and regions costs. The registry's replication configuration pays the inter-region
 * transfer of every push (a destination in the registry's own region, another account, transfers
 * free); each replica stack's creation template stands for the copies stored there.
 */

/** The metadata key of a replica stack's creation template listing the repositories it will hold. */
export const REPLICATED_REPOSITORIES_METADATA = 'slipway:repositories';

interface Destination {
  readonly Region?: unknown;
  readonly RegistryId?: unknown;
}

/** Inter-region transfer of each push to each destination in another region than the registry's. */
export const replicationTransfer: Pricer = (configurations, ctx) => {
  const destinations = configurations.flatMap((c) => {
    const rules = (c.Properties?.ReplicationConfiguration as { Rules?: { Destinations?: Destination[] }[] })
      ?.Rules;
    return (rules ?? []).flatMap((r) => r.Destinations ?? []);
  });
  const region = ctx.stack.region;
  const away = destinations.filter((d) => typeof d.Region === 'string' && d.Region !== region);
  const regions = [...new Set(away.map((d) => d.Region as string))];
  const repositories = resourcesOf(ctx.stack.template, 'AWS::ECR::Repository').length;
  const { imagePushesMonth, imagePushGiB } = ctx.assumptions;
  const gib = away.length * repositories * imagePushesMonth * imagePushGiB;
  const price = ctx.prices.prices.interRegionTransferGb;
  const same = destinations.length - away.length;
  ctx.add({
    item: `ECR replication transfer (${region} → ${regions.join(', ') || 'no other region'}: ${away.length} destination${away.length === 1 ? '' : 's'}${same > 0 ? `, ${same} in ${region} free` : ''})`,
    resourceType: 'AWS::ECR::ReplicationConfiguration',
    detail: `${away.length} × ${repositories} ${repositories === 1 ? 'repository' : 'repositories'} × ${imagePushesMonth} pushes × ${imagePushGiB} GiB = ${round(gib, 2)} GiB × ${usd(price)}/GB`,
    monthly: gib * price,
    estimatedPrice: isEstimate(ctx.prices, 'interRegionTransferGb'),
    assumption: 'imagePushesMonth',
  });
};

/** The replicas stored in this account and region: as much as the registry stores per repository. */
export const replicaStorage: Pricer = (templates, ctx) => {
  const repositories = templates.reduce((n, t) => {
    const names = t.Metadata?.[REPLICATED_REPOSITORIES_METADATA];
    return n + (Array.isArray(names) ? names.length : 1);
  }, 0);
  const gib = repositories * ctx.assumptions.ecrGiB;
  const price = ctx.prices.prices.ecrGbMonth;
  ctx.add({
    item: `ECR replica storage (${repositories} × ${ctx.assumptions.ecrGiB} GiB)`,
    resourceType: 'AWS::ECR::RepositoryCreationTemplate',
    detail: `${gib} GiB × ${usd(price)}/GB-month`,
    monthly: gib * price,
    estimatedPrice: isEstimate(ctx.prices, 'ecrGbMonth'),
    assumption: 'ecrGiB',
  });
};
