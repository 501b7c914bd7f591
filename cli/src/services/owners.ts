import type { ResolvedService } from '@slipway/config';
import { serviceConstructId } from '@slipway/config/contract';
import { constructPath, type Template } from '../synth/template.ts';
import { isDefaultWeb } from './select.ts';

/*
 * Which service a resource belongs to, for `plan`'s cost and deploy time per service: the service
 * whose construct id (`serviceConstructId`: `Web` for the default web service, `Service<Pascal>`
 * for the others) is a segment of the resource's construct path. Resources outside every service
 * (the network, the database, the load balancer) belong to none and stay in their layer.
 */

/** A service as `plan` labels it. */
export interface ServiceOwner {
  readonly name: string;
  readonly type: ResolvedService['type'];
}

/** Construct id → service, for every service of an environment. */
export type ServiceOwners = ReadonlyMap<string, ServiceOwner>;

export function serviceOwners(services: readonly ResolvedService[]): ServiceOwners {
  const env = { services: [...services] };
  return new Map(
    services.map((s) => [serviceConstructId(s.name, isDefaultWeb(env, s)), { name: s.name, type: s.type }]),
  );
}

/** The service whose construct id is the first matching segment of `path`, if any. */
export function ownerOfPath(path: string | undefined, owners: ServiceOwners): ServiceOwner | undefined {
  if (!path) return undefined;
  for (const segment of path.split('/')) {
    const owner = owners.get(segment);
    if (owner) return owner;
  }
  return undefined;
}

/** A synthesized stack as far as attribution needs it. */
export interface PathSource {
  readonly template: Template;
  /** Construct paths by logical id (from synth); the resource's `aws:cdk:path` metadata otherwise. */
  readonly resourcePaths?: Readonly<Record<string, string>>;
}

/** The service a resource of `stack` belongs to, if any. */
export function ownerOf(
  stack: PathSource,
  logicalId: string,
  owners: ServiceOwners,
): ServiceOwner | undefined {
  if (owners.size === 0) return undefined;
  const resource = stack.template.Resources?.[logicalId];
  const path = stack.resourcePaths?.[logicalId] ?? (resource ? constructPath(resource) : undefined);
  return ownerOfPath(path, owners);
}
