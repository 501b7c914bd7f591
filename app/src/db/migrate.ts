import { readdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import pg from 'pg';
import { appRoot } from '../config.ts';
import { type ConnectionSettings, type ConnectionTarget, clientConfig } from './connection.ts';

/** SQL migrations, shipped next to `dist/` in the image (`/app/migrations`). */
export const migrationsDir = join(appRoot, 'migrations');

/** node-pg-migrate's bookkeeping table, one row per applied migration. */
export const MIGRATIONS_TABLE = 'pgmigrations';

/** node-pg-migrate's own advisory lock id, used for the `public` schema so its CLI and this runner exclude each other. */
const NODE_PG_MIGRATE_LOCK_ID = 7241865325823964;

/**
 * Advisory lock key for a schema. Locks are database-wide, so migrations of two schemas of one
 * database (parallel test runs, two services sharing an RDS instance) get different keys and do not
 * wait for each other; two migrations of the same schema always share one.
 */
export function migrationLockId(schema: string): number {
  if (schema === 'public') return NODE_PG_MIGRATE_LOCK_ID;
  let hash = 0x811c9dc5; // FNV-1a, 32 bit
  for (const char of `slipway:${schema}`) {
    hash ^= char.codePointAt(0) ?? 0;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 0x5_1100_0000_0000 + hash; // < 2^53, and far from node-pg-migrate's id
}

/** Names (file name without extension, as node-pg-migrate records them) of the migrations this build ships, in order. */
export async function listMigrations(dir: string = migrationsDir): Promise<string[]> {
  const files = await readdir(dir);
  return files
    .filter((file) => file.endsWith('.sql') && !file.startsWith('.'))
    .map((file) => basename(file, extname(file)))
    .sort();
}

export interface MigrateLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface MigrateOptions {
  readonly target: ConnectionTarget;
  readonly settings: ConnectionSettings;
  readonly schema: string;
  readonly dir?: string;
  readonly logger: MigrateLogger;
}

/**
 * Applies every pending migration, all in one transaction, under an advisory lock: a second process
 * migrating the same schema waits for the first and then finds nothing left to do, so each migration
 * is applied exactly once. Throws on any failure (the caller exits non-zero).
 * @returns the names of the migrations applied by this call.
 */
export async function migrate(options: MigrateOptions): Promise<string[]> {
  // node-pg-migrate (with its TypeScript loader) is only loaded when migrating.
  const { runner } = await import('node-pg-migrate');
  const config = await clientConfig(options.target, { ...options.settings, statementTimeoutMs: 0 });
  // Migrations may legitimately run longer than request statements; no statement_timeout here.
  const client = new pg.Client(config);
  client.on('error', (error) => options.logger.warn(`migration connection error: ${error.message}`));
  await client.connect();
  try {
    const applied = await runner({
      dbClient: client,
      dir: options.dir ?? migrationsDir,
      direction: 'up',
      migrationsTable: MIGRATIONS_TABLE,
      schema: options.schema,
      createSchema: true,
      migrationsSchema: options.schema,
      checkOrder: true,
      singleTransaction: true,
      advisoryLockMode: 'wait',
      lockValue: migrationLockId(options.schema),
      logger: {
        debug: () => {},
        info: (message: string) => options.logger.info(message),
        warn: (message: string) => options.logger.warn(message),
        error: (message: string) => options.logger.error(message),
      },
    });
    return applied.map((migration) => migration.name);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Migrations this build ships that the database has not applied (empty: the schema is current).
 * A database ahead of the build (a newer release migrated it) counts as current.
 */
export async function pendingMigrations(
  db: Pick<pg.Pool, 'query'>,
  schema: string,
  known: readonly string[],
  timeoutMs: number,
): Promise<string[]> {
  let rows: { name: string }[];
  try {
    ({ rows } = await db.query<{ name: string }>({
      text: `SELECT name FROM "${schema}".${MIGRATIONS_TABLE} WHERE name = ANY($1::text[])`,
      values: [known],
      query_timeout: timeoutMs,
    } as pg.QueryConfig));
  } catch (error) {
    // No bookkeeping table (or schema) yet: nothing was ever migrated here.
    const code = (error as { code?: string }).code;
    if (code === '42P01' || code === '3F000') return [...known];
    throw error;
  }
  const applied = new Set(rows.map((row) => row.name));
  return known.filter((name) => !applied.has(name));
}
