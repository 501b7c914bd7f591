import { ecsServices } from '../cost/model.ts';
import { attributes, numberOf, referencedId, type Template } from '../synth/template.ts';
import { type DeploySettings, ECS_DEFAULTS, MIGRATE_HOOK_CALLBACK_DELAY_SECONDS } from './types.ts';

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
): { service: string; logicalId: string; settings: DeploySettings }[] {
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
    const early = (dc.EarlySuccessCriteria ?? {}) as Record<string, unknown>;
    return {
      service: svc.name,
      logicalId: svc.service.logicalId,
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
        earlySuccess: early.Enable === true && early.SourceServiceRevisionCleanup === 'DEFERRED',
      },
    };
  });
}
