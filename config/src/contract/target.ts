import { closest } from '../closest.ts';
import { previewDomain } from '../domain.ts';
import { ALARM_DEFAULTS, type ResolvedEnvironment, resolveEnvironment } from '../resolve.ts';
import { declaredServices } from '../services/declared.ts';
import { previewServiceSettings, previewServices } from '../services/preview.ts';
import type { EnvironmentConfig, SlipwayConfig } from '../types.ts';
import { parameterPath } from './parameters.ts';
import { edgeStackNeeded, LAYERS, type Layer, stackName } from './stacks.ts';

/*
 * The one place an environment or preview name is checked and resolved. The CDK app, the CLI and
 * the workflows' scripts all call `resolveTarget`, so they agree on which names exist, which are
 * previews and what each one derives.
 */

/** Pull-request preview environments are named `pr-<number>`. */
const PREVIEW_NAME = /^pr-([1-9]\d{0,6})$/;

/**
 * The environment-name glob that matches every preview, e.g. for IAM resource patterns: a
 * preview's resources are named `<app>-pr-<number>-…`, so `<app>-pr-*` covers all of them.
 */
export const PREVIEW_NAME_GLOB = 'pr-*';

export type TargetKind = 'environment' | 'preview';

export interface Target {
  readonly name: string;
  /** `environment`: a key of `environments`; `preview`: a `pr-<number>` built from `previews.from`. */
  readonly kind: TargetKind;
  /** Every default applied: what the constructs, the CLI and the scripts work with. */
  readonly environment: ResolvedEnvironment;
  /** A preview's base environment (`previews.from`), whose network and account it shares. */
  readonly base: ResolvedEnvironment | undefined;
  /** The stacks of this target by layer. A preview has a service stack only. */
  readonly stacks: Partial<Record<Layer, string>> & { readonly service: string };
  /** Root of the target's own SSM parameters: `/<app>/<name>`. */
  readonly parameterPath: string;
}

/** Why a name is not a target; callers turn it into their own error (CLI SW201, CDK app, scripts). */
export class TargetError extends Error {
  readonly target: string;
  /** `unknown`: no such environment; `previews-off`: a `pr-<number>` name while previews are off. */
  readonly reason: 'unknown' | 'previews-off';
  /** The environments the config defines, in config order. */
  readonly configured: readonly string[];
  readonly previewsEnabled: boolean;
  /** The configured environment nearest to the name, when it looks like a typo. */
  readonly suggestion: string | undefined;

  constructor(
    target: string,
    reason: 'unknown' | 'previews-off',
    configured: readonly string[],
    previewsEnabled: boolean,
    suggestion: string | undefined,
  ) {
    super(
      `unknown environment "${target}"; slipway.config.ts defines: ${configured.join(', ')}${previewsEnabled ? ' (and pr-<number> previews)' : ''}`,
    );
    this.target = target;
    this.reason = reason;
    this.configured = configured;
    this.previewsEnabled = previewsEnabled;
    this.suggestion = suggestion;
    this.name = 'TargetError';
  }
}

/**
 * Validates an environment or preview name once and returns everything derived from it. A key of
 * `environments` wins over the preview pattern; `pr-<number>` is a preview only when `previews`
 * is on. @throws TargetError for any other name
 */
export function resolveTarget(config: SlipwayConfig, name: string): Target {
  const configured = Object.keys(config.environments);
  const env = config.environments[name];
  if (env) {
    const environment = resolveEnvironment(name, env, config);
    const layers = LAYERS.filter(
      (l) => (l !== 'data' || environment.database) && (l !== 'edge' || edgeStackNeeded(environment)),
    );
    const stacks = Object.fromEntries(layers.map((l) => [l, stackName(environment, l)]));
    return {
      name,
      kind: 'environment',
      environment,
      base: undefined,
      stacks: stacks as Target['stacks'],
      parameterPath: environment.parameterPath,
    };
  }
  const previewsEnabled = config.previews !== undefined;
  if (PREVIEW_NAME.test(name)) {
    if (previewsEnabled) return previewTarget(config, name);
    throw new TargetError(name, 'previews-off', configured, false, undefined);
  }
  throw new TargetError(name, 'unknown', configured, previewsEnabled, closest(name, configured));
}

/**
 * A pull-request preview `pr-<number>`, derived from `previews.from`: the base's account, region
 * and network (its VPC, NAT and Cloud Map namespace, read from the base's SSM parameters), and the
 * cheapest settings. No RDS (the service runs on its embedded in-memory database), no Grafana,
 * pgAdmin, WAF or access logs, one Spot task, rolling deploys without hooks.
 */
function previewTarget(config: SlipwayConfig, name: string): Target {
  const baseName = config.previews?.from;
  const base = baseName === undefined ? undefined : config.environments[baseName];
  if (baseName === undefined || base === undefined) {
    // Validation rejects a previews.from that names no environment (SW126).
    throw new Error(`resolveTarget: ${name} needs previews.from naming an environment of slipway.config.ts`);
  }
  const resolved = resolveEnvironment(name, previewSettings(base, config), {
    ...config,
    app: { ...config.app, database: false },
  });
  const baseResolved = resolveEnvironment(baseName, base, config);
  const environment: ResolvedEnvironment = {
    ...resolved,
    network: { ...baseResolved.network },
    service: { ...resolved.service, discoveryName: name },
    services: previewServices(resolved.services, name, baseResolved.network.namespaceName),
    // `pr-<number>.<base name>` in the base's zone, never the app's `<env>.<name>` default.
    domain: previewDomain(name, baseResolved.domain),
  };
  return {
    name,
    kind: 'preview',
    environment,
    base: baseResolved,
    stacks: {
      ...(edgeStackNeeded(environment) ? { edge: stackName(environment, 'edge') } : {}),
      service: stackName(environment, 'service'),
    },
    parameterPath: parameterPath(config.app.name, name),
  };
}

/** The base environment's settings with every cost turned down to a preview's. */
function previewSettings(base: EnvironmentConfig, config: SlipwayConfig): EnvironmentConfig {
  return {
    ...base,
    protected: false,
    // A preview is never protected, so it has no readiness risk to acknowledge.
    acknowledge: {},
    branch: undefined,
    promoteFrom: undefined,
    approval: false,
    domain: undefined,
    service: {
      ...base.service,
      cpu: 256,
      memoryMiB: 512,
      minTasks: 1,
      maxTasks: 1,
      capacity: 'spot',
      logRetentionDays: 3,
    },
    services: previewServiceSettings(base, declaredServices(config)),
    deploy: { ...base.deploy, strategy: 'rolling', migrate: false, smokeTest: false, bakeMinutes: 0 },
    alarms: {
      ...base.alarms,
      rules: Object.fromEntries(Object.keys(ALARM_DEFAULTS).map((k) => [k, false])),
    },
    waf: { ...base.waf, enabled: false },
    accessLogs: false,
    grafana: { ...base.grafana, enabled: false },
    pgadmin: { ...base.pgadmin, enabled: false },
  };
}
