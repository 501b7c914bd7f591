/**
 * Migrate hook (issue #4): an ECS deployment lifecycle hook that runs the service's migrations as
 * a one-off Fargate task with the NEW task definition before any new task takes traffic.
 *
 * Register it at PRE_SCALE_UP: the green revision has not started and blue serves 100% of
 * production, so green tasks only ever start against a migrated schema, and a failed migration
 * rolls back before anything of green ran. (Migrations must stay backward compatible with blue,
 * which keeps serving during and after them: expand, deploy, contract.)
 *
 * One invocation never waits for the migration: it starts the task (or finds the one it already
 * started) and answers IN_PROGRESS; ECS calls again after `callBackDelay` seconds until the task
 * stops. Idempotent across invocations: the task is started with `startedBy` = a hash of this
 * deployment and target revision, and found again through `hookDetails.migrateTaskArn` (which
 * ECS hands back) or, if that is lost, ListTasks(startedBy).
 *
 * Every invocation writes one `migrate-hook.result` log line with the status and the reason.
 */
import { createHash } from 'node:crypto';
import {
  failed,
  type HookDetails,
  type HookResponse,
  hookLogFields,
  inProgress,
  isRollbackInvocation,
  type LifecycleHookEvent,
  parseLifecycleHookEvent,
  succeeded,
} from '../shared/hook.ts';
import { errorMessage, type LogFields, type Logger } from '../shared/log.ts';
import { type EcsTaskDefinitionReader, resolveTargetContainer } from '../shared/target-container.ts';
import type { MigrateHookConfig } from './config.ts';
import type { MigrationTasks, TaskState } from './tasks.ts';

export interface MigrateHookDeps {
  config: MigrateHookConfig;
  tasks: MigrationTasks;
  taskDefinitions: EcsTaskDefinitionReader;
  now: () => Date;
  log: Logger;
}

/** Keys this hook keeps in hookDetails between invocations. */
export const MIGRATE_TASK_ARN = 'migrateTaskArn';
export const MIGRATE_STARTED_AT = 'migrateStartedAt';

/** `startedBy` allows 128 letters, digits, hyphens, underscores and slashes. */
export function migrationStartedBy(
  event: Pick<LifecycleHookEvent, 'resourceArn' | 'targetServiceRevisionArn'>,
): string {
  const hash = createHash('sha256')
    .update(`${event.resourceArn ?? ''}|${event.targetServiceRevisionArn}`)
    .digest('hex')
    .slice(0, 24);
  return `slipway-migrate-${hash}`;
}

/** The CloudWatch console link to one log stream (the console encodes `%` as `$25`). */
export function logsConsoleUrl(region: string, logGroup: string, logStream: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%/g, '$25');
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${enc(logGroup)}/log-events/${enc(logStream)}`;
}

const taskId = (taskArn: string) => taskArn.split('/').pop() ?? taskArn;

export function createHandler(deps: MigrateHookDeps): (event: unknown) => Promise<HookResponse> {
  const { config } = deps;

  function finish(response: HookResponse, fields: LogFields): HookResponse {
    deps.log({ event: 'migrate-hook.result', hookStatus: response.hookStatus, ...fields });
    return response;
  }

  async function logLink(
    task: TaskState,
  ): Promise<{ logGroup?: string; logStream?: string; logUrl?: string }> {
    try {
      let group = config.logGroupName;
      let prefix = config.logStreamPrefix;
      let region = config.region;
      if (task.taskDefinitionArn !== undefined) {
        const td = await deps.taskDefinitions.describeTaskDefinition(task.taskDefinitionArn);
        const log = td.containers.find((c) => c.name === config.containerName)?.logConfiguration;
        if (log?.logDriver === 'awslogs') {
          group = log.options['awslogs-group'] ?? group;
          prefix = log.options['awslogs-stream-prefix'] ?? prefix;
          region = log.options['awslogs-region'] ?? region;
        }
      }
      if (group === undefined || prefix === undefined) return {};
      const stream = `${prefix}/${config.containerName}/${taskId(task.taskArn)}`;
      return { logGroup: group, logStream: stream, logUrl: logsConsoleUrl(region, group, stream) };
    } catch {
      return {}; // the link is a convenience; never let it change the outcome
    }
  }

  async function evaluate(task: TaskState, base: LogFields, details: HookDetails): Promise<HookResponse> {
    const now = deps.now().getTime();
    const fields: LogFields = {
      ...base,
      taskArn: task.taskArn,
      lastStatus: task.lastStatus,
      stoppedReason: task.stoppedReason,
      stopCode: task.stopCode,
    };
    if (task.lastStatus === 'STOPPED') {
      const container = task.containers.find((c) => c.name === config.containerName);
      const link = await logLink(task);
      if (container?.exitCode === 0) {
        return finish(succeeded(), {
          ...fields,
          ...link,
          exitCode: 0,
          reason: 'migrations completed (exit code 0)',
        });
      }
      const reason =
        container === undefined
          ? `migration task ${taskId(task.taskArn)} stopped without a "${config.containerName}" container: ${task.stoppedReason ?? 'no reason given'}`
          : container.exitCode === undefined
            ? `migration container "${config.containerName}" never ran: ${container.reason ?? task.stoppedReason ?? 'no reason given'}`
            : `migration container "${config.containerName}" exited with code ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}; task stopped: ${task.stoppedReason ?? 'no reason given'}`;
      return finish(failed(), {
        ...fields,
        ...link,
        exitCode: container?.exitCode,
        containerReason: container?.reason,
        reason,
      });
    }

    const anchor = task.createdAt?.getTime() ?? Date.parse(String(details[MIGRATE_STARTED_AT] ?? ''));
    const createdAt = Number.isNaN(anchor) ? now : anchor;
    const elapsedSeconds = Math.round((now - createdAt) / 1000);
    const stopFor = async (reason: string) => {
      try {
        await deps.tasks.stopTask(task.taskArn, `slipway migrate hook: ${reason}`);
      } catch (error) {
        return finish(failed(), {
          ...fields,
          ...(await logLink(task)),
          reason,
          stopError: errorMessage(error),
        });
      }
      return finish(failed(), { ...fields, ...(await logLink(task)), reason, stopped: true });
    };
    if (elapsedSeconds > config.timeoutSeconds) {
      return stopFor(
        `migration did not finish within TIMEOUT_SECONDS=${config.timeoutSeconds}s (last status ${task.lastStatus}); task stopped`,
      );
    }
    if (task.startedAt === undefined && elapsedSeconds > config.startTimeoutSeconds) {
      return stopFor(
        `migration task did not start within START_TIMEOUT_SECONDS=${config.startTimeoutSeconds}s (last status ${task.lastStatus}); task stopped`,
      );
    }
    return finish(
      inProgress(config.callBackDelaySeconds, {
        [MIGRATE_TASK_ARN]: task.taskArn,
        [MIGRATE_STARTED_AT]: details[MIGRATE_STARTED_AT] ?? new Date(createdAt).toISOString(),
      }),
      { ...fields, elapsedSeconds, reason: `migration task ${task.lastStatus.toLowerCase()}` },
    );
  }

  return async function handler(rawEvent: unknown): Promise<HookResponse> {
    const parsed = parseLifecycleHookEvent(rawEvent);
    if (!parsed.ok) return finish(failed(), { reason: parsed.problem });
    const event = parsed.value;
    const base: LogFields = hookLogFields(event);
    if (isRollbackInvocation(event)) {
      return finish(succeeded(), {
        ...base,
        reason: 'deployment is rolling back; migrations are not run during a rollback',
      });
    }
    const startedBy = migrationStartedBy(event);
    base.startedBy = startedBy;

    try {
      // 1. The task this deployment already started, if any.
      const known = event.hookDetails[MIGRATE_TASK_ARN];
      const taskArns =
        typeof known === 'string' && known !== '' ? [known] : await deps.tasks.findTasks(startedBy);
      if (taskArns.length > 0) {
        const states = (await Promise.all(taskArns.map((arn) => deps.tasks.describeTask(arn)))).filter(
          (t): t is TaskState => t !== undefined,
        );
        if (states.length === 0) {
          return finish(failed(), {
            ...base,
            taskArn: taskArns[0],
            reason: `migration task ${taskArns[0]} is no longer known to ECS (stopped tasks are kept about an hour); its outcome is unknown`,
          });
        }
        states.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
        const first = states[0] as TaskState;
        if (states.length > 1) base.duplicateTasks = states.slice(1).map((s) => s.taskArn);
        return await evaluate(first, base, event.hookDetails);
      }

      // 2. First invocation: run the migration with the target revision's task definition.
      const target = await resolveTargetContainer(
        deps.taskDefinitions,
        event.targetServiceRevisionArn,
        config.containerName,
      );
      const run = await deps.tasks.runTask({
        taskDefinitionArn: target.taskDefinitionArn,
        startedBy,
        containerName: config.containerName,
        command: config.migrateCommand,
      });
      if (run.taskArn === undefined || run.failures.length > 0) {
        const why = run.failures.map(
          (f) => `${f.reason}${f.detail ? ` (${f.detail})` : ''}${f.arn ? ` [${f.arn}]` : ''}`,
        );
        return finish(failed(), {
          ...base,
          taskDefinitionArn: target.taskDefinitionArn,
          runTaskFailures: run.failures,
          reason: `RunTask did not start the migration task: ${why.join('; ') || 'no task and no failure returned'}`,
        });
      }
      return finish(
        inProgress(config.callBackDelaySeconds, {
          [MIGRATE_TASK_ARN]: run.taskArn,
          [MIGRATE_STARTED_AT]: deps.now().toISOString(),
        }),
        {
          ...base,
          taskArn: run.taskArn,
          taskDefinitionArn: target.taskDefinitionArn,
          command: config.migrateCommand,
          reason: 'migration task started',
        },
      );
    } catch (error) {
      // A transient error while polling must not roll back a migration that is running fine:
      // keep polling until the overall budget (anchored in hookDetails) is spent.
      const startedAt = Date.parse(String(event.hookDetails[MIGRATE_STARTED_AT] ?? ''));
      const elapsed = (deps.now().getTime() - startedAt) / 1000;
      if (!Number.isNaN(startedAt) && elapsed <= config.timeoutSeconds) {
        return finish(inProgress(config.callBackDelaySeconds, event.hookDetails), {
          ...base,
          reason: `could not check the migration task, will retry: ${errorMessage(error)}`,
        });
      }
      return finish(failed(), { ...base, reason: `migrate hook error: ${errorMessage(error)}` });
    }
  };
}
