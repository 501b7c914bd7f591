/**
 * Entry point: `node dist/main.js [serve|migrate] [--memory]` (the image's CMD is `serve`).
 *
 * - `serve` (default): start the HTTP service; SIGTERM/SIGINT drain it and exit 0.
 * - `migrate`: apply pending migrations and exit: 0 on success, 1 on any failure. The deploy hook
 *   runs it as a one-off ECS task from the same image (WORKDIR /app).
 * - `--memory`: use an in-memory embedded database (same as DB_EMBEDDED=memory).
 * - Under `npm start`, the service stops when that npm exits (see launcher.ts).
 *
 * Exit codes: 0 success or clean shutdown; 1 invalid configuration, failed migration, failed start,
 * or a shutdown that did not finish within SHUTDOWN_TIMEOUT_MS; 2 bad command line.
 */
import { parseArgs } from 'node:util';
import closeWithGrace from 'close-with-grace';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { DataDirInUseError } from './db/embedded.ts';
import { watchLauncher } from './launcher.ts';
import { createLogger, logDestination } from './logger.ts';
import { connectionSettings, migrateLogger, openDatabase, startService } from './server.ts';

const USAGE = 'usage: node dist/main.js [serve|migrate] [--memory]';

function parseCommandLine(): { command: 'serve' | 'migrate'; memory: boolean } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { memory: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const command = positionals[0] ?? 'serve';
    if ((command !== 'serve' && command !== 'migrate') || positionals.length > 1) {
      throw new Error(`unknown command "${positionals.join(' ')}"`);
    }
    return { command, memory: values.memory ?? false };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
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

const { command, memory } = parseCommandLine();
const config = readConfig(memory);
if (command === 'migrate') {
  process.exit(await runMigrate(config));
} else {
  await runServe(config);
}
