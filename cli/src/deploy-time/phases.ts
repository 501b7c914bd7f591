import {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  type DeployTimeAssumptions,
  type DeployTimeModel,
  ECS_DEFAULTS,
  type Phase,
} from './types.ts';

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

/** How a rolling deployment's waves multiply the per-task phases. */
interface Waves {
  /** A per-wave duration times the number of waves. */
  readonly per: (seconds: number) => number;
  /** ` × 3 waves` for the detail column, or nothing for one wave. */
  readonly times: string;
}

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
  const extra = Math.max(1, Math.floor((s.tasks * (s.maximumPercent - 100)) / 100));
  const waves = s.strategy === 'ROLLING' && s.tasks > extra ? Math.ceil(s.tasks / extra) : 1;
  const w: Waves = { per: (n: number) => n * waves, times: waves > 1 ? ` × ${waves} waves` : '' };
  const phases: Phase[] = [
    ...startPhases(s, assumptions, w),
    ...trafficPhases(s, assumptions),
    ...stopPhases(s, w),
  ];
  const totalSeconds = phases.reduce((n, p) => n + p.seconds, 0);
  const defaults = {
    ...s,
    ...ECS_DEFAULTS,
  };
  const ecsDefaultsTotalSeconds =
    totalSeconds +
    (s.loadBalanced
      ? w.per(
          defaults.healthCheckIntervalSeconds * defaults.healthyThresholdCount -
            s.healthCheckIntervalSeconds * s.healthyThresholdCount +
            defaults.deregistrationDelaySeconds -
            s.deregistrationDelaySeconds,
        )
      : 0) +
    w.per(defaults.stopTimeoutSeconds - s.stopTimeoutSeconds);
  const notes = [
    `health check grace period ${s.healthCheckGracePeriodSeconds} s: not on the success path; a failing new task is not replaced before it ends`,
  ];
  return { service, strategy: s.strategy, settings: s, phases, totalSeconds, ecsDefaultsTotalSeconds, notes };
}

/** The migrate hook, then the new tasks until the target group calls them healthy. */
function startPhases(s: DeploySettings, assumptions: DeployTimeAssumptions, { per, times }: Waves): Phase[] {
  const phases: Phase[] = [];
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
  return phases;
}

/** The lifecycle hooks other than the migrate hook, then the strategy's traffic steps and bake. */
function trafficPhases(s: DeploySettings, assumptions: DeployTimeAssumptions): Phase[] {
  const phases: Phase[] = [];
  const migrate = migrateHookSeconds(s, assumptions);
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
  return phases;
}

/** The old tasks drain (behind a load balancer) and stop. */
function stopPhases(s: DeploySettings, { per, times }: Waves): Phase[] {
  const phases: Phase[] = [];
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
  return phases;
}

/** `12m 30s` */
export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m === 0 ? `${s}s` : s === 0 ? `${m}m` : `${m}m ${s}s`;
}
