/**
 * Reliability against the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - the database kills the service's sessions (pg_terminate_backend, found by application_name):
 *   the request caught mid-query gets 503 DATABASE_UNAVAILABLE (not 500), /health stays 200, /ready
 *   and writes recover without a restart, and the pool's 'error' event is logged, not thrown.
 * - no database at all: /health 200, /ready 503 DATABASE_UNREACHABLE, API 503 with retry-after,
 *   home page still renders.
 * - 200 parallel creates over HTTP: every acknowledged write is stored, exactly once.
 * - SIGTERM while slow requests are in flight (bundled process, ECS settings): each finishes with
 *   200, new connections are refused at once, exit code 0.
 * - the same with SHUTDOWN_DELAY_MS: during the delay /ready is 503 DRAINING while /health and the API
 *   are still served; then the same drain and exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
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

/** Waits until `count` sessions of `applicationName` are inside pg_sleep (the test-only slow path). */
async function waitForSleepers(applicationName: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND state = 'active' AND query LIKE '%pg_sleep%'`,
      [applicationName],
    );
    if (Number(rows[0]?.n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`fewer than ${count} sessions of ${applicationName} reached pg_sleep`);
}

describe('database connection lost', () => {
  it('recovers without a restart when its sessions are terminated', async () => {
    const applicationName = uniqueName('slipway_rel');
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { applicationName, logs, env: { LOG_LEVEL: 'warn' } });
    // Several pooled connections, one of them busy in a slow query when the axe falls.
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        app.inject({ method: 'POST', url: '/api/items', payload: { name: `warm-${i}` } }),
      ),
    );
    const slow = app.inject('/api/items?delayMs=5000');
    await waitForSleepers(applicationName, 1);

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

    // The pool drops dead clients as their 'error' events arrive and opens new ones.
    let ready = 0;
    for (let attempt = 0; attempt < 50 && ready !== 200; attempt += 1) {
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
  it('SIGTERM with requests in flight: they finish with 200, new connections are refused, exit code 0', async () => {
    const port = await freePort();
    const name = uniqueName('slipway_drain');
    const proc = spawnBundle([], { ...testEnv(db), PORT: String(port), APP_NAME: name, LOG_LEVEL: 'info' });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, proc);

    const inflight = Array.from({ length: 6 }, () =>
      fetch(`${base}/api/items?delayMs=1000&limit=1`).then(async (response) => ({
        status: response.status,
        body: await response.json(),
      })),
    );
    await waitForSleepers(name, 6);

    proc.child.kill('SIGTERM');
    // The listener closes at once: new connections are refused while the slow requests finish.
    await expect(
      (async () => {
        for (let attempt = 0; attempt < 100; attempt += 1) {
          await fetch(`${base}/health`, { signal: AbortSignal.timeout(500) });
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })(),
    ).rejects.toThrow();

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
      SHUTDOWN_DELAY_MS: '2000',
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, proc);
    const inflight = Array.from({ length: 3 }, () =>
      fetch(`${base}/api/items?delayMs=1000&limit=1`).then((response) => response.status),
    );
    await waitForSleepers(name, 3);

    proc.child.kill('SIGTERM');
    await waitForStatus(`${base}/ready`, 503, proc, 1800);
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', reason: 'DRAINING' });
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect((await fetch(`${base}/api/items?limit=1`)).status).toBe(200);

    expect(await Promise.all(inflight)).toEqual([200, 200, 200]);
    const { code } = await proc.exited;
    expect(code).toBe(0);
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });
});
