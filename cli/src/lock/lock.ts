import { randomBytes } from 'node:crypto';
import { lockParameterName } from '@slipway/config/contract';
import { type Actor, actorText } from '../audit/records.ts';
import type { AwsApis } from '../aws/api.ts';
import { CliError } from '../errors.ts';

/** What the lock parameter holds: who took it, for what, since when. */
export interface LockHolder {
  /** Random; `--force-unlock <id>` names it, so only the lock that was seen is removed. */
  readonly id: string;
  readonly by: Actor;
  readonly command: string;
  /** The image tag being released, if any. */
  readonly image?: string;
  /** `$GITHUB_SHA` in GitHub Actions. */
  readonly commit?: string;
  /** ISO time the lock was taken. */
  readonly since: string;
}

/**
 * A lock older than this is reported as probably abandoned: longer than the deploy workflow's
 * 90-minute timeout and the deploy role's two-hour session. It is still never taken over.
 */
export const STALE_AFTER_MS = 3 * 60 * 60 * 1000;

/** A new lock id: 12 hex characters, short enough to type back. */
export const newLockId = () => randomBytes(6).toString('hex');

/** The holder in a lock parameter's value; an unreadable value reads as the holder `unreadable`. */
export function parseHolder(value: string): LockHolder {
  try {
    const holder = JSON.parse(value) as Partial<LockHolder>;
    if (typeof holder.id === 'string' && typeof holder.since === 'string') return holder as LockHolder;
  } catch {
    // fall through
  }
  return { id: 'unreadable', by: { arn: 'unknown' }, command: 'unknown', since: '' };
}

/** `12 min`, `3 h 5 min`, `2 d 4 h`. */
export function ageText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** `deploy of image abc1234 by alice (arn…) since <iso>, 12 min ago`. */
export function holderText(holder: LockHolder, now: Date): string {
  const what = `${holder.command}${holder.image ? ` of image ${holder.image}` : ''}`;
  const since = Date.parse(holder.since);
  const age = Number.isNaN(since) ? '' : `, ${ageText(now.getTime() - since)} ago`;
  const stale =
    !Number.isNaN(since) && now.getTime() - since > STALE_AFTER_MS
      ? ' (longer than any deploy runs: its run has probably died)'
      : '';
  return `${what} by ${actorText(holder.by)} since ${holder.since || 'an unknown time'}${age}${stale}`;
}

/** The holder of the environment's lock, or undefined when it is free. */
export async function readLock(
  aws: Pick<AwsApis, 'lock'>,
  env: { readonly parameterPath: string },
): Promise<LockHolder | undefined> {
  const value = await aws.lock.read(lockParameterName(env));
  return value === undefined ? undefined : parseHolder(value);
}

/**
 * Takes the environment's lock with one conditional write. Held already: SW261 naming the holder,
 * its age, and the two ways on (wait, or remove a dead run's lock with `--force-unlock <id>`).
 */
export async function acquireLock(
  aws: Pick<AwsApis, 'lock'>,
  env: { readonly name: string; readonly parameterPath: string },
  holder: LockHolder,
  now: Date,
): Promise<void> {
  const name = lockParameterName(env);
  if (await aws.lock.create(name, JSON.stringify(holder))) return;
  const current = await readLock(aws, env);
  // Released between the two calls: one more try, and no more (never a loop against a busy lock).
  if (!current && (await aws.lock.create(name, JSON.stringify(holder)))) return;
  const seen = current ?? parseHolder('');
  throw new CliError(
    'SW261',
    `${env.name} is locked by a ${holderText(seen, now)} (lock ${seen.id}, ${name}); nothing was changed`,
    `wait for it to end (slipway history ${env.name}); if that run is gone: slipway ${holder.command} ${env.name} --force-unlock ${seen.id}`,
  );
}

/**
 * Removes the lock if it is still `id`'s; returns what it found instead (a lock force-unlocked and
 * taken by another run is left alone).
 */
export async function releaseLock(
  aws: Pick<AwsApis, 'lock'>,
  env: { readonly parameterPath: string },
  id: string,
): Promise<LockHolder | undefined> {
  const current = await readLock(aws, env);
  if (current?.id === id) {
    await aws.lock.remove(lockParameterName(env));
    return undefined;
  }
  return current;
}
