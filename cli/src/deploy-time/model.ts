import { ecsServices } from '../cost/model.ts';
import { attributes, numberOf, referencedId, type Template } from '../synth/template.ts';

/**
 * The settings of one ECS service that decide how long a deployment takes, as synthesized.
 * Every field is read from the template; ECS's own default applies where the template sets none.
 */
export interface DeploySettings {
  /** `ROLLING`, `BLUE_GREEN`, `CANARY` or `LINEAR`. */
  readonly strategy: string;
  /** Tasks at steady state (the desired count once an image is deployed). */
  readonly tasks: number;
  /** Upper limit of running tasks during a deployment, percent of desired. @default 200 */
  readonly maximumPercent: number;
  /** Target group health check interval, seconds. @default 30 (ECS/ELB default) */
  readonly healthCheckIntervalSeconds: number;
  /** Consecutive successful checks before a target is healthy. @default 5 */
  readonly healthyThresholdCount: number;
  /** Target group deregistration delay (connection draining), seconds. @default 300 */
  readonly deregistrationDelaySeconds: number;
  /** Longest container `stopTimeout` (SIGTERM → SIGKILL), seconds. @default 30 */
  readonly stopTimeoutSeconds: number;
  /** ECS ignores failing load balancer health checks for this long after a task starts. @default 0 */
  readonly healthCheckGracePeriodSeconds: number;
  /** Wait after all traffic moved before the old tasks go (BakeTimeInMinutes), minutes. @default 0 */
  readonly bakeMinutes: number;
  /** Canary: share of traffic in the first step, percent. */
  readonly canaryPercent?: number;
  /** Canary: wait after the canary step, minutes. */
  readonly canaryBakeMinutes?: number;
  /** Linear: traffic moved per step, percent. */
  readonly linearStepPercent?: number;
  /** Linear: wait after each step, minutes. */
  readonly linearStepBakeMinutes?: number;
  /** Lifecycle hooks (migration, smoke test) the deployment waits on. */
  readonly lifecycleHooks: number;
  /** Whether the service sits behind a load balancer (health checks and draining apply). */
  readonly loadBalanced: boolean;
}

/** ECS's defaults, for comparison: what the same service would take without Slipway's tuning. */
export const ECS_DEFAULTS = {
  healthCheckIntervalSeconds: 30,
  healthyThresholdCount: 5,
  deregistrationDelaySeconds: 300,
  stopTimeoutSeconds: 30,
} as const;

/** Durations the templates cannot tell (measured on typical small services; stated in the output). */
export interface DeployTimeAssumptions {
  /** Fargate capacity and ENI attachment until the task is PENDING, seconds. */
  readonly provisionSeconds: number;
  /** Image pull from ECR in the same region (a ~100 MB image), seconds. */
  readonly imagePullSeconds: number;
  /** Container start until the app listens, seconds. */
  readonly containerStartSeconds: number;
  /** One lifecycle hook (a Lambda invocation and ECS polling it), seconds. */
  readonly hookSeconds: number;
}

export const DEFAULT_DEPLOY_TIME_ASSUMPTIONS: DeployTimeAssumptions = {
  provisionSeconds: 30,
  imagePullSeconds: 15,
  containerStartSeconds: 5,
  hookSeconds: 15,
};

export interface Phase {
  readonly name: string;
  readonly seconds: number;
  /** `template`: from a synthesized setting; `assumption`: from `DeployTimeAssumptions`. */
  readonly source: 'template' | 'assumption';
  readonly detail: string;
}

export interface DeployTimeModel {
  readonly service: string;
  readonly strategy: string;
  readonly settings: DeploySettings;
  /** The critical path of one deployment, in order. */
  readonly phases: Phase[];
  readonly totalSeconds: number;
  /** The same deployment with ECS's default health check, draining and stop timeout. */
  readonly ecsDefaultsTotalSeconds: number;
  /** Not on the success path: the grace period bounds how soon a failing new task is replaced. */
  readonly notes: string[];
}

/**
 * The modeled duration of one deployment of a service (the critical path): start the new tasks
 * (provision, image pull, container start), wait until the target group calls them healthy
 * (interval × healthy threshold), run lifecycle hooks, move traffic with the strategy's bake
 * times, then drain (deregistration delay) and stop (stop timeout) the old tasks. Rolling
 * deployments repeat that per wave when `maximumPercent` does not allow all new tasks at once.
 * Exported for docs/deployments.md, which quotes it.
 */
export function modelDeployTime(
  service: string,
  s: DeploySettings,
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): DeployTimeModel {
  const phases: Phase[] = [];
  const extra = Math.max(1, Math.floor((s.tasks * (s.maximumPercent - 100)) / 100));
  const waves = s.strategy === 'ROLLING' && s.tasks > extra ? Math.ceil(s.tasks / extra) : 1;
  const times = waves > 1 ? ` × ${waves} waves` : '';
  const per = (n: number) => n * waves;

  phases.push({
    name: 'provision',
    seconds: per(assumptions.provisionSeconds),
    source: 'assumption',
    detail: `Fargate capacity and network interface${times}`,
  });
  phases.push({
    name: 'image pull',
    seconds: per(assumptions.imagePullSeconds),
    source: 'assumption',
    detail: `from ECR in the region${times}`,
  });
  phases.push({
    name: 'container start',
    seconds: per(assumptions.containerStartSeconds),
    source: 'assumption',
    detail: `until the app listens${times}`,
  });
  if (s.loadBalanced) {
    phases.push({
      name: 'healthy',
      seconds: per(s.healthCheckIntervalSeconds * s.healthyThresholdCount),
      source: 'template',
      detail: `${s.healthCheckIntervalSeconds} s interval × ${s.healthyThresholdCount} healthy checks${times}`,
    });
  }
  if (s.lifecycleHooks > 0) {
    phases.push({
      name: 'lifecycle hooks',
      seconds: s.lifecycleHooks * assumptions.hookSeconds,
      source: 'assumption',
      detail: `${s.lifecycleHooks} hook${s.lifecycleHooks === 1 ? '' : 's'} × ${assumptions.hookSeconds} s`,
    });
  }
  if (s.strategy === 'CANARY' && s.canaryBakeMinutes !== undefined) {
    phases.push({
      name: 'canary bake',
      seconds: s.canaryBakeMinutes * 60,
      source: 'template',
      detail: `${s.canaryPercent ?? '?'}% of traffic for ${s.canaryBakeMinutes} min`,
    });
  }
  if (s.strategy === 'LINEAR' && s.linearStepPercent && s.linearStepBakeMinutes !== undefined) {
    // The last step moves the remaining traffic; the bake after it is BakeTimeInMinutes.
    const steps = Math.ceil(100 / s.linearStepPercent) - 1;
    phases.push({
      name: 'linear steps',
      seconds: steps * s.linearStepBakeMinutes * 60,
      source: 'template',
      detail: `${steps} steps of ${s.linearStepPercent}% × ${s.linearStepBakeMinutes} min`,
    });
  }
  if (s.bakeMinutes > 0) {
    phases.push({
      name: 'bake',
      seconds: s.bakeMinutes * 60,
      source: 'template',
      detail: `all traffic on the new tasks, old ones kept for rollback: ${s.bakeMinutes} min`,
    });
  }
  if (s.loadBalanced) {
    phases.push({
      name: 'drain',
      seconds: per(s.deregistrationDelaySeconds),
      source: 'template',
      detail: `deregistration delay ${s.deregistrationDelaySeconds} s${times}`,
    });
  }
  phases.push({
    name: 'stop',
    seconds: per(s.stopTimeoutSeconds),
    source: 'template',
    detail: `stop timeout ${s.stopTimeoutSeconds} s (upper bound: the app exits on SIGTERM sooner)${times}`,
  });

  const totalSeconds = phases.reduce((n, p) => n + p.seconds, 0);
  const defaults = {
    ...s,
    ...ECS_DEFAULTS,
  };
  const ecsDefaultsTotalSeconds =
    totalSeconds +
    (s.loadBalanced
      ? per(
          defaults.healthCheckIntervalSeconds * defaults.healthyThresholdCount -
            s.healthCheckIntervalSeconds * s.healthyThresholdCount +
            defaults.deregistrationDelaySeconds -
            s.deregistrationDelaySeconds,
        )
      : 0) +
    per(defaults.stopTimeoutSeconds - s.stopTimeoutSeconds);
  const notes = [
    `health check grace period ${s.healthCheckGracePeriodSeconds} s: not on the success path; a failing new task is not replaced before it ends`,
  ];
  return { service, strategy: s.strategy, settings: s, phases, totalSeconds, ecsDefaultsTotalSeconds, notes };
}

/** The deploy settings of every ECS service in a template, as synthesized. */
export function deploySettings(template: Template): { service: string; settings: DeploySettings }[] {
  return ecsServices(template).map((svc) => {
    const p = svc.service.Properties ?? {};
    const dc = (p.DeploymentConfiguration ?? {}) as Record<string, unknown>;
    const lbs = (p.LoadBalancers ?? []) as { TargetGroupArn?: unknown }[];
    const tgId = referencedId(lbs[0]?.TargetGroupArn);
    const tg = tgId ? template.Resources?.[tgId] : undefined;
    const tgAttrs = attributes(tg?.Properties?.TargetGroupAttributes);
    const containers = (svc.taskDefinition?.Properties?.ContainerDefinitions ?? []) as {
      StopTimeout?: unknown;
    }[];
    const stop = Math.max(
      0,
      ...containers.map((c) => numberOf(c.StopTimeout) ?? ECS_DEFAULTS.stopTimeoutSeconds),
    );
    const canary = (dc.CanaryConfiguration ?? {}) as Record<string, unknown>;
    const linear = (dc.LinearConfiguration ?? {}) as Record<string, unknown>;
    return {
      service: svc.name,
      settings: {
        strategy: typeof dc.Strategy === 'string' ? dc.Strategy : 'ROLLING',
        tasks: svc.tasks,
        maximumPercent: numberOf(dc.MaximumPercent) ?? 200,
        healthCheckIntervalSeconds:
          numberOf(tg?.Properties?.HealthCheckIntervalSeconds) ?? ECS_DEFAULTS.healthCheckIntervalSeconds,
        healthyThresholdCount:
          numberOf(tg?.Properties?.HealthyThresholdCount) ?? ECS_DEFAULTS.healthyThresholdCount,
        deregistrationDelaySeconds:
          numberOf(tgAttrs['deregistration_delay.timeout_seconds']) ??
          ECS_DEFAULTS.deregistrationDelaySeconds,
        stopTimeoutSeconds: containers.length > 0 ? stop : ECS_DEFAULTS.stopTimeoutSeconds,
        healthCheckGracePeriodSeconds: numberOf(p.HealthCheckGracePeriodSeconds) ?? 0,
        bakeMinutes: numberOf(dc.BakeTimeInMinutes) ?? 0,
        canaryPercent: numberOf(canary.CanaryPercent),
        canaryBakeMinutes: numberOf(canary.CanaryBakeTimeInMinutes),
        linearStepPercent: numberOf(linear.StepPercent),
        linearStepBakeMinutes: numberOf(linear.StepBakeTimeInMinutes),
        lifecycleHooks: Array.isArray(dc.LifecycleHooks) ? dc.LifecycleHooks.length : 0,
        loadBalanced: tg !== undefined,
      },
    };
  });
}

/**
 * The deploy-time model of each ECS service in a set of templates; the load-balanced ones first
 * (the application; tools like Grafana follow).
 */
export function deployTimeModels(
  templates: readonly Template[],
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): DeployTimeModel[] {
  return templates
    .flatMap((t) => deploySettings(t))
    .map(({ service, settings }) => modelDeployTime(service, settings, assumptions))
    .sort((a, b) => Number(b.settings.loadBalanced) - Number(a.settings.loadBalanced));
}

/** `12m 30s` */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s}s` : s === 0 ? `${m}m` : `${m}m ${s}s`;
}
