import type { SlipwayConfig } from '@slipway/config';
import { auditLogGroupName } from '@slipway/config/contract';
import { type HistoryEntry, readHistory } from '../audit/records.ts';
import type { AwsFactory } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { table } from '../format.ts';
import type { Io } from '../io.ts';
import { holderText, readLock } from '../lock/lock.ts';
import { call, onlineTarget } from '../online.ts';

/** How many releases `history` lists without `--limit`. */
export const HISTORY_DEFAULT_LIMIT = 20;

/** `1h 02m 05s` → shorter: `1 h 2 min`, `4 min 5 s`, `12 s`. */
function durationText(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** The short digest of the first image (`sha256:0123abcd…`), `+n` for more. */
function digestText(digests: readonly string[] | undefined): string {
  if (!digests?.length) return '-';
  const first = (digests[0]?.split('@')[1] ?? '').slice(0, 19);
  return digests.length > 1 ? `${first} +${digests.length - 1}` : first;
}

function resultText(entry: HistoryEntry): string {
  if (entry.unfinished) return 'unfinished';
  if (entry.command === 'force-unlock') return `removed lock ${entry.removedLock?.id ?? '?'}`;
  return entry.result;
}

/** The table `history` prints, newest first. */
export function historyTable(entries: readonly HistoryEntry[]): string {
  return table(
    [
      ['started (UTC)', 'command', 'result', 'image', 'digest', 'strategy', 'took', 'by'],
      ...entries.map((e) => [
        e.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
        e.service ? `${e.command} --service ${e.service}` : e.command,
        resultText(e),
        e.image ?? '-',
        digestText(e.digests),
        e.strategy ?? '-',
        durationText(e.durationSeconds),
        e.by.actor ?? e.by.arn.split('/').slice(-2).join('/'),
      ]),
    ],
    ['l', 'l', 'l', 'l', 'l', 'l', 'r', { max: 40 }],
  );
}

/**
 * `slipway history <env> [--limit <n>] [--json]`: the environment's releases (deploy, rollback,
 * destroy, force-unlock), newest first, from its audit log, and who holds its lock now.
 */
export async function historyCommand(
  config: SlipwayConfig,
  env: string,
  options: { limit?: number; json?: boolean },
  io: Io,
  factory: AwsFactory = sdkFactory,
): Promise<ExitCode> {
  const target = await onlineTarget(config, env, 'history', factory);
  const name = target.env.name;
  const limit = options.limit ?? HISTORY_DEFAULT_LIMIT;
  const aws$ = <T>(fn: () => Promise<T>) => call(fn, 'history', name, target.where);
  const [entries, lock] = await Promise.all([
    aws$(() => readHistory(target.aws, target.env, limit)),
    aws$(() => readLock(target.aws, target.env)),
  ]);
  if (options.json) {
    io.out(`${JSON.stringify({ environment: name, lock: lock ?? null, releases: entries }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (lock) io.out(`Locked now: lock ${lock.id}, a ${holderText(lock, new Date())}\n\n`);
  io.out(
    entries.length === 0
      ? `No releases recorded for ${name} yet (${auditLogGroupName(target.env)} in ${target.where}).\n`
      : `${historyTable(entries)}\n`,
  );
  return EXIT.ok;
}
