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
  /** Lifecycle hooks (migration, smoke test) the deployment waits on, the migrate hook included. */
  readonly lifecycleHooks: number;
  /**
   * The migrate hook (infra/functions/migrate-hook), when one of the lifecycle hooks is it: it runs
   * a one-off Fargate task of the new task definition at PRE_SCALE_UP and answers IN_PROGRESS until
   * the task stops; ECS calls it again every `callBackDelaySeconds`. Undefined: no migrate hook.
   */
  readonly migrateHook?: { readonly callBackDelaySeconds: number };
  /**
   * Whether an image comes from outside the stack's region (ECR of another region, or a registry
   * outside AWS such as Docker Hub): the pull then uses `crossRegionImagePullSeconds`. @default false
   */
  readonly crossRegionPull?: boolean;
  /** Where the images come from and where the tasks run, for the output (`ECR us-east-1 → af-south-1`). */
  readonly imageSource?: string;
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
  /**
   * The same pull from outside the stack's region: ECR in another region (layers cross the
   * inter-region link, e.g. us-east-1 → af-south-1) or a registry outside AWS, seconds.
   */
  readonly crossRegionImagePullSeconds: number;
  /** Container start until the app listens, seconds. */
  readonly containerStartSeconds: number;
  /** One lifecycle hook (a Lambda invocation and ECS acting on its answer), seconds. */
  readonly hookSeconds: number;
  /** The migration itself inside the migrate hook's task, once the container runs, seconds. */
  readonly migrationSeconds: number;
}

export const DEFAULT_DEPLOY_TIME_ASSUMPTIONS: DeployTimeAssumptions = {
  provisionSeconds: 30,
  imagePullSeconds: 15,
  crossRegionImagePullSeconds: 45,
  containerStartSeconds: 5,
  hookSeconds: 15,
  migrationSeconds: 5,
};

/**
 * The migrate hook's own default `CALLBACK_DELAY_SECONDS` (MIGRATE_HOOK_DEFAULTS in
 * infra/functions/migrate-hook/config.ts; model.test.ts keeps the two equal), used when the
 * template does not set the variable on the hook function.
 */
export const MIGRATE_HOOK_CALLBACK_DELAY_SECONDS = 15;

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
 * The migrate hook's time: ECS invokes it (it starts a one-off Fargate task of the new task
 * definition and answers IN_PROGRESS), then again every callback delay until the task has stopped.
 * The task needs what any new task needs (provision, image pull, container start) and then runs
 * the migration; the call after it stopped answers SUCCEEDED.
 */
export function migrateHookSeconds(
  s: Pick<DeploySettings, 'migrateHook' | 'crossRegionPull'>,
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): { seconds: number; taskSeconds: number; polledSeconds: number } | undefined {
  if (!s.migrateHook) return undefined;
  const delay = Math.max(1, s.migrateHook.callBackDelaySeconds);
  const taskSeconds =
    assumptions.provisionSeconds +
    pullSeconds(s, assumptions) +
    assumptions.containerStartSeconds +
    assumptions.migrationSeconds;
  const polledSeconds = Math.ceil(taskSeconds / delay) * delay;
  return { seconds: polledSeconds + assumptions.hookSeconds, taskSeconds, polledSeconds };
}

const pullSeconds = (s: Pick<DeploySettings, 'crossRegionPull'>, a: DeployTimeAssumptions) =>
  s.crossRegionPull ? a.crossRegionImagePullSeconds : a.imagePullSeconds;

/**
 * The modeled duration of one deployment of a service (the critical path): run the migrate hook
 * when there is one (a one-off task of the new revision, before any new task starts), start the
 * new tasks (provision, image pull, container start), wait until the target group calls them
 * healthy (interval × healthy threshold), run the other lifecycle hooks, move traffic with the
 * strategy's bake times, then drain (deregistration delay) and stop (stop timeout) the old tasks.
 * Rolling deployments repeat that per wave when `maximumPercent` does not allow all new tasks at
 * once. Exported for docs/deployments.md, which quotes it.
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
  const pull = pullSeconds(s, assumptions);
  const source = s.imageSource ?? 'from ECR in the region';

  const migrate = migrateHookSeconds(s, assumptions);
  if (migrate && s.migrateHook) {
    const a = assumptions;
    phases.push({
      name: 'migrate hook',
      seconds: migrate.seconds,
      source: 'assumption',
      detail:
        `one-off task: ${a.provisionSeconds} provision + ${pull} pull + ${a.containerStartSeconds} start + ` +
        `${a.migrationSeconds} migration = ${migrate.taskSeconds} s, seen at ECS's next call ` +
        `(every ${s.migrateHook.callBackDelaySeconds} s): ${migrate.polledSeconds} s; + ${a.hookSeconds} s hook`,
    });
  }
  phases.push({
    name: 'provision',
    seconds: per(assumptions.provisionSeconds),
    source: 'assumption',
    detail: `Fargate capacity and network interface${times}`,
  });
  phases.push({
    name: 'image pull',
    seconds: per(pull),
    source: 'assumption',
    detail: `${source}${times}`,
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
  const otherHooks = s.lifecycleHooks - (migrate ? 1 : 0);
  if (otherHooks > 0) {
    phases.push({
      name: 'lifecycle hooks',
      seconds: otherHooks * assumptions.hookSeconds,
      source: 'assumption',
      detail: `${otherHooks}${migrate ? ' other' : ''} hook${otherHooks === 1 ? '' : 's'} × ${assumptions.hookSeconds} s`,
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

/**
 * A container image reference as text. `Fn::Join` is joined, `AWS::URLSuffix` is `amazonaws.com`,
 * `AWS::Region` is the stack's region, and any other intrinsic (the image tag read from SSM) is `*`.
 */
export function imageText(value: unknown, stackRegion?: string): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as Record<string, unknown> | undefined)?.['Fn::Join'];
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) return undefined;
  return (join[1] as unknown[])
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: unknown } | undefined)?.Ref;
      if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
      if (ref === 'AWS::Region' && stackRegion) return stackRegion;
      return '*';
    })
    .join(join[0]);
}

/**
 * Where an image is pulled from: ECR and its region (from the `<account>.dkr.ecr.<region>.`
 * host), another registry host (`docker.io` when the reference names none), or undefined when
 * the template does not say.
 */
export function imageRegistry(
  image: string,
): { kind: 'ecr'; region: string } | { kind: 'registry'; host: string } | undefined {
  const ecr = /^[^/]*\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\//.exec(image);
  if (ecr?.[1]) return { kind: 'ecr', region: ecr[1] };
  const first = image.split('/')[0] ?? '';
  if (first === '' || first.includes('*')) return undefined;
  const named = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return { kind: 'registry', host: named ? first : 'docker.io' };
}

interface ContainerDefinition {
  readonly Image?: unknown;
  readonly StopTimeout?: unknown;
  readonly LogConfiguration?: { Options?: Record<string, unknown> };
}

/**
 * Whether a task definition pulls from outside the stack's region, and a label for the output.
 * The stack's region is the one given, else the containers' `awslogs-region` (CDK writes the
 * stack's region there). An ECR image whose region cannot be compared counts as in the region.
 */
function imagePull(
  containers: readonly ContainerDefinition[],
  givenRegion: string | undefined,
): { crossRegionPull: boolean; imageSource: string } {
  const logRegion = containers
    .map((c) => c.LogConfiguration?.Options?.['awslogs-region'])
    .find((r): r is string => typeof r === 'string');
  const stackRegion = givenRegion ?? logRegion;
  const tasksIn = stackRegion ?? 'the region';
  const pulls = containers.map((c) => {
    const text = imageText(c.Image, stackRegion);
    const registry = text ? imageRegistry(text) : undefined;
    if (!registry) return { cross: false, label: `registry not readable from the template (${tasksIn})` };
    if (registry.kind === 'registry')
      return { cross: true, label: `${registry.host}, outside AWS → ${tasksIn}` };
    if (stackRegion && registry.region !== stackRegion)
      return { cross: true, label: `ECR ${registry.region} → ${stackRegion} (cross-region)` };
    return { cross: false, label: `from ECR in ${stackRegion ? registry.region : 'the region'}` };
  });
  const slowest = pulls.find((p) => p.cross) ?? pulls[0];
  return {
    crossRegionPull: slowest?.cross ?? false,
    imageSource: slowest?.label ?? 'from ECR in the region',
  };
}

/**
 * The migrate hook among a service's lifecycle hooks: a hook whose Lambda function has the
 * migrate hook's `MIGRATE_COMMAND` variable (infra/functions/migrate-hook/config.ts). Its callback
 * delay is the function's `CALLBACK_DELAY_SECONDS`, else the hook's own default.
 */
function migrateHookOf(template: Template, hooks: unknown): DeploySettings['migrateHook'] {
  if (!Array.isArray(hooks)) return undefined;
  for (const hook of hooks as { HookTargetArn?: unknown }[]) {
    const id = referencedId(hook?.HookTargetArn);
    const fn = id ? template.Resources?.[id] : undefined;
    if (fn?.Type !== 'AWS::Lambda::Function') continue;
    const variables = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)
      ?.Variables ?? {}) as Record<string, unknown>;
    if (!('MIGRATE_COMMAND' in variables)) continue;
    return {
      callBackDelaySeconds: numberOf(variables.CALLBACK_DELAY_SECONDS) ?? MIGRATE_HOOK_CALLBACK_DELAY_SECONDS,
    };
  }
  return undefined;
}

/**
 * The deploy settings of every ECS service in a template, as synthesized. `stackRegion` is the
 * region the stack deploys to (for cross-region image pulls); without it the task definitions'
 * `awslogs-region` stands in.
 */
export function deploySettings(
  template: Template,
  stackRegion?: string,
): { service: string; settings: DeploySettings }[] {
  return ecsServices(template).map((svc) => {
    const p = svc.service.Properties ?? {};
    const dc = (p.DeploymentConfiguration ?? {}) as Record<string, unknown>;
    const lbs = (p.LoadBalancers ?? []) as { TargetGroupArn?: unknown }[];
    const tgId = referencedId(lbs[0]?.TargetGroupArn);
    const tg = tgId ? template.Resources?.[tgId] : undefined;
    const tgAttrs = attributes(tg?.Properties?.TargetGroupAttributes);
    const containers = (svc.taskDefinition?.Properties?.ContainerDefinitions ?? []) as ContainerDefinition[];
    const stop = Math.max(
      0,
      ...containers.map((c) => numberOf(c.StopTimeout) ?? ECS_DEFAULTS.stopTimeoutSeconds),
    );
    const canary = (dc.CanaryConfiguration ?? {}) as Record<string, unknown>;
    const linear = (dc.LinearConfiguration ?? {}) as Record<string, unknown>;
    const migrateHook = migrateHookOf(template, dc.LifecycleHooks);
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
        ...(migrateHook ? { migrateHook } : {}),
        ...imagePull(containers, stackRegion),
        loadBalanced: tg !== undefined,
      },
    };
  });
}

/**
 * The deploy-time model of each ECS service in a set of templates; the load-balanced ones first
 * (the application; tools like Grafana follow). Give `{ template, region }` (a synthesized
 * stack) to compare image registries with the stack's own region.
 */
export function deployTimeModels(
  stacks: readonly (Template | { readonly template: Template; readonly region?: string })[],
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): DeployTimeModel[] {
  return stacks
    .flatMap((t) =>
      'template' in t && t.template ? deploySettings(t.template, t.region) : deploySettings(t as Template),
    )
    .map(({ service, settings }) => modelDeployTime(service, settings, assumptions))
    .sort((a, b) => Number(b.settings.loadBalanced) - Number(a.settings.loadBalanced));
}

/** `12m 30s` */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s}s` : s === 0 ? `${m}m` : `${m}m ${s}s`;
}
