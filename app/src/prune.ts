/**
 * `node dist/main.js prune [--older-than-days N]`: deletes items created more than N days ago
 * (default PRUNE_AFTER_DAYS, 30) and exits. Run nightly as a scheduled task from the same image; the
 * scheduler alarms on a non-zero exit.
 */
import type { Config } from './config.ts';
import { DataDirInUseError } from './db/embedded.ts';
import { createLogger, logDestination } from './logger.ts';
import { ItemsRepository } from './plugins/app/items-repository.ts';
import { type OpenedPool, openPool } from './server.ts';

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Exit code: 0 when the items are deleted (none to delete included), 1 on any failure. */
export async function runPrune(config: Config, olderThanDays: number): Promise<number> {
  const logger = createLogger(config, await logDestination(config.logFormat));
  let database: OpenedPool | undefined;
  try {
    database = await openPool(config, logger, `${config.name}:prune`, 1);
    const started = Date.now();
    const deleted = await new ItemsRepository(database.pool, config.dbSchema).pruneOlderThan(olderThanDays);
    logger.info(
      { deleted, olderThanDays, durationMs: Date.now() - started },
      `prune: done, ${plural(deleted, 'item')} older than ${plural(olderThanDays, 'day')} deleted`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DataDirInUseError) process.stderr.write(`${error.message}\n`);
    else logger.error({ err: error }, `prune: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await database
      ?.close()
      .catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
  }
}
