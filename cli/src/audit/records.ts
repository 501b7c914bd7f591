import { AUDIT_LOG_STREAM, AUDIT_RETENTION_DAYS, auditLogGroupName } from '@slipway/config/contract';
import type { AwsApis } from '../aws/api.ts';

/** Who ran a command: the AWS caller, and in GitHub Actions the actor and the run. */
export interface Actor {
  /** The caller identity's ARN (STS GetCallerIdentity). */
  readonly arn: string;
  /** `$GITHUB_ACTOR`, in GitHub Actions. */
  readonly actor?: string;
  /** The workflow run's URL, in GitHub Actions. */
  readonly runUrl?: string;
}

/** The commands that write audit records. */
export type AuditCommand = 'deploy' | 'rollback' | 'destroy' | 'force-unlock';

/**
 * How a release ended: `started` is written first and superseded by one of the others;
 * `interrupted` when the CLI got SIGINT or SIGTERM; `removed` for a force-unlock.
 */
export type AuditResult = 'started' | 'succeeded' | 'failed' | 'interrupted' | 'removed';

/** One audit record, one JSON log event. */
export interface AuditRecord {
  /** The release's id (its lock's id); the started and the final record share it. */
  readonly id: string;
  readonly command: AuditCommand;
  readonly environment: string;
  readonly by: Actor;
  readonly result: AuditResult;
  /** ISO time the command took the lock. */
  readonly startedAt: string;
  readonly durationSeconds?: number;
  /** `$GITHUB_SHA`: the commit of the workflow run (the config and infrastructure deployed). */
  readonly commit?: string;
  /** The image tag released (a commit sha); absent for an infrastructure-only deploy. */
  readonly image?: string;
  /** `<repository>@sha256:...` of each image released, from ECR DescribeImages. */
  readonly digests?: readonly string[];
  /** The deployment strategy of the environment (rolling, canary, linear, blue-green). */
  readonly strategy?: string;
  /** One service rolled back alone (`rollback --service`). */
  readonly service?: string;
  /** The error line of a failed command. */
  readonly error?: string;
  /** For a force-unlock: the id, holder and command of the lock removed. */
  readonly removedLock?: {
    readonly id: string;
    readonly by?: Actor;
    readonly command?: string;
    readonly since?: string;
  };
}

/** The owner of this run, from the caller identity and GitHub Actions' variables. */
export function actorOf(arn: string, environ: NodeJS.ProcessEnv): Actor {
  if (environ.GITHUB_ACTIONS !== 'true') return { arn };
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: run } = environ;
  return {
    arn,
    ...(environ.GITHUB_ACTOR ? { actor: environ.GITHUB_ACTOR } : {}),
    ...(server && repo && run ? { runUrl: `${server}/${repo}/actions/runs/${run}` } : {}),
  };
}

/** `alice (run https://…)` or the ARN: who, in one short phrase. */
export function actorText(by: Actor | undefined): string {
  if (!by) return 'an unknown holder';
  const who = by.actor ? `${by.actor} (${by.arn})` : by.arn;
  return by.runUrl ? `${who}, run ${by.runUrl}` : who;
}

/** Appends one record to the environment's audit log (created on first use). */
export async function appendAudit(
  aws: Pick<AwsApis, 'audit'>,
  env: { readonly parameterPath: string },
  record: AuditRecord,
  time: Date,
): Promise<void> {
  await aws.audit.append(
    auditLogGroupName(env),
    AUDIT_LOG_STREAM,
    { time, message: JSON.stringify(record) },
    AUDIT_RETENTION_DAYS,
  );
}

/** A release in `history`: its final record, or its started one when none followed. */
export interface HistoryEntry extends AuditRecord {
  /** True when only the started record exists: still running, or killed before it could write more. */
  readonly unfinished: boolean;
}

/**
 * The newest `limit` releases, newest first. Each release writes two records (started, then its
 * result), so twice as many events are read; the final record replaces the started one.
 */
export async function readHistory(
  aws: Pick<AwsApis, 'audit'>,
  env: { readonly parameterPath: string },
  limit: number,
): Promise<HistoryEntry[]> {
  const events = await aws.audit.newest(auditLogGroupName(env), AUDIT_LOG_STREAM, limit * 2);
  const byId = new Map<string, HistoryEntry>();
  // Oldest first, so a later record of the same release replaces an earlier one.
  for (const event of [...events].reverse()) {
    const record = parseRecord(event.message);
    if (!record) continue;
    byId.set(`${record.command}:${record.id}`, { ...record, unfinished: record.result === 'started' });
  }
  return [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt)).slice(0, limit);
}

function parseRecord(message: string): AuditRecord | undefined {
  try {
    const value = JSON.parse(message) as Partial<AuditRecord>;
    return typeof value.id === 'string' && typeof value.startedAt === 'string' && value.command
      ? (value as AuditRecord)
      : undefined;
  } catch {
    return undefined;
  }
}
