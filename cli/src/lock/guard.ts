import { lockParameterName } from '@slipway/config/contract';
import { type Actor, type AuditRecord, actorOf, appendAudit } from '../audit/records.ts';
import { CliError, formatCliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, type OnlineTarget } from '../online.ts';
import { acquireLock, holderText, type LockHolder, newLockId, readLock, releaseLock } from './lock.ts';

/** Where SIGINT and SIGTERM arrive (`process`; tests pass an EventEmitter). */
export interface SignalSource {
  on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  off(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

/** What the guard takes from outside, injectable for tests. */
export interface GuardOptions {
  /** @default process */
  readonly signals?: SignalSource;
  /** Ends the process after a signal, once the lock is released. @default process.exit */
  readonly exit?: (code: number) => void;
  /** GitHub Actions' variables (actor, run, commit). @default process.env */
  readonly environ?: NodeJS.ProcessEnv;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** One locked and audited command. */
export interface GuardRequest {
  readonly target: OnlineTarget;
  readonly command: 'deploy' | 'rollback' | 'destroy';
  readonly image?: string;
  readonly strategy?: string;
  readonly service?: string;
  /** `--force-unlock <id>`: remove that lock first (logged), then take it as usual. */
  readonly forceUnlock?: string;
}

/** Facts the locked work learns on the way (the digests of the images released). */
export interface ReleaseFacts {
  digests?: string[];
}

/** Exit code after SIGINT/SIGTERM: 128 + the signal number, as shells report it. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;

/** One guarded run: the request and what every step of it reads. */
interface GuardRun {
  readonly request: GuardRequest;
  readonly io: Io;
  readonly by: Actor;
  readonly commit?: string;
  readonly now: () => Date;
  readonly aws$: <R>(fn: () => Promise<R>) => Promise<R>;
}

/**
 * Runs `work` holding the environment's lock, with an audit record before (`started`) and after
 * (`succeeded`, `failed`, `interrupted`). The lock is released in `finally`, and on SIGINT/SIGTERM
 * before the process exits. A missing start record stops the command before it changes anything
 * (SW263); a missing final record or a lock that could not be released is a warning (SW264,
 * SW267): the command's own result stands.
 */
export async function guardRelease<T>(
  request: GuardRequest,
  io: Io,
  options: GuardOptions,
  work: (facts: ReleaseFacts) => Promise<T>,
): Promise<T> {
  const { target } = request;
  const environ = options.environ ?? process.env;
  const run: GuardRun = {
    request,
    io,
    by: actorOf(target.identity.arn, environ),
    commit: environ.GITHUB_ACTIONS === 'true' ? environ.GITHUB_SHA : undefined,
    now: options.now ?? (() => new Date()),
    aws$: (fn) => call(fn, request.command, target.env.name, target.where),
  };
  if (request.forceUnlock) await forceUnlock(run, request.forceUnlock);
  const facts: ReleaseFacts = {};
  const { holder, record } = await lockAndRecord(run, facts);

  let finished = false;
  const finish = async (result: AuditRecord['result'], error?: string) => {
    if (finished) return;
    finished = true;
    await writeFinal(target, record(result, error), run.now(), io);
    await release(target, holder, io);
  };
  const detach = onSignals(options, (signal, exit) => {
    if (finished) return exit();
    io.progress.stop();
    io.err(`${signal}: releasing the lock of ${target.env.name} before exiting\n`);
    void finish('interrupted', `stopped by ${signal}`).finally(exit);
  });
  try {
    const result = await work(facts);
    await finish('succeeded');
    return result;
  } catch (error) {
    const line = error instanceof CliError ? `${error.code}: ${error.message}` : String(error);
    await finish('failed', line.split('\n')[0]);
    throw error;
  } finally {
    detach();
  }
}

/**
 * Takes the lock and writes the `started` record; without that record nothing goes on (SW263).
 * Returns the holder and how to build this release's records.
 */
async function lockAndRecord(run: GuardRun, facts: ReleaseFacts) {
  const { request, io, by, commit, now, aws$ } = run;
  const { target, command } = request;
  const { env, aws } = target;
  const started = now();
  const holder: LockHolder = {
    id: newLockId(),
    by,
    command,
    ...(request.image ? { image: request.image } : {}),
    ...(commit ? { commit } : {}),
    since: started.toISOString(),
  };
  await aws$(() => acquireLock(aws, env, holder, started));
  io.progress.info(`Locked ${env.name} (lock ${holder.id}, ${lockParameterName(env)})`);
  const record = (result: AuditRecord['result'], error?: string): AuditRecord => ({
    id: holder.id,
    command,
    environment: env.name,
    by,
    result,
    startedAt: holder.since,
    ...(result === 'started'
      ? {}
      : { durationSeconds: Math.round((now().getTime() - started.getTime()) / 1000) }),
    ...(commit ? { commit } : {}),
    ...(request.image ? { image: request.image } : {}),
    ...(facts.digests?.length ? { digests: facts.digests } : {}),
    ...(request.strategy ? { strategy: request.strategy } : {}),
    ...(request.service ? { service: request.service } : {}),
    ...(error ? { error } : {}),
  });
  try {
    await aws$(() => appendAudit(aws, env, record('started'), started));
  } catch (error) {
    await release(target, holder, io);
    const reason = error instanceof CliError ? error.message : String(error);
    throw new CliError(
      'SW263',
      `the audit record of this ${command} could not be written (${reason}); the lock is released and nothing was changed`,
      `slipway doctor ${env.name}`,
    );
  }
  return { holder, record };
}

/** Calls `handle` on SIGINT or SIGTERM (with how to exit afterwards); returns the detach. */
function onSignals(
  options: GuardOptions,
  handle: (signal: 'SIGINT' | 'SIGTERM', exit: () => void) => void,
): () => void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const handlers = (['SIGINT', 'SIGTERM'] as const).map((signal) => {
    const handler = () => handle(signal, () => exit(SIGNAL_EXIT[signal]));
    signals.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) signals.off(signal, handler);
  };
}

/** Removes the lock `--force-unlock` names, after an audit record says who removed whose lock. */
async function forceUnlock(run: GuardRun, id: string): Promise<void> {
  const { request, io, by, commit, now, aws$ } = run;
  const { target, command } = request;
  const { env, aws } = target;
  const held = await aws$(() => readLock(aws, env));
  if (!held) {
    io.progress.info(`--force-unlock ${id}: ${env.name} holds no lock; nothing to remove`);
    return;
  }
  if (held.id !== id) {
    throw new CliError(
      'SW262',
      `--force-unlock ${id} does not name the lock ${env.name} holds now: lock ${held.id}, a ${holderText(held, now())}; nothing was removed`,
      `slipway history ${env.name}, then if that run is gone: slipway ${command} ${env.name} --force-unlock ${held.id}`,
    );
  }
  const at = now();
  const removed: AuditRecord = {
    id: `unlock-${held.id}`,
    command: 'force-unlock',
    environment: env.name,
    by,
    result: 'removed',
    startedAt: at.toISOString(),
    ...(commit ? { commit } : {}),
    removedLock: { id: held.id, by: held.by, command: held.command, since: held.since },
  };
  await aws$(() => appendAudit(aws, env, removed, at));
  await aws$(() => aws.lock.remove(lockParameterName(env)));
  io.progress.warn(
    `Removed lock ${held.id} of ${env.name}: a ${holderText(held, at)} (recorded in the audit log)`,
  );
}

/** The final audit record; failing to write it is a warning, the command's result stands. */
async function writeFinal(target: OnlineTarget, record: AuditRecord, at: Date, io: Io): Promise<void> {
  try {
    await appendAudit(target.aws, target.env, record, at);
  } catch (error) {
    io.err(
      `${formatCliError(
        new CliError(
          'SW264',
          `the ${record.command} of ${target.env.name} ${record.result}, but its final audit record was not written: ${(error as Error).message?.split('\n')[0]}`,
          `slipway history ${target.env.name}`,
        ),
      )}\n`,
    );
  }
}

/** Releases the lock; a failure is a warning that says how to remove it. */
async function release(target: OnlineTarget, holder: LockHolder, io: Io): Promise<void> {
  const { env, aws } = target;
  try {
    const other = await releaseLock(aws, env, holder.id);
    if (other) {
      io.progress.warn(
        `The lock of ${env.name} is no longer ${holder.id} (it was force-unlocked; lock ${other.id} holds it now); left alone`,
      );
    }
  } catch (error) {
    io.err(
      `${formatCliError(
        new CliError(
          'SW267',
          `the lock of ${env.name} (${holder.id}) was not released: ${(error as Error).message?.split('\n')[0]}`,
          `slipway ${holder.command} ${env.name} --force-unlock ${holder.id}, or aws ssm delete-parameter --name ${lockParameterName(env)} --region ${env.region}`,
        ),
      )}\n`,
    );
  }
}
