/**
 * Entry point: `node dist/main.js [serve|migrate|worker|prune] [--memory] [--older-than-days N]`
 * (the image's CMD is `serve`; the worker and the scheduled job run the same image with another command).
 *
 * - `serve` (default): start the HTTP service; SIGTERM/SIGINT drain it and exit 0.
 * - `migrate`: apply pending migrations and exit: 0 on success, 1 on any failure. The deploy hook
 *   runs it as a one-off ECS task from the same image (WORKDIR /app).
 * - `worker`: process messages from the SQS queue in QUEUE_URL (src/worker/) until SIGTERM/SIGINT,
 *   which finish the message in hand and exit 0.
 * - `prune`: delete items older than `--older-than-days` (default PRUNE_AFTER_DAYS) and exit: 0 on
 *   success, 1 on any failure.
 * - `--memory`: use an in-memory embedded database (same as DB_EMBEDDED=memory).
 * - Under `npm start`, the service stops when that npm exits (see launcher.ts).
 *
 * Exit codes: 0 success or clean shutdown; 1 invalid configuration, failed migration or prune, failed
 * start, or a shutdown that did not finish within SHUTDOWN_TIMEOUT_MS; 2 bad command line.
 */
import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { type Config, ConfigError, loadConfig, MAX_PRUNE_DAYS } from './config.ts';
import { DataDirInUseError } from './db/embedded.ts';
import { watchLauncher } from './launcher.ts';
import { createLogger, logDestination } from './logger.ts';
import { connectionSettings, migrateLogger, openDatabase, startService } from './server.ts';

const USAGE =
  'usage: node dist/main.js [serve|migrate|worker|prune] [--memory] [--older-than-days N (prune only)]';
const COMMANDS = ['serve', 'migrate', 'worker', 'prune'] as const;
type Command = (typeof COMMANDS)[number];

interface CommandLine {
  readonly command: Command;
  readonly memory: boolean;
  /** `--older-than-days`; undefined: PRUNE_AFTER_DAYS. */
  readonly olderThanDays: number | undefined;
}

function parseCommandLine(): CommandLine {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: {
        memory: { type: 'boolean', default: false },
        'older-than-days': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const command = positionals[0] ?? 'serve';
    if (!COMMANDS.includes(command as Command) || positionals.length > 1) {
      throw new Error(`unknown command "${positionals.join(' ')}"`);
    }
    const days = values['older-than-days'];
    if (days !== undefined && command !== 'prune') {
      throw new Error(`--older-than-days: only the prune command takes it (got command "${command}")`);
    }
    if (
      days !== undefined &&
      (!/^\d{1,5}$/.test(days) || Number(days) < 1 || Number(days) > MAX_PRUNE_DAYS)
    ) {
      throw new Error(
        `--older-than-days: got ${JSON.stringify(days)}; expected an integer 1-${MAX_PRUNE_DAYS}`,
      );
    }
    return {
      command: command as Command,
      memory: values.memory ?? false,
      olderThanDays: days === undefined ? undefined : Number(days),
    };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
}

/** The worker's queue, or exit 1 with the configuration error's one line. */
function requireQueueUrl(config: Config): Config & { readonly queueUrl: string } {
  if (config.queueUrl !== null) return { ...config, queueUrl: config.queueUrl };
  process.stderr.write(
    'QUEUE_URL: got nothing; expected an SQS queue URL like https://sqs.eu-west-1.amazonaws.com/123456789012/name (the worker command consumes that queue)\n',
  );
  process.exit(1);
}

function readConfig(memory: boolean): Config {
  try {
    return loadConfig(process.env, {
      ...(memory ? { embedded: 'memory' } : {}),
      terminal: process.stdout.isTTY === true,
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      // Plain lines, not JSON: the operator reads them in the ECS stopped reason / CloudWatch.
      process.stderr.write(`${error.lines.join('\n')}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function runMigrate(config: Config): Promise<number> {
  const logger = createLogger(config, await logDestination(config.logFormat));
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    database = await openDatabase(config, logger);
    const { migrate } = await import('./db/migrate.ts');
    const applied = await migrate({
      target: database.target,
      settings: connectionSettings(config, `${config.name}:migrate`),
      schema: config.dbSchema,
      logger: migrateLogger(logger),
    });
    logger.info({ applied, schema: config.dbSchema }, `migrate: done, ${applied.length} applied`);
    return 0;
  } catch (error) {
    if (error instanceof DataDirInUseError) process.stderr.write(`${error.message}\n`);
    else logger.error({ err: error }, `migrate: failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await database
      ?.close()
      .catch((error: unknown) => logger.error({ err: error }, 'closing the database failed'));
  }
}

async function runServe(config: Config): Promise<void> {
  const logger = createLogger(config, await logDestination(config.logFormat));
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService(config, logger);
  } catch (error) {
    // A folder held by another instance is the operator's to resolve: one plain line says how.
    if (error instanceof DataDirInUseError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, `start failed: ${(error as Error).message}`);
    process.exit(1);
  }

  // SIGTERM (ECS stop, `docker stop`) and SIGINT (Ctrl-C): stop accepting connections, answer /ready
  // with 503, let in-flight requests finish, close the pool and the embedded database, exit 0. Past
  // SHUTDOWN_TIMEOUT_MS the process exits 1 (ECS would SIGKILL it 5 s later: its stopTimeout is the
  // drain plus 5 s). A second signal exits at once. Uncaught errors take the same path and exit 1.
  closeWithGrace(
    {
      delay: config.shutdownTimeoutMs,
      logger: { error: (message: unknown) => logger.error(String(message)) },
    },
    async ({ signal, err }) => {
      if (err) logger.fatal({ err }, 'uncaught error; shutting down');
      else logger.info({ signal }, 'shutting down: draining in-flight requests');
      await service.close();
      logger.info('shut down cleanly');
    },
  );
  // Signalling `npm start` reaches only npm's shell, not this process: follow npm out instead.
  watchLauncher(() => process.kill(process.pid, 'SIGTERM'));

  try {
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
    await service.app.listen({
      port: config.port,
      host: config.host,
      listenTextResolver: () => `listening on ${url} (${config.environment}, version ${config.version})`,
    });
    if (process.stdout.isTTY)
      process.stderr.write(`\n  ${config.name} ${config.version} is running at ${url}\n\n`);
  } catch (error) {
    logger.fatal(
      { err: error },
      `could not listen on ${config.host}:${config.port}: ${(error as Error).message}`,
    );
    await service.close().catch(() => {});
    process.exit(1);
  }
}

const { command, memory, olderThanDays } = parseCommandLine();
const config = readConfig(memory);
if (command === 'migrate') {
  process.exit(await runMigrate(config));
} else if (command === 'worker') {
  const { runWorker } = await import('./worker/command.ts');
  await runWorker(requireQueueUrl(config));
} else if (command === 'prune') {
  const { runPrune } = await import('./prune.ts');
  process.exit(await runPrune(config, olderThanDays ?? config.pruneAfterDays));
} else {
  await runServe(config);
}
