/**
 * Reliability against the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - the database kills the service's sessions (pg_terminate_backend, found by application_name):
 *   the request caught mid-query (an injected repository holds it in pg_sleep) gets 503
 *   DATABASE_UNAVAILABLE (not 500), /health stays 200, /ready and writes recover without a restart,
 *   and the pool's 'error' event is logged, not thrown.
 * - no database at all: /health 200, /ready 503 DATABASE_UNREACHABLE, API 503 with retry-after,
 *   home page still renders.
 * - 200 parallel creates over HTTP: every acknowledged write is stored, exactly once.
 * - SIGTERM while requests are in flight (bundled process, ECS settings; the test holds them in the
 *   database by locking the items table until it has seen what it checks): new connections are
 *   refused at once, each held request then finishes with 200, exit code 0.
 * - the same with SHUTDOWN_DELAY_MS: during the delay /ready is 503 DRAINING while /health and the API
 *   are still served; then the same drain and exit code 0.
 *
 * Every wait is on a condition (sessions seen in pg_stat_activity, a status answered), never a
 * fixed sleep, so the tests hold on a busy machine.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type ItemPage, ItemsRepository } from '../src/plugins/app/items-repository.ts';
import { startService } from '../src/server.ts';
import {
  buildTestApp,
  createMigratedDatabase,
  LogCapture,
  type TestDatabase,
  testEnv,
  uniqueName,
} from './helper.ts';
import { freePort, killAll, spawnBundle, waitForStatus } from './process.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await killAll();
  await db?.close();
});

/** The SQL repository, except that `list` first sleeps in the database: a session busy mid-query. */
class SleepingItemsRepository extends ItemsRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool, schema: string) {
    super(pool, schema);
    this.#pool = pool;
  }
  override async list(options: { limit: number; cursor?: string }): Promise<ItemPage> {
    // Longer than any test waits: the test ends it by terminating the session.
    await this.#pool.query('SELECT pg_sleep(20)');
    return super.list(options);
  }
}

/**
 * Waits until `count` active sessions of `applicationName` match `where`: inside pg_sleep, or waiting
 * for a lock. Polls pg_stat_activity; the deadline only turns a hang into a readable failure.
 */
async function waitForSessions(applicationName: string, count: number, where: 'sleeping' | 'locked') {
  const condition = where === 'sleeping' ? `query LIKE '%pg_sleep%'` : `wait_event_type = 'Lock'`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND ${condition}`,
      [applicationName],
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} sessions of ${applicationName} were ${where}`);
}

/**
 * Locks the items table (ACCESS EXCLUSIVE, in an open transaction): the service's reads of it wait in
 * the database until `release()`, so requests stay in flight exactly as long as the test needs.
 */
async function lockItems(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: db.url, application_name: 'slipway-test-lock' });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`LOCK TABLE "${db.schema}".items IN ACCESS EXCLUSIVE MODE`);
  let released: Promise<void> | undefined;
  return {
    release: () => {
      released ??= client.query('COMMIT').then(() => client.end());
      return released;
    },
  };
}

describe('database connection lost', () => {
  it('recovers without a restart when its sessions are terminated', async () => {
    const applicationName = uniqueName('slipway_rel');
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, {
      applicationName,
      logs,
      env: { LOG_LEVEL: 'warn' },
      itemsRepository: (pool, schema) => new SleepingItemsRepository(pool, schema),
    });
    // Several pooled connections, one of them busy in a slow query when the axe falls.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        app.inject({ method: 'POST', url: '/api/items', payload: { name: `warm-${i}` } }),
      ),
    );
    const slow = app.inject('/api/items');
    await waitForSessions(applicationName, 1, 'sleeping');

    const { rows } = await db.query(
      'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    expect(rows.length).toBeGreaterThanOrEqual(2);

    const caught = await slow;
    expect(caught.statusCode).toBe(503);
    expect(caught.json().error.code).toBe('DATABASE_UNAVAILABLE');
    expect(caught.headers['retry-after']).toBe('5');
    expect((await app.inject('/health')).statusCode).toBe(200);

    // The pool drops dead clients as their 'error' events arrive and opens new ones: polls /ready
    // until 200 (the deadline only bounds a hang).
    let ready = 0;
    for (const deadline = Date.now() + 20_000; ready !== 200 && Date.now() < deadline; ) {
      ready = (await app.inject('/ready')).statusCode;
      if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(ready).toBe(200);
    const created = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 'after' } });
    expect(created.statusCode).toBe(201);
    expect(
      logs.lines.some((line) => line.msg === 'idle database connection lost; the pool will reconnect'),
    ).toBe(true);
  });

  it('without a database, /health is 200, /ready 503 DATABASE_UNREACHABLE, the API 503 with retry-after', async () => {
    const port = await freePort(); // nothing listens there
    const config = loadConfig({
      ...testEnv(db),
      DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/none`,
      MIGRATE_ON_START: 'false',
      DB_CONNECT_TIMEOUT_MS: '500',
    });
    const service = await startService(config, createLogger(config));
    try {
      const { app } = service;
      expect((await app.inject('/health')).statusCode).toBe(200);
      const ready = await app.inject('/ready');
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ status: 'not_ready', reason: 'DATABASE_UNREACHABLE' });
      const create = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 'x' } });
      expect(create.statusCode).toBe(503);
      expect(create.json().error.code).toBe('DATABASE_UNAVAILABLE');
      expect(create.headers['retry-after']).toBe('5');
      const home = await app.inject('/');
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('The database is unavailable');
    } finally {
      await service.close();
    }
  });
});

describe('concurrent writes', () => {
  it('200 parallel creates: every acknowledged write is stored exactly once', async () => {
    const { app } = await buildTestApp(db);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const batch = uniqueName('batch');
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        fetch(`${base}/api/items`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: `${batch}-${i}`, tags: [batch] }),
        }).then(async (response) => ({
          status: response.status,
          body: (await response.json()) as { id: string; name: string },
        })),
      ),
    );
    const acked = responses.filter((r) => r.status === 201);
    // Nothing else is acceptable: a 5xx would be an unacknowledged write, which the assertion below allows but we do not expect.
    expect(responses.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    const { rows } = await db.query<{ id: string; name: string }>(
      `SELECT id, name FROM "${db.schema}".items WHERE $1 = ANY(tags)`,
      [batch],
    );
    expect(rows).toHaveLength(acked.length);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(acked.map((r) => r.body.id)));
    expect(new Set(rows.map((r) => r.name)).size).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('SIGTERM with requests in flight: new connections are refused, they finish with 200, exit code 0', async () => {
    const port = await freePort();
    const name = uniqueName('slipway_drain');
    const proc = spawnBundle([], { ...testEnv(db), PORT: String(port), APP_NAME: name, LOG_LEVEL: 'info' });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, proc);

    const lock = await lockItems();
    const inflight = Array.from({ length: 6 }, () =>
      fetch(`${base}/api/items?limit=1`).then(async (response) => ({
        status: response.status,
        body: await response.json(),
      })),
    );
    try {
      await waitForSessions(name, 6, 'locked');
      proc.child.kill('SIGTERM');
      // The listener closes at once, while the six requests are still held: polls until a new
      // connection is refused (the deadline only bounds a hang).
      await expect(
        (async () => {
          const deadline = Date.now() + 20_000;
          while (Date.now() < deadline) {
            await fetch(`${base}/health`, { signal: AbortSignal.timeout(2000) });
            await new Promise((resolve) => setTimeout(resolve, 10));
          }
        })(),
      ).rejects.toThrow();
    } finally {
      await lock.release();
    }

    const results = await Promise.all(inflight);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results[0]?.body).toHaveProperty('items');

    const { code, signal } = await proc.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(proc.output()).toContain('shut down cleanly');
  });

  it('SHUTDOWN_DELAY_MS: /ready is 503 DRAINING during the delay while the API is still served, then exit 0', async () => {
    const port = await freePort();
    const name = uniqueName('slipway_delay');
    const proc = spawnBundle([], {
      ...testEnv(db),
      PORT: String(port),
      APP_NAME: name,
      LOG_LEVEL: 'info',
      // The window in which the checks below must run: generous, so a busy machine still fits them in.
      SHUTDOWN_DELAY_MS: '5000',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, proc);
    const lock = await lockItems();
    const inflight = Array.from({ length: 3 }, () =>
      fetch(`${base}/api/items?limit=1`).then((response) => response.status),
    );
    try {
      await waitForSessions(name, 3, 'locked');
      proc.child.kill('SIGTERM');
      await waitForStatus(`${base}/ready`, 503, proc, 5000);
      const ready = await fetch(`${base}/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'not_ready', reason: 'DRAINING' });
      expect((await fetch(`${base}/health`)).status).toBe(200);
    } finally {
      await lock.release();
    }
    expect((await fetch(`${base}/api/items?limit=1`)).status).toBe(200);

    expect(await Promise.all(inflight)).toEqual([200, 200, 200]);
    const { code } = await proc.exited;
    expect(code).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
