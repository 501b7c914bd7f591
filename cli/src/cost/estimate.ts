import { type PriceTable, priceTable } from '../pricing/index.ts';
import { ownerOf, type ServiceOwners } from '../services/owners.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import { type NamedResource, resourcesOf } from '../synth/template.ts';
import { type Context, HOURS_PER_MONTH, hourly, round, usd } from './context.ts';
import { noCharge } from './no-charge.ts';
import { PRICERS } from './pricers.ts';
import { publicIpv4Count } from './services.ts';
import {
  type CostAssumptions,
  type CostEstimate,
  type CostLine,
  DEFAULT_ASSUMPTIONS,
  type Unpriced,
} from './types.ts';

/**
 * The monthly cost of a group of stacks (one environment, or the account-level stacks of one
 * account) in one region, from the synthesized templates and the committed price table. Every
 * resource is priced by its CloudFormation type, so resources added later are priced as they
 * appear; a type with no price is listed as unpriced, never ignored.
 */
export function estimateCost(
  stacks: readonly StackInfo[],
  options: {
    region?: string;
    assumptions?: Partial<CostAssumptions>;
    prices?: PriceTable;
    /** The environment's services by construct id: their resources' lines carry the service. */
    owners?: ServiceOwners;
  } = {},
): CostEstimate {
  const region = options.region ?? stacks[0]?.region ?? 'us-east-1';
  const prices = options.prices ?? priceTable(region);
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  if (!prices) return withoutPriceTable(stacks, region, assumptions);
  const lines: CostLine[] = [];
  const unpriced = new Map<string, Unpriced>();
  const unpricedExtra: { type: string; stack: string }[] = [];
  const owners = options.owners ?? new Map();
  for (const stack of stacks) {
    const context = (service?: string): Context => ({
      stack,
      prices,
      assumptions,
      add: (line) =>
        lines.push({
          ...line,
          stack: stack.stackName,
          ...(service ? { service } : {}),
          monthly: Math.round(line.monthly * 100) / 100,
        }),
      unpriced: (type) => unpricedExtra.push({ type, stack: stack.stackName }),
    });
    // Each service's resources are priced apart, so its lines (and their counts) are its own.
    const groups = new Map<string | undefined, NamedResource[]>();
    for (const r of resourcesOf(stack.template)) {
      const service = ownerOf(stack, r.logicalId, owners)?.name;
      groups.set(service, [...(groups.get(service) ?? []), r]);
    }
    for (const [service, resources] of groups) priceResources(context(service), resources, unpriced);
    addPublicIpv4(context());
  }
  for (const extra of unpricedExtra) {
    const u = unpriced.get(extra.type) ?? {
      resourceType: extra.type,
      count: 0,
      stacks: [],
      reason: 'not in the price table',
    };
    unpriced.set(extra.type, { ...u, count: u.count + 1, stacks: [...new Set([...u.stacks, extra.stack])] });
  }
  const cents = lines.reduce((n, l) => n + Math.round(l.monthly * 100), 0);
  const estimatedCents = lines
    .filter((l) => l.estimatedPrice)
    .reduce((n, l) => n + Math.round(l.monthly * 100), 0);
  const services = [...owners.values()].map((o) => ({
    name: o.name,
    type: o.type,
    monthly:
      lines.filter((l) => l.service === o.name).reduce((n, l) => n + Math.round(l.monthly * 100), 0) / 100,
  }));
  return {
    region,
    currency: 'USD',
    lines,
    total: cents / 100,
    services: lines.some((l) => l.service) ? services : [],
    unpriced: [...unpriced.values()],
    assumptions,
    priceTable: { region: prices.region, asOf: prices.asOf, source: prices.source },
    estimatedShare: cents === 0 ? 0 : estimatedCents / cents,
  };
}

/** A region with no price table: nothing priced, every resource listed as unpriced. */
function withoutPriceTable(
  stacks: readonly StackInfo[],
  region: string,
  assumptions: CostAssumptions,
): CostEstimate {
  return {
    region,
    currency: 'USD',
    lines: [],
    total: 0,
    services: [],
    unpriced: [
      {
        resourceType: '*',
        count: stacks.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length, 0),
        stacks: stacks.map((s) => s.stackName),
        reason: `no price table for ${region} in cli/src/pricing/`,
      },
    ],
    assumptions,
    priceTable: { region, asOf: '-', source: '-' },
    estimatedShare: 0,
  };
}

/** Prices resources of the stack by type; types with neither a price nor a reason go to `unpriced`. */
function priceResources(ctx: Context, all: readonly NamedResource[], unpriced: Map<string, Unpriced>): void {
  const stack = ctx.stack;
  const byType = new Map<string, NamedResource[]>();
  for (const r of all) byType.set(r.Type, [...(byType.get(r.Type) ?? []), r]);
  for (const [type, resources] of byType) {
    const pricer = PRICERS[type];
    if (pricer) pricer(resources, ctx);
    else if (!noCharge(type)) {
      const u = unpriced.get(type) ?? {
        resourceType: type,
        count: 0,
        stacks: [],
        reason: 'no price in the model',
      };
      unpriced.set(type, {
        ...u,
        count: u.count + resources.length,
        stacks: [...new Set([...u.stacks, stack.stackName])],
      });
    }
  }
}

/** Public IPv4 addresses are billed per address-hour whatever holds them: one line for all of them. */
function addPublicIpv4(ctx: Context): void {
  const ips = publicIpv4Count(ctx.stack.template);
  if (ips.count === 0) return;
  const price = ctx.prices.prices.publicIpv4Hour;
  const partial = ips.hours.filter((h) => h !== HOURS_PER_MONTH);
  ctx.add({
    item: `Public IPv4 addresses (${ips.count}: ${ips.parts.join(', ')})`,
    resourceType: 'AWS::EC2::EIP',
    ...(partial.length === 0
      ? hourly(ctx, ips.count, price)
      : {
          monthly: ips.hours.reduce((n, h) => n + h, 0) * price,
          detail: `(${[
            ...(ips.count > partial.length ? [`${ips.count - partial.length} × ${HOURS_PER_MONTH} h`] : []),
            ...partial.map((h) => `1 × ${round(h, 1)} h`),
          ].join(' + ')}) × ${usd(price)}/h`,
        }),
    estimatedPrice: false,
  });
}
