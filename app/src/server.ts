import type { FastifyBaseLogger } from 'fastify';
import pg from 'pg';
import { type AppInstance, type BuildAppOptions, buildApp } from './app.ts';
import { type Config, PRISTINE_CLUSTER_DIR } from './config.ts';
import {
  type ConnectionSettings,
  type ConnectionTarget,
  clientConfig,
  describeTarget,
  serverTarget,
} from './db/connection.ts';
import { type EmbeddedDatabase, startEmbedded } from './db/embedded.ts';
import { listMigrations, type MigrateLogger, migrate } from './db/migrate.ts';
import { secretPassword } from './db/secret-password.ts';

export interface OpenedDatabase {
  readonly target: ConnectionTarget;
  readonly embedded: EmbeddedDatabase | undefined;
  /** Closes the embedded database, if any. */
  close(): Promise<void>;
}

/** The configured database server, or the embedded one (started here) when none is configured. */
export async function openDatabase(
  config: Config,
  logger: FastifyBaseLogger,
  extra: { loadDataDir?: Blob } = {},
): Promise<OpenedDatabase> {
  const server = serverTarget(config);
  if (server) {
    const secretArn = config.database.kind === 'server' ? config.database.secretArn : undefined;
    logger.info(
      { database: describeTarget(server), schema: config.dbSchema, rotatingSecret: secretArn !== undefined },
      'using database server',
    );
    if (secretArn === undefined) return { target: server, embedded: undefined, close: async () => {} };
    const password = secretPassword({
      secretArn,
      ...(typeof server.password === 'string' ? { initial: server.password } : {}),
      onError: (err) =>
        logger.warn({ err }, 'could not re-read the database secret; keeping the last password'),
    });
    return { target: { ...server, password }, embedded: undefined, close: async () => {} };
  }
  const db = config.database;
  if (db.kind !== 'embedded') throw new Error('unreachable: no server and not embedded');
  const started = Date.now();
  const embedded = await startEmbedded({
    mode: db.mode,
    dataDir: db.dataDir,
    // The pool, the migration runner, and one spare.
    maxConnections: config.dbPoolMax + 2,
    ...(extra.loadDataDir ? { loadDataDir: extra.loadDataDir } : {}),
    pristineClusterDir: PRISTINE_CLUSTER_DIR,
  });
  logger.info(
    {
      database: describeTarget(embedded.target),
      mode: db.mode,
      ...(db.mode === 'file' ? { dataDir: db.dataDir } : {}),
      cluster: embedded.cluster,
      startMs: Date.now() - started,
    },
    'started embedded PostgreSQL (PGlite)',
  );
  return { target: embedded.target, embedded, close: () => embedded.close() };
}

export function connectionSettings(config: Config, applicationName = config.name): ConnectionSettings {
  return {
    applicationName,
    connectTimeoutMs: config.dbConnectTimeoutMs,
    statementTimeoutMs: config.dbStatementTimeoutMs,
  };
}

export function migrateLogger(logger: FastifyBaseLogger): MigrateLogger {
  return {
    info: (message) => logger.info({ component: 'migrate' }, message.trim()),
    warn: (message) => logger.warn({ component: 'migrate' }, message.trim()),
    error: (message) => logger.error({ component: 'migrate' }, message.trim()),
  };
}

export interface OpenedPool {
  readonly pool: pg.Pool;
  /** Ends the pool, then closes the embedded database, if any. */
  close(): Promise<void>;
}

/**
 * The start sequence of the commands that need the database but no HTTP server (`worker`, `prune`):
 * open it, migrate when MIGRATE_ON_START is set (as `serve` does), and one pool of `max` connections.
 */
export async function openPool(
  config: Config,
  logger: FastifyBaseLogger,
  applicationName: string,
  max: number,
): Promise<OpenedPool> {
  const database = await openDatabase(config, logger);
  try {
    const settings = connectionSettings(config, applicationName);
    if (config.migrateOnStart) {
      const applied = await migrate({
        target: database.target,
        settings,
        schema: config.dbSchema,
        logger: migrateLogger(logger),
      });
      logger.info({ applied, schema: config.dbSchema }, `migrations applied: ${applied.length}`);
    }
    const pool = new pg.Pool({ ...(await clientConfig(database.target, settings)), max });
    // As in plugins/external/postgres.ts: a lost idle connection is replaced, not fatal.
    pool.on('error', (error) => {
      logger.warn({ err: error }, 'idle database connection lost; the pool will reconnect');
    });
    return {
      pool,
      async close() {
        try {
          await pool.end();
        } finally {
          await database.close();
        }
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export interface StartedService {
  readonly app: AppInstance;
  readonly database: OpenedDatabase;
  /**
   * Drains and closes: `/ready` turns 503, SHUTDOWN_DELAY_MS passes (still serving), the HTTP server
   * stops accepting and waits for in-flight requests, the pool closes, then the embedded database.
   */
  close(): Promise<void>;
}

/**
 * Opens the database, migrates when MIGRATE_ON_START is set, and builds the app (not yet listening).
 * Used by `main.ts serve` and by the tests, so both run the same start sequence.
 */
export async function startService(
  config: Config,
  logger: FastifyBaseLogger,
  extra: {
    applicationName?: string;
    loadDataDir?: Blob;
    itemsRepository?: BuildAppOptions['itemsRepository'];
  } = {},
): Promise<StartedService> {
  const database = await openDatabase(config, logger, extra);
  try {
    const settings = connectionSettings(config, extra.applicationName);
    const migrations = await listMigrations();
    if (config.migrateOnStart) {
      const applied = await migrate({
        target: database.target,
        settings,
        schema: config.dbSchema,
        logger: migrateLogger(logger),
      });
      logger.info({ applied, schema: config.dbSchema }, `migrations applied: ${applied.length}`);
    }
    const app = await buildApp({
      config,
      connection: await clientConfig(database.target, settings),
      migrations,
      logger,
      itemsRepository: extra.itemsRepository,
    });
    let closing: Promise<void> | undefined;
    return {
      app,
      database,
      close() {
        closing ??= (async () => {
          try {
            app.lifecycle.draining = true;
            if (config.shutdownDelayMs > 0)
              await new Promise((resolve) => setTimeout(resolve, config.shutdownDelayMs));
            await app.close();
          } finally {
            await database.close();
          }
        })();
        return closing;
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
