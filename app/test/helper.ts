/**
 * Test helpers, shaped like fastify/demo's `test/helper.ts`: `buildTestApp` builds the service the
 * way `main.ts serve` does (config from environment variables, migrations at start, same plugins)
 * and closes it when the test finishes.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { TEST_DATABASE_URL } from '@slipway/testing/postgres';
import pg from 'pg';
import { inject, onTestFinished } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { migrate } from '../src/db/migrate.ts';
import { createLogger } from '../src/logger.ts';
import type { ItemsRepositoryFactory } from '../src/plugins/app/items-repository.ts';
import { type StartedService, startService } from '../src/server.ts';

export { TEST_DATABASE_URL };

export type BackendKind = 'pglite' | 'postgres';
export const BACKENDS: readonly BackendKind[] = ['pglite', 'postgres'];

export interface TestDatabase {
  readonly kind: BackendKind;
  /** DATABASE_URL for the service. */
  readonly url: string;
  /** DB_SCHEMA for the service: a schema of its own on the real PostgreSQL, `public` on a fresh PGlite. */
  readonly schema: string;
  /** Runs SQL as an administrator (outside the service). */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Drops the schema (PostgreSQL) or closes the database (PGlite). */
  close(): Promise<void>;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

let template: Blob | undefined;
async function pgliteTemplate(): Promise<Blob> {
  template ??= new Blob([await readFile(inject('pgliteTemplate'))]);
  return template;
}

/**
 * A database for one test file (or describe block): a new schema on the real PostgreSQL, so parallel
 * runs never collide, or a fresh embedded PGlite behind its socket server. Not migrated.
 */
export async function createTestDatabase(kind: BackendKind): Promise<TestDatabase> {
  if (kind === 'postgres') {
    const schema = uniqueName('app_test');
    const admin = new pg.Pool({
      connectionString: TEST_DATABASE_URL,
      max: 2,
      application_name: 'slipway-test-admin',
    });
    return {
      kind,
      url: TEST_DATABASE_URL,
      schema,
      query: (text, values) => admin.query(text, values),
      async close() {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await admin.end();
      },
    };
  }
  const embedded = await startEmbedded({
    mode: 'memory',
    dataDir: '',
    maxConnections: 40,
    loadDataDir: await pgliteTemplate(),
  });
  const url = `postgres://postgres@127.0.0.1:${embedded.target.port}/postgres`;
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  return {
    kind,
    url,
    schema: 'public',
    query: (text, values) => admin.query(text, values),
    async close() {
      await admin.end();
      await embedded.close();
    },
  };
}

/** A test database with the migrations applied once (apps built on it then skip migrating at start). */
export async function createMigratedDatabase(kind: BackendKind): Promise<TestDatabase> {
  const db = await createTestDatabase(kind);
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  await migrate({
    target: { connectionString: db.url, ssl: 'disable' },
    settings: { applicationName: 'slipway-test-migrate', connectTimeoutMs: 5000, statementTimeoutMs: 0 },
    schema: db.schema,
    logger: quiet,
  });
  return db;
}

/**
 * Environment variables for a service using this database: NODE_ENV=test as test runners set it, and
 * MIGRATE_ON_START=false as on ECS (databases come migrated from `createMigratedDatabase`).
 */
export function testEnv(db: Pick<TestDatabase, 'url' | 'schema'>, env: Record<string, string> = {}) {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    MIGRATE_ON_START: 'false',
    DATABASE_URL: db.url,
    DB_SCHEMA: db.schema,
    ...env,
  };
}

/** Collects the service's log lines as parsed JSON. */
export class LogCapture extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      this.raw.push(line);
      this.lines.push(JSON.parse(line) as Record<string, unknown>);
    }
    callback();
  }
}

export interface BuildOptions {
  readonly env?: Record<string, string>;
  readonly logs?: LogCapture;
  /** application_name of the service's sessions (to find them in pg_stat_activity). */
  readonly applicationName?: string;
  /** Close the app when the current test finishes (default). Pass false when building in beforeAll. */
  readonly autoClose?: boolean;
  /** Builds the items repository instead of the SQL one (a subclass that holds or fails queries). */
  readonly itemsRepository?: ItemsRepositoryFactory;
}

/** Builds the service against a test database the way `main.ts serve` does, and closes it after the test. */
export async function buildTestApp(db: TestDatabase, options: BuildOptions = {}): Promise<StartedService> {
  const config = loadConfig(testEnv(db, options.env));
  const logger = createLogger(config, options.logs);
  const service = await startService(config, logger, {
    ...(options.applicationName ? { applicationName: options.applicationName } : {}),
    ...(options.itemsRepository ? { itemsRepository: options.itemsRepository } : {}),
  });
  if (options.autoClose !== false) onTestFinished(() => service.close());
  return service;
}
