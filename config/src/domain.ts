import type { EnvironmentConfig, SlipwayConfig } from './types.ts';

/** An environment's name on the web, once every default is applied. */
export interface ResolvedDomain {
  /** Fully qualified name clients use, e.g. `dev.app.example.com`. */
  readonly name: string;
  /** Route 53 hosted zone id for the validation and alias records; undefined: DNS is managed elsewhere. */
  readonly zoneId: string | undefined;
  /** A certificate the user brought (us-east-1); undefined: Slipway creates one in `zoneId`. */
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
  return { name: host, zoneId: own.zone ?? app?.zone, certificateArn: own.certificateArn };
}

/** A pull-request preview's domain: `pr-<number>.<base name>` in the base's zone, with its own certificate. */
export function previewDomain(preview: string, base: ResolvedDomain | undefined): ResolvedDomain | undefined {
  if (base?.zoneId === undefined) return undefined;
  return { name: `${preview}.${base.name}`, zoneId: base.zoneId, certificateArn: undefined };
}
