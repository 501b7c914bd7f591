import type { EnvironmentConfig, SlipwayConfig } from './types.ts';

/** An environment's name on the web, once every default is applied. */
export interface ResolvedDomain {
  /** Fully qualified name clients use, e.g. `dev.app.example.com`. */
  readonly name: string;
  /** Route 53 hosted zone (id or name) for the validation and alias records; undefined: DNS is managed elsewhere. */
  readonly zone: string | undefined;
  /** A certificate the user brought (us-east-1); undefined: Slipway creates one in `zone`. */
  readonly certificateArn: string | undefined;
}

/**
 * The environment's domain: its own `domain` settings over the app's `domain` (`<env>.<name>`,
 * or the name itself for a protected environment). Undefined: the CloudFront name only.
 */
export function resolveDomain(
  name: string,
  env: EnvironmentConfig,
  config: SlipwayConfig,
): ResolvedDomain | undefined {
  if (env.domain === false) return undefined;
  const app = config.domain;
  const own = env.domain ?? {};
  const host = own.name ?? (app && (env.protected ? app.name : `${name}.${app.name}`));
  if (host === undefined) return undefined;
  return { name: host, zone: zoneName(own.zone ?? app?.zone), certificateArn: own.certificateArn };
}

/** A pull-request preview's domain: `pr-<number>.<base name>` in the base's zone, with its own certificate. */
export function previewDomain(preview: string, base: ResolvedDomain | undefined): ResolvedDomain | undefined {
  if (base?.zone === undefined) return undefined;
  return { name: `${preview}.${base.name}`, zone: base.zone, certificateArn: undefined };
}

/** A hosted zone id (`Z0123456789ABC`), as opposed to a zone name (`example.com`). */
export function isHostedZoneId(zone: string): boolean {
  return /^Z[A-Z0-9]+$/.test(zone);
}

/** A zone name without its trailing dot (ids unchanged). */
function zoneName(zone: string | undefined): string | undefined {
  return zone?.replace(/\.$/, '');
}

/** Whether `name` is `zone` or a name under it (only knowable when the zone is given by name). */
export function inZone(name: string, zone: string): boolean {
  return isHostedZoneId(zone) || name === zone || name.endsWith(`.${zone}`);
}
