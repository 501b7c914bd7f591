import type { ResolvedEnvironment } from '@slipway/config';
import { OFFICE_HOURS_ACTIONS, PARAMETERS, parameterName } from '@slipway/config/contract';
import type { AwsApis } from '../aws/api.ts';
import { CliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { call } from '../online.ts';

/*
 * Waking an environment that sleeps outside its office hours (`officeHours`), before a deploy.
 *
 * Outside hours the NAT instance and the RDS instance are stopped and the ECS services are held
 * at zero by their scheduled actions. A deploy then would fail: new tasks cannot pull their image
 * without the NAT instance, cannot migrate without the database, CloudFormation cannot modify a
 * stopped database, and the pipeline's check of /ready would find no task. So the deploy first does
 * what the start of office hours does: starts the NAT instance and the database, waits until they
 * run, and sets each service's autoscaling bounds to the ones its `...OfficeHoursStart` action sets.
 * The environment then stays awake until the next scheduled stop, as if someone had started it by
 * hand; nothing is put back to sleep by the deploy.
 */

export interface OfficeHoursStartOptions {
  readonly command: string;
  /** Waits between polls (injectable for tests). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Poll interval. @default 15 s */
  readonly pollMs?: number;
  /** Longest wait for the database (RDS takes several minutes to start). @default 20 min */
  readonly timeoutMs?: number;
}

export interface OfficeHoursStartResult {
  /** What was asleep and has been started, e.g. `database app-dev-db`. */
  readonly woken: string[];
}

const waited = (ms: number) =>
  ms < 120_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts whatever of the environment is asleep and waits for it. A no-op for an environment
 * without `officeHours`, or before its first deploy (nothing to wake: the parameters are missing).
 */
export async function startOfficeHoursEarly(
  env: ResolvedEnvironment,
  aws: AwsApis,
  io: Io,
  options: OfficeHoursStartOptions,
): Promise<OfficeHoursStartResult> {
  if (!env.officeHours) return { woken: [] };
  const sleep = options.sleep ?? defaultSleep;
  const pollMs = options.pollMs ?? 15_000;
  const polls = Math.max(1, Math.ceil((options.timeoutMs ?? 20 * 60_000) / pollMs));
  const where = `account ${env.account} (${env.region})`;
  const aws$ = <T>(fn: () => Promise<T>) => call(fn, options.command, env.name, where);
  const api = aws.officeHours;
  const woken: string[] = [];

  // A preview shares its base's network: the NAT instance id is under the base's path.
  const [natId, dbId, cluster] = await Promise.all([
    aws$(() =>
      aws.ssm.get(parameterName({ parameterPath: env.network.parameterPath }, PARAMETERS.natInstanceId)),
    ),
    env.database ? aws$(() => aws.ssm.get(parameterName(env, PARAMETERS.dbInstanceId))) : undefined,
    aws$(() => aws.ssm.get(parameterName(env, PARAMETERS.clusterName))),
  ]);

  /** Polls `read` until it returns `goal`, starting the resource when it reads `stopped`. */
  const bringUp = async (
    what: string,
    read: () => Promise<string | undefined>,
    start: () => Promise<void>,
    goal: string,
  ) => {
    for (let i = 0; i < polls; i++) {
      const state = await aws$(read);
      // Gone (or being replaced): CloudFormation recreates it in this deploy; nothing to wake.
      if (state === undefined || state === goal || state === 'terminated' || state === 'shutting-down')
        return;
      if (state === 'stopped') {
        if (!woken.includes(what))
          io.progress.update(`Starting the ${what} (outside office hours it sleeps)`);
        await aws$(start);
        woken.push(what);
      }
      // Anything else (pending, starting, stopping, backing-up, ...) settles by itself: wait.
      await sleep(pollMs);
    }
    throw new CliError(
      'SW221',
      `${env.name}'s ${what} did not become ${goal} within ${waited(polls * pollMs)}`,
      `slipway status ${env.name}; when the ${what} is ${goal}, run slipway ${options.command} ${env.name} again`,
    );
  };

  await Promise.all([
    natId
      ? bringUp(
          `NAT instance ${natId}`,
          () => api.instanceState(natId),
          () => api.startInstance(natId),
          'running',
        )
      : undefined,
    dbId
      ? bringUp(
          `database ${dbId}`,
          () => api.databaseStatus(dbId),
          () => api.startDatabase(dbId),
          'available',
        )
      : undefined,
  ]);

  // The services last: their tasks need the NAT instance and the database running.
  if (cluster) woken.push(...(await wakeServices(cluster, api, aws$, io)));
  return { woken };
}

/** Raises each service's autoscaling bounds to its office-hours start action's; returns those it scaled. */
async function wakeServices(
  cluster: string,
  api: AwsApis['officeHours'],
  aws$: <T>(fn: () => Promise<T>) => Promise<T>,
  io: Io,
): Promise<string[]> {
  const woken: string[] = [];
  for (const target of await aws$(() => api.scalableTargets(`service/${cluster}/`))) {
    const start = target.scheduledActions.find((a) => a.name.endsWith(OFFICE_HOURS_ACTIONS.start));
    const min = Math.max(target.min, start?.min ?? 0);
    const max = Math.max(target.max, start?.max ?? 0, min);
    if (!start || (min === target.min && max === target.max)) continue;
    const service = target.resourceId.split('/').pop() ?? target.resourceId;
    io.progress.update(`Scaling ${service} to its office-hours bounds (${min}-${max} tasks)`);
    await aws$(() => api.setCapacity(target.resourceId, min, max));
    woken.push(`service ${service}`);
  }
  return woken;
}
