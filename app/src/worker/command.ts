/**
 * `node dist/main.js worker`: consumes the queue in QUEUE_URL until SIGTERM or SIGINT.
 * Loaded by main.ts only for this command, so `serve` never loads the SQS client.
 */
import closeWithGrace from 'close-with-grace';
import type { Config } from '../config.ts';
import { DataDirInUseError } from '../db/embedded.ts';
import { createLogger, logDestination } from '../logger.ts';
import { ItemsRepository } from '../plugins/app/items-repository.ts';
import { type OpenedPool, openPool } from '../server.ts';
import { queueClient } from './queue-client.ts';
import { QueueWorker } from './worker.ts';

/**
 * Runs the worker. Exit codes as for `serve`: 0 after a clean stop; 1 when the database cannot be
 * opened, or when the stop outlasts SHUTDOWN_TIMEOUT_MS (the message in hand then stays on the
 * queue and is delivered again).
 */
export async function runWorker(config: Config & { readonly queueUrl: string }): Promise<void> {
  const logger = createLogger(config, await logDestination(config.logFormat));
  let database: OpenedPool;
  try {
    // One connection: messages are handled one at a time.
    database = await openPool(config, logger, `${config.name}:worker`, 1);
  } catch (error) {
    if (error instanceof DataDirInUseError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, `worker: start failed: ${(error as Error).message}`);
    process.exit(1);
  }
  const items = new ItemsRepository(database.pool, config.dbSchema);
  const sqs = queueClient(config);
  const worker = new QueueWorker({
    sqs,
    queueUrl: config.queueUrl,
    logger,
    handle: async ({ itemId }) => ((await items.markProcessed(itemId)) ? 'processed' : 'item-gone'),
  });

  // Same signal handling as `serve`: SIGTERM/SIGINT finish the message in hand and exit 0; past
  // SHUTDOWN_TIMEOUT_MS exit 1; a second signal exits at once; an uncaught error exits 1.
  closeWithGrace(
    {
      delay: config.shutdownTimeoutMs,
      logger: { error: (message: unknown) => logger.error(String(message)) },
    },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, 'uncaught error; shutting down');
      else logger.info({ signal }, 'shutting down: finishing the message in hand');
      await worker.stop();
      sqs.destroy();
      await database.close();
      logger.info('shut down cleanly');
    },
  );
  await worker.start();
}
