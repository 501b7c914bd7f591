/**
 * Migrate hook: an ECS deployment lifecycle hook that runs the service's migrations as
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
  inProgress,
  type LifecycleHookEvent,
  startHook,
  succeeded,
} from '../shared/hook.ts';
import { errorMessage, type LogFields, type Logger } from '../shared/log.ts';
import { type EcsTaskDefinitionReader, resolveTargetContainer } from '../shared/target-container.ts';
import type { MigrateHookConfig } from './config.ts';
import { decideMigration, type MigrationDecision, type MigrationDigests, targetCommit } from './digests.ts';
import type { MigrationTasks, TaskState } from './tasks.ts';

export interface MigrateHookDeps {
  config: MigrateHookConfig;
  tasks: MigrationTasks;
  taskDefinitions: EcsTaskDefinitionReader;
  now: () => Date;
  log: Logger;
  /** The release's and the applied migrations digests; without them the hook always migrates. */
  digests?: MigrationDigests;
}

/** Keys this hook keeps in hookDetails between invocations. */
export const MIGRATE_TASK_ARN = 'migrateTaskArn';
export const MIGRATE_STARTED_AT = 'migrateStartedAt';
/** The release's migrations digest, recorded as applied once the task succeeds. */
export const MIGRATIONS_DIGEST = 'migrationsDigest';

/** The hookDetails kept while the task runs: its ARN, its start and the digest to record. */
function running(taskArn: string, startedAt: unknown, details: HookDetails): HookDetails {
  const digest = details[MIGRATIONS_DIGEST];
  return {
    [MIGRATE_TASK_ARN]: taskArn,
    [MIGRATE_STARTED_AT]: startedAt,
    ...(typeof digest === 'string' ? { [MIGRATIONS_DIGEST]: digest } : {}),
  };
}

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

/** One invocation's work; ECS calls the hook again every callback delay until it answers. */
class MigrateHook {
  private readonly config: MigrateHookDeps['config'];

  private readonly deps: MigrateHookDeps;

  constructor(deps: MigrateHookDeps) {
    this.deps = deps;
    this.config = deps.config;
  }

  async handle(rawEvent: unknown): Promise<HookResponse> {
    const start = startHook(rawEvent, 'deployment is rolling back; migrations are not run during a rollback');
    if (start.answered) return this.finish(start.response, start.fields);
    const { event } = start;
    const base: LogFields = start.base;
    const startedBy = migrationStartedBy(event);
    base.startedBy = startedBy;

    try {
      const known = event.hookDetails[MIGRATE_TASK_ARN];
      const taskArns =
        typeof known === 'string' && known !== '' ? [known] : await this.deps.tasks.findTasks(startedBy);
      if (taskArns.length > 0) return await this.checkTask(taskArns, base, event.hookDetails);
      return await this.startMigration(event.targetServiceRevisionArn, startedBy, base);
    } catch (error) {
      // A transient error while polling must not roll back a migration that is running fine:
      // keep polling until the overall budget (anchored in hookDetails) is spent.
      const startedAt = Date.parse(String(event.hookDetails[MIGRATE_STARTED_AT] ?? ''));
      const elapsed = (this.deps.now().getTime() - startedAt) / 1000;
      if (!Number.isNaN(startedAt) && elapsed <= this.config.timeoutSeconds) {
        return this.finish(inProgress(this.config.callBackDelaySeconds, event.hookDetails), {
          ...base,
          reason: `could not check the migration task, will retry: ${errorMessage(error)}`,
        });
      }
      return this.finish(failed(), { ...base, reason: `migrate hook error: ${errorMessage(error)}` });
    }
  }

  /** 1. The task this deployment already started: the oldest, if several (the others are reported). */
  private async checkTask(taskArns: string[], base: LogFields, details: HookDetails): Promise<HookResponse> {
    const states = (await Promise.all(taskArns.map((arn) => this.deps.tasks.describeTask(arn)))).filter(
      (t): t is TaskState => t !== undefined,
    );
    if (states.length === 0) {
      return this.finish(failed(), {
        ...base,
        taskArn: taskArns[0],
        reason: `migration task ${taskArns[0]} is no longer known to ECS (stopped tasks are kept about an hour); its outcome is unknown`,
      });
    }
    states.sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
    const first = states[0] as TaskState;
    if (states.length > 1) base.duplicateTasks = states.slice(1).map((s) => s.taskArn);
    return await this.evaluate(first, base, details);
  }

  /** 2. First invocation: run the migration with the target revision's task definition. */
  private async startMigration(
    targetServiceRevisionArn: string,
    startedBy: string,
    base: LogFields,
  ): Promise<HookResponse> {
    const target = await resolveTargetContainer(
      this.deps.taskDefinitions,
      targetServiceRevisionArn,
      this.config.containerName,
    );
    const decision = await this.decide(target.container);
    base.migrationDecision = decision.reason;
    if (decision.skip) {
      return this.finish(succeeded(), {
        ...base,
        taskDefinitionArn: target.taskDefinitionArn,
        skipped: true,
        reason: decision.reason,
      });
    }
    const run = await this.deps.tasks.runTask({
      taskDefinitionArn: target.taskDefinitionArn,
      startedBy,
      containerName: this.config.containerName,
      command: this.config.migrateCommand,
    });
    if (run.taskArn === undefined || run.failures.length > 0) {
      const why = run.failures.map(
        (f) => `${f.reason}${f.detail ? ` (${f.detail})` : ''}${f.arn ? ` [${f.arn}]` : ''}`,
      );
      return this.finish(failed(), {
        ...base,
        taskDefinitionArn: target.taskDefinitionArn,
        runTaskFailures: run.failures,
        reason: `RunTask did not start the migration task: ${why.join('; ') || 'no task and no failure returned'}`,
      });
    }
    return this.finish(
      inProgress(
        this.config.callBackDelaySeconds,
        running(
          run.taskArn,
          this.deps.now().toISOString(),
          decision.digest ? { [MIGRATIONS_DIGEST]: decision.digest } : {},
        ),
      ),
      {
        ...base,
        taskArn: run.taskArn,
        taskDefinitionArn: target.taskDefinitionArn,
        command: this.config.migrateCommand,
        reason: 'migration task started',
      },
    );
  }

  /** Whether the target brings a pending migration; any doubt (no digests, an error) migrates. */
  private async decide(container: {
    image: string;
    environment: Record<string, string>;
  }): Promise<MigrationDecision> {
    const digests = this.deps.digests;
    if (!digests) return { skip: false, reason: 'no migrations digest parameters configured: migrating' };
    try {
      const [release, applied] = await Promise.all([digests.release(), digests.applied()]);
      return decideMigration({ release, applied, commit: targetCommit(container) });
    } catch (error) {
      return {
        skip: false,
        reason: `could not read the migrations digests (${errorMessage(error)}): migrating`,
      };
    }
  }

  /** After a migration succeeded: record its digest; a failure only means the next deploy migrates again. */
  private async recordApplied(details: HookDetails): Promise<LogFields> {
    const digest = details[MIGRATIONS_DIGEST];
    if (typeof digest !== 'string' || !this.deps.digests) return {};
    try {
      await this.deps.digests.recordApplied(digest);
      return { appliedDigest: digest };
    } catch (error) {
      return { recordError: errorMessage(error) };
    }
  }

  private finish(response: HookResponse, fields: LogFields): HookResponse {
    this.deps.log({ event: 'migrate-hook.result', hookStatus: response.hookStatus, ...fields });
    return response;
  }

  private async logLink(
    task: TaskState,
  ): Promise<{ logGroup?: string; logStream?: string; logUrl?: string }> {
    try {
      let group = this.config.logGroupName;
      let prefix = this.config.logStreamPrefix;
      let region = this.config.region;
      if (task.taskDefinitionArn !== undefined) {
        const td = await this.deps.taskDefinitions.describeTaskDefinition(task.taskDefinitionArn);
        const log = td.containers.find((c) => c.name === this.config.containerName)?.logConfiguration;
        if (log?.logDriver === 'awslogs') {
          group = log.options['awslogs-group'] ?? group;
          prefix = log.options['awslogs-stream-prefix'] ?? prefix;
          region = log.options['awslogs-region'] ?? region;
        }
      }
      if (group === undefined || prefix === undefined) return {};
      const stream = `${prefix}/${this.config.containerName}/${taskId(task.taskArn)}`;
      return { logGroup: group, logStream: stream, logUrl: logsConsoleUrl(region, group, stream) };
    } catch {
      return {}; // the link is a convenience; never let it change the outcome
    }
  }

  private async evaluate(task: TaskState, base: LogFields, details: HookDetails): Promise<HookResponse> {
    const now = this.deps.now().getTime();
    const fields: LogFields = {
      ...base,
      taskArn: task.taskArn,
      lastStatus: task.lastStatus,
      stoppedReason: task.stoppedReason,
      stopCode: task.stopCode,
    };
    if (task.lastStatus === 'STOPPED') {
      const container = task.containers.find((c) => c.name === this.config.containerName);
      const link = await this.logLink(task);
      if (container?.exitCode === 0) {
        return this.finish(succeeded(), {
          ...fields,
          ...link,
          ...(await this.recordApplied(details)),
          exitCode: 0,
          reason: 'migrations completed (exit code 0)',
        });
      }
      const reason =
        container === undefined
          ? `migration task ${taskId(task.taskArn)} stopped without a "${this.config.containerName}" container: ${task.stoppedReason ?? 'no reason given'}`
          : container.exitCode === undefined
            ? `migration container "${this.config.containerName}" never ran: ${container.reason ?? task.stoppedReason ?? 'no reason given'}`
            : `migration container "${this.config.containerName}" exited with code ${container.exitCode}${container.reason ? ` (${container.reason})` : ''}; task stopped: ${task.stoppedReason ?? 'no reason given'}`;
      return this.finish(failed(), {
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
        await this.deps.tasks.stopTask(task.taskArn, `slipway migrate hook: ${reason}`);
      } catch (error) {
        return this.finish(failed(), {
          ...fields,
          ...(await this.logLink(task)),
          reason,
          stopError: errorMessage(error),
        });
      }
      return this.finish(failed(), { ...fields, ...(await this.logLink(task)), reason, stopped: true });
    };
    if (elapsedSeconds > this.config.timeoutSeconds) {
      return stopFor(
        `migration did not finish within TIMEOUT_SECONDS=${this.config.timeoutSeconds}s (last status ${task.lastStatus}); task stopped`,
      );
    }
    if (task.startedAt === undefined && elapsedSeconds > this.config.startTimeoutSeconds) {
      return stopFor(
        `migration task did not start within START_TIMEOUT_SECONDS=${this.config.startTimeoutSeconds}s (last status ${task.lastStatus}); task stopped`,
      );
    }
    return this.finish(
      inProgress(
        this.config.callBackDelaySeconds,
        running(task.taskArn, details[MIGRATE_STARTED_AT] ?? new Date(createdAt).toISOString(), details),
      ),
      { ...fields, elapsedSeconds, reason: `migration task ${task.lastStatus.toLowerCase()}` },
    );
  }
}

export function createHandler(deps: MigrateHookDeps): (event: unknown) => Promise<HookResponse> {
  return (event) => new MigrateHook(deps).handle(event);
}
