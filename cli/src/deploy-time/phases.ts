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
  // No pending migration: the hook compares two digests and answers at its first call.
  if (!assumptions.pendingMigration)
    return { seconds: assumptions.hookSeconds, taskSeconds: 0, polledSeconds: 0 };
  const delay = Math.max(1, s.migrateHook.callBackDelaySeconds);
  const taskSeconds =
    assumptions.provisionSeconds +
    pullSeconds(s, assumptions) +
    assumptions.containerStartSeconds +
    assumptions.migrationSeconds;
  const polledSeconds = Math.ceil(taskSeconds / delay) * delay;
  return { seconds: polledSeconds + assumptions.hookSeconds, taskSeconds, polledSeconds };
}

/** The image pull: cross-region or not, with a SOCI index (lazy loading) or not. */
export function pullSeconds(s: Pick<DeploySettings, 'crossRegionPull'>, a: DeployTimeAssumptions): number {
  if (a.lazyLoading) return s.crossRegionPull ? a.lazyCrossRegionImagePullSeconds : a.lazyImagePullSeconds;
  return s.crossRegionPull ? a.crossRegionImagePullSeconds : a.imagePullSeconds;
}

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
  const phases = criticalPath(s, assumptions);
  const totalSeconds = sum(phases);
  // The same deployment with ECS's and the load balancer's defaults, and without early success.
  const ecsDefaultsTotalSeconds = sum(
    criticalPath({ ...s, ...ECS_DEFAULTS, earlySuccess: false }, assumptions),
  );
  const notes = [
    `health check grace period ${s.healthCheckGracePeriodSeconds} s: not on the success path; a failing new task is not replaced before it ends`,
    ...backgroundNotes(s, assumptions),
    assumptionsNote(assumptions),
  ];
  return {
    service,
    strategy: s.strategy,
    settings: s,
    phases,
    totalSeconds,
    ecsDefaultsTotalSeconds,
    notes,
    assumptions,
  };
}

const sum = (phases: readonly Phase[]) => phases.reduce((n, p) => n + p.seconds, 0);

/**
 * The phases in order. Rolling deployments repeat the per-task ones per wave when
 * `maximumPercent` does not allow all new tasks at once; with early success the last wave's old
 * tasks drain and stop after the deployment completed.
 */
function criticalPath(s: DeploySettings, assumptions: DeployTimeAssumptions): Phase[] {
  const extra = Math.max(1, Math.floor((s.tasks * (s.maximumPercent - 100)) / 100));
  const waves = s.strategy === 'ROLLING' && s.tasks > extra ? Math.ceil(s.tasks / extra) : 1;
  const w: Waves = { per: (n: number) => n * waves, times: waves > 1 ? ` × ${waves} waves` : '' };
  const stopWaves = s.earlySuccess ? waves - 1 : waves;
  const stop: Waves = {
    per: (n: number) => n * stopWaves,
    times: stopWaves > 1 ? ` × ${stopWaves} waves` : s.earlySuccess ? ' (waves before the last)' : '',
  };
  return [
    ...startPhases(s, assumptions, w),
    ...trafficPhases(s, assumptions),
    ...(stopWaves > 0 ? stopPhases(s, stop) : []),
  ];
}

/** The assumptions behind the *assumption* phases, in one line. */
export function assumptionsNote(a: DeployTimeAssumptions): string {
  const lazy = a.lazyLoading
    ? `on (pull ${a.lazyImagePullSeconds} s, ${a.lazyCrossRegionImagePullSeconds} s cross-region)`
    : 'off';
  return (
    `assumptions: provision ${a.provisionSeconds} s, image pull ${a.imagePullSeconds} s ` +
    `(${a.crossRegionImagePullSeconds} s cross-region), SOCI lazy loading ${lazy}, container start ` +
    `${a.containerStartSeconds} s, hook call ${a.hookSeconds} s, pending migration ` +
    `${a.pendingMigration ? `yes (${a.migrationSeconds} s)` : 'no'}`
  );
}

/** What happens off the critical path: the old tasks after early success, the migration-free case. */
function backgroundNotes(s: DeploySettings, assumptions: DeployTimeAssumptions): string[] {
  const notes: string[] = [];
  if (s.earlySuccess) {
    const drain = s.loadBalanced ? `drain ${s.deregistrationDelaySeconds} s, then ` : '';
    notes.push(
      `early success (deferred cleanup): the deployment completes when the new tasks are healthy; the old tasks ${drain}stop within ${s.stopTimeoutSeconds} s after it, off the critical path`,
    );
  }
  const pending = migrateHookSeconds(s, { ...assumptions, pendingMigration: true });
  const none = migrateHookSeconds(s, { ...assumptions, pendingMigration: false });
  if (pending && none && assumptions.pendingMigration) {
    notes.push(
      `no pending migration (the image's migrations digest equals the last applied one): the migrate hook answers at its first call, ${pending.seconds - none.seconds} s less`,
    );
  }
  return notes;
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
      detail: a.pendingMigration
        ? `one-off task: ${a.provisionSeconds} provision + ${pull} pull + ${a.containerStartSeconds} start + ` +
          `${a.migrationSeconds} migration = ${migrate.taskSeconds} s, seen at ECS's next call ` +
          `(every ${s.migrateHook.callBackDelaySeconds} s): ${migrate.polledSeconds} s; + ${a.hookSeconds} s hook`
        : `no pending migration: the digests match, no task; ${a.hookSeconds} s hook`,
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
    detail: `${source}${assumptions.lazyLoading ? ', lazy (SOCI index)' : ''}${times}`,
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
