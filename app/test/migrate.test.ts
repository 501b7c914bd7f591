/**
 * Migrations and the `migrate` contract (`node dist/main.js migrate`, run by the deploy hook as a
 * one-off ECS task from the same image), against the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - two migrate processes started at once: both exit 0, each migration is recorded exactly once.
 * - a second run applies nothing and exits 0.
 * - a failing migration exits 1 and leaves nothing half-applied (all pending migrations share one transaction).
 * - an unreachable database exits 1 (never 0 on failure).
 * - MIGRATE_ON_START=false: /ready is 503 MIGRATIONS_PENDING until `migrate` has run, then 200.
 * - PGlite runs the same migrations through the same runner.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { listMigrations, migrationLockId } from '../src/db/migrate.ts';
import {
  buildTestApp,
  createTestDatabase,
  TEST_DATABASE_URL,
  type TestDatabase,
  uniqueName,
} from './helper.ts';
import { killAll, spawnBundle } from './process.ts';

let db: TestDatabase;
const scratch: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('postgres');
});

afterAll(async () => {
  await killAll();
  await db?.close();
  await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function dropSchema(schema: string) {
  await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** Waits until `count` sessions wait for the advisory lock `lockId` (key split into classid/objid as PostgreSQL stores it). */
async function waitForLockWaiters(lockId: number, count: number): Promise<void> {
  // A hang guard: the two processes start in well under a second when the machine is idle.
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ waiting: string }>(
      `SELECT count(*) AS waiting FROM pg_locks
        WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = $1`,
      [lockId],
    );
    if (Number(rows[0]?.waiting) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} sessions waited for advisory lock ${lockId}`);
}

function migrateEnv(schema: string, extra: Record<string, string> = {}) {
  return { DATABASE_URL: TEST_DATABASE_URL, DB_SCHEMA: schema, LOG_LEVEL: 'info', ...extra };
}

describe('migrate command', () => {
  it('two concurrent runs both exit 0 and apply each migration exactly once', async () => {
    const schema = uniqueName('app_test_mig');
    const lockId = migrationLockId(schema);
    // Hold the migration lock so both runs are provably inside the runner at the same time, then let go.
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [lockId]);
      const runs = [
        spawnBundle(['migrate'], migrateEnv(schema)),
        spawnBundle(['migrate'], migrateEnv(schema)),
      ];
      await waitForLockWaiters(lockId, 2);
      await holder.query('SELECT pg_advisory_unlock($1)', [lockId]);
      const results = await Promise.all(runs.map((run) => run.exited));
      expect(results.map((r) => r.code)).toEqual([0, 0]);

      const { rows } = await db.query<{ name: string; count: string }>(
        `SELECT name, count(*) AS count FROM "${schema}".pgmigrations GROUP BY name ORDER BY name`,
      );
      const shipped = await listMigrations();
      expect(rows).toEqual(shipped.map((name) => ({ name, count: '1' })));
      // Exactly one of the two did the work; the other waited on the advisory lock and found nothing to do.
      const applied = runs.map((run) => /migrate: done, (\d+) applied/.exec(run.output())?.[1]);
      expect(applied.sort()).toEqual(['0', String(shipped.length)]);
      const table = await db.query(`SELECT to_regclass('"${schema}".items') IS NOT NULL AS exists`);
      expect(table.rows[0]).toEqual({ exists: true });
    } finally {
      await holder.end();
      await dropSchema(schema);
    }
  });

  it('a second run applies nothing and exits 0', async () => {
    const schema = uniqueName('app_test_mig');
    try {
      expect((await spawnBundle(['migrate'], migrateEnv(schema)).exited).code).toBe(0);
      const again = spawnBundle(['migrate'], migrateEnv(schema));
      expect((await again.exited).code).toBe(0);
      expect(again.output()).toContain('migrate: done, 0 applied');
    } finally {
      await dropSchema(schema);
    }
  });

  it('a failing migration exits 1 and rolls back every migration of the run', async () => {
    const schema = uniqueName('app_test_mig');
    const root = await mkdtemp(join(tmpdir(), 'slipway-migrate-'));
    scratch.push(root);
    await cp(inject('appRoot'), root, { recursive: true });
    await writeFile(
      join(root, 'migrations', '9999999999999_broken.sql'),
      '-- Up Migration\nALTER TABLE no_such_table ADD COLUMN x int;\n',
    );
    try {
      const run = spawnBundle(['migrate'], migrateEnv(schema), root);
      expect((await run.exited).code).toBe(1);
      expect(run.output()).toContain('migrate: failed');
      const table = await db.query(`SELECT to_regclass('"${schema}".items') IS NOT NULL AS exists`);
      expect(table.rows[0]).toEqual({ exists: false });
    } finally {
      await dropSchema(schema);
    }
  });

  it('exits 1 when the database is unreachable', async () => {
    const run = spawnBundle(['migrate'], {
      DB_HOST: '127.0.0.1',
      DB_PORT: '1',
      DB_CONNECT_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'info',
    });
    expect((await run.exited).code).toBe(1);
    expect(run.output()).toContain('ECONNREFUSED');
  });

  it('uses one advisory lock per schema (public keeps node-pg-migrate’s own id)', () => {
    expect(migrationLockId('public')).toBe(7241865325823964);
    expect(migrationLockId('a')).toBe(migrationLockId('a'));
    expect(migrationLockId('a')).not.toBe(migrationLockId('b'));
    expect(Number.isSafeInteger(migrationLockId('some_long_schema_name'))).toBe(true);
  });
});

describe('readiness and migrations', () => {
  it('with MIGRATE_ON_START=false, /ready is 503 MIGRATIONS_PENDING until migrate has run', async () => {
    const schema = uniqueName('app_test_mig');
    try {
      const { app } = await buildTestApp({ ...db, schema }, { env: { MIGRATE_ON_START: 'false' } });
      const before = await app.inject('/ready');
      expect(before.statusCode).toBe(503);
      expect(before.json()).toMatchObject({ status: 'not_ready', reason: 'MIGRATIONS_PENDING' });
      expect(before.json().message).toContain((await listMigrations())[0]);

      expect((await spawnBundle(['migrate'], migrateEnv(schema)).exited).code).toBe(0);
      expect((await app.inject('/ready')).statusCode).toBe(200);
    } finally {
      await dropSchema(schema);
    }
  });

  it('PGlite is migrated by the same runner at start', async () => {
    const pglite = await createTestDatabase('pglite');
    const { rows: before } = await pglite.query(`SELECT to_regclass('public.pgmigrations') AS t`);
    expect(before[0]).toEqual({ t: null });
    const service = await buildTestApp(pglite, { autoClose: false, env: { MIGRATE_ON_START: 'true' } });
    try {
      expect((await service.app.inject('/ready')).statusCode).toBe(200);
      const { rows } = await pglite.query<{ name: string }>('SELECT name FROM pgmigrations');
      expect(rows.map((r) => r.name)).toEqual(await listMigrations());
    } finally {
      await service.close();
      await pglite.close();
    }
  });
});
