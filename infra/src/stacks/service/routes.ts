import type { ResolvedService, ResolvedWebService } from '@slipway/config';

/**
 * Listener-rule priorities of the routed web services. The load balancer evaluates rules from the
 * lowest number: the tools' own routes come first (Grafana 10, pgAdmin 20), then the routed
 * services from `FIRST_ROUTE_PRIORITY` in steps of `ROUTE_PRIORITY_STEP`, and last the default web
 * service's catch-all (1000). Among routed services, the more specific route goes first: a route
 * with hosts and paths, then paths alone, then hosts alone; in declaration order within each.
 *
 * A priority is part of the rule: changing it updates the rule, and a rule update re-applies the
 * template's target-group weights (see WebService). Declaring a new routed service after the
 * existing ones of its kind leaves their priorities as they are.
 */
export const FIRST_ROUTE_PRIORITY = 100;
export const ROUTE_PRIORITY_STEP = 10;

/** 0: hosts and paths; 1: paths only; 2: hosts only. */
function specificity(service: ResolvedWebService): number {
  const hosts = (service.route?.hosts?.length ?? 0) > 0;
  const paths = (service.route?.paths?.length ?? 0) > 0;
  if (hosts && paths) return 0;
  return paths ? 1 : 2;
}

/** Each routed web service's rule priority, by name (the default web service has none here). */
export function routePriorities(services: readonly ResolvedService[]): Map<string, number> {
  const routed = services.filter((s): s is ResolvedWebService => s.type === 'web' && s.route !== undefined);
  // A stable sort keeps declaration order within each specificity.
  const ordered = [...routed].sort((a, b) => specificity(a) - specificity(b));
  const last = FIRST_ROUTE_PRIORITY + (ordered.length - 1) * ROUTE_PRIORITY_STEP;
  if (last >= 1000)
    throw new Error(
      `ServiceStack: at most ${(1000 - FIRST_ROUTE_PRIORITY) / ROUTE_PRIORITY_STEP} routed web services fit before the default one's rule (priority 1000), got ${ordered.length}`,
    );
  const priorities = new Map<string, number>();
  ordered.forEach((service, i) => {
    priorities.set(service.name, FIRST_ROUTE_PRIORITY + i * ROUTE_PRIORITY_STEP);
  });
  return priorities;
}
