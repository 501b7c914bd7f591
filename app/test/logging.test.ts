/**
 * Structured logs, captured from the logger's stream.
 *
 * Scenarios and expected outcomes:
 * - one JSON line per request with requestId (the x-request-id header), method, url, status, time.
 * - authorization, cookie and other secret headers print as [Redacted]; so do password /
 *   DATABASE_URL / connectionString fields at any depth up to three levels.
 * - starting against a database with a password in DATABASE_URL never logs the password.
 * - probes (/health, /ready) are logged at debug only; 5xx at error with the error.
 * - health checks: a fast successful one writes nothing at info; one slower than HEALTH_CHECK_SLOW_MS
 *   is logged at warn with the threshold; a failed one at warn (4xx) or error (5xx), with its request id.
 * - every line written while serving a request (the route's own and the access line) carries the
 *   request id; a request that writes no line creates no child logger.
 * - secret headers are redacted in a copy: the request's own headers keep their values.
 * - JSON lines: a turn's first line is written at once, the rest of the turn's lines in one write at
 *   its end; pending lines are written when flushed synchronously (a fatal line, the process exiting).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TurnBatchedStream } from '../src/log-batch.ts';
import { censorHeaders } from '../src/logger.ts';
import {
  buildTestApp,
  createMigratedDatabase,
  LogCapture,
  TEST_DATABASE_URL,
  type TestDatabase,
} from './helper.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await db?.close();
});

const SECRET = 'sup3r-s3cret-value';

describe('request logs', () => {
  it('writes one line per request, carrying the request id sent back in x-request-id', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    const before = logs.lines.length;
    const response = await app.inject({ url: '/info', headers: { 'x-request-id': 'trace-me-1' } });
    const lines = logs.lines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      msg: 'request completed',
      requestId: 'trace-me-1',
      req: { method: 'GET', url: '/info' },
      res: { statusCode: 200 },
      service: '@slipway/app',
    });
    expect(typeof lines[0]?.responseTime).toBe('number');
    expect(response.headers['x-request-id']).toBe('trace-me-1');
    expect(typeof lines[0]?.time).toBe('string');
  });

  it('redacts authorization, cookie and API-key headers', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    await app.inject({
      url: '/info',
      headers: {
        authorization: `Bearer ${SECRET}`,
        cookie: `session=${SECRET}`,
        'x-api-key': SECRET,
        'proxy-authorization': `Basic ${SECRET}`,
        'user-agent': 'kept-visible',
      },
    });
    const line = logs.lines.find((l) => l.msg === 'request completed') as {
      req: { headers: Record<string, string> };
    };
    expect(line.req.headers).toMatchObject({
      authorization: '[Redacted]',
      cookie: '[Redacted]',
      'x-api-key': '[Redacted]',
      'proxy-authorization': '[Redacted]',
      'user-agent': 'kept-visible',
    });
    expect(logs.raw.join('\n')).not.toContain(SECRET);
  });

  it('redacts password, DATABASE_URL and connectionString fields wherever they are logged', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    app.log.info({ password: SECRET, DATABASE_URL: `postgres://u:${SECRET}@h/db` }, 'top level');
    app.log.info(
      { db: { password: SECRET, connectionString: SECRET }, env: { DB_PASSWORD: SECRET } },
      'nested',
    );
    app.log.info({ a: { b: { password: SECRET, token: SECRET } } }, 'deeper');
    const lines = logs.lines.filter((l) => ['top level', 'nested', 'deeper'].includes(String(l.msg)));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ password: '[Redacted]', DATABASE_URL: '[Redacted]' });
    expect(lines[1]).toMatchObject({ db: { password: '[Redacted]', connectionString: '[Redacted]' } });
    expect(lines[2]).toMatchObject({ a: { b: { password: '[Redacted]', token: '[Redacted]' } } });
    expect(logs.raw.join('\n')).not.toContain(SECRET);
  });

  it('redacts secret fields in arrays and top-level child bindings, without changing the logged object', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    const logged = { targets: [{ host: 'db', password: SECRET }], plain: { ok: true } };
    app.log.info(logged, 'array');
    app.log.child({ token: SECRET }).info('child');
    const lines = logs.lines.filter((l) => ['array', 'child'].includes(String(l.msg)));
    expect(lines[0]).toMatchObject({
      targets: [{ host: 'db', password: '[Redacted]' }],
      plain: { ok: true },
    });
    expect(lines[1]).toMatchObject({ token: '[Redacted]' });
    expect(logged.targets[0]?.password).toBe(SECRET);
    expect(logs.raw.join('\n')).not.toContain(SECRET);
  });

  it('never logs the password of DATABASE_URL when starting', async () => {
    const logs = new LogCapture();
    const url = new URL(TEST_DATABASE_URL);
    url.password = SECRET; // trust auth ignores it
    const { app } = await buildTestApp({ ...db, url: url.toString() }, { logs, env: { LOG_LEVEL: 'trace' } });
    await app.inject('/ready');
    expect(logs.lines.some((l) => l.msg === 'using database server')).toBe(true);
    expect(logs.raw.join('\n')).not.toContain(SECRET);
  });

  it('logs /health and /ready at debug only', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'debug' } });
    await app.inject('/health');
    await app.inject('/ready');
    const probes = logs.lines.filter((l) => l.msg === 'request completed');
    expect(probes.map((l) => l.level)).toEqual(['debug', 'debug']);
  });

  it('logs a 5xx at error level with the error, and does not leak it to the client', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    // A failure that is the service's fault: the items table is gone.
    await db.query(`ALTER TABLE "${db.schema}".items RENAME TO items_moved`);
    try {
      const response = await app.inject('/api/items');
      expect(response.statusCode).toBe(500);
      expect(response.json().error).toMatchObject({
        code: 'INTERNAL_ERROR',
        message: 'Internal server error.',
      });
      expect(response.body).not.toContain('items');
      const errors = logs.lines.filter((l) => l.level === 'error');
      expect(
        errors.some((l) => String((l.err as { message?: string })?.message).includes('does not exist')),
      ).toBe(true);
    } finally {
      await db.query(`ALTER TABLE "${db.schema}".items_moved RENAME TO items`);
    }
  });
});

describe('health checks', () => {
  it('writes no line at info for a fast successful /health or /ready', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    const before = logs.lines.length;
    expect((await app.inject('/health')).statusCode).toBe(200);
    expect((await app.inject('/ready')).statusCode).toBe(200);
    expect(logs.lines.slice(before)).toEqual([]);
  });

  it('logs a health check slower than HEALTH_CHECK_SLOW_MS at warn, with the threshold and its request id', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info', HEALTH_CHECK_SLOW_MS: '5' } });
    // Hold /ready's query behind a lock until it has waited past the threshold.
    const holder = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE "${db.schema}".pgmigrations IN ACCESS EXCLUSIVE MODE`);
      const ready = app.inject({ url: '/ready', headers: { 'x-request-id': 'slow-probe-1' } });
      await vi.waitFor(
        async () => {
          const { rows } = await db.query<{ waiting: boolean }>(
            `SELECT count(*) > 0 AS waiting FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%pgmigrations%' AND now() - query_start > interval '10 milliseconds'`,
          );
          expect(rows[0]?.waiting).toBe(true);
        },
        { timeout: 10_000, interval: 5 },
      );
      await holder.query('COMMIT');
      expect((await ready).statusCode).toBe(200);
    } finally {
      await holder.end();
    }
    const line = logs.lines.find((l) => l.msg === 'slow health check');
    expect(line).toMatchObject({
      level: 'warn',
      requestId: 'slow-probe-1',
      slowHealthCheckMs: 5,
      req: { url: '/ready' },
      res: { statusCode: 200 },
    });
    expect(line?.responseTime as number).toBeGreaterThanOrEqual(5);
  });

  it('logs a failed /ready (503) at error and a refused /health (4xx) at warn, with their request ids', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    await db.query(`ALTER TABLE "${db.schema}".pgmigrations RENAME TO pgmigrations_moved`);
    try {
      const ready = await app.inject({ url: '/ready', headers: { 'x-request-id': 'failed-ready-1' } });
      expect(ready.statusCode).toBe(503);
    } finally {
      await db.query(`ALTER TABLE "${db.schema}".pgmigrations_moved RENAME TO pgmigrations`);
    }
    const refused = await app.inject({
      method: 'POST',
      url: '/health',
      headers: { 'x-request-id': 'failed-health-1' },
    });
    expect(refused.statusCode).toBe(404);
    expect(
      logs.lines.find((l) => l.requestId === 'failed-ready-1' && l.msg === 'request completed'),
    ).toMatchObject({
      level: 'error',
      res: { statusCode: 503 },
    });
    expect(logs.lines.find((l) => l.requestId === 'failed-health-1')).toMatchObject({
      level: 'warn',
      msg: 'health check failed',
      res: { statusCode: 404 },
    });
  });
});

describe('request ids and redaction with the lazily created request logger', () => {
  it("puts the request id on the route's own lines and on the access line", async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    await db.query(`ALTER TABLE "${db.schema}".items RENAME TO items_moved`);
    try {
      const page = await app.inject({ url: '/', headers: { 'x-request-id': 'home-1' } });
      expect(page.statusCode).toBe(200);
    } finally {
      await db.query(`ALTER TABLE "${db.schema}".items_moved RENAME TO items`);
    }
    const lines = logs.lines.filter((l) => l.requestId === 'home-1');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      ['warn', 'home page: could not read items'],
      ['info', 'request completed'],
    ]);
  });

  it('redacts secret headers in a copy, leaving the request its headers', () => {
    const headers = { authorization: `Bearer ${SECRET}`, 'x-api-key': SECRET, accept: 'application/json' };
    expect(censorHeaders(headers)).toEqual({
      authorization: '[Redacted]',
      'x-api-key': '[Redacted]',
      accept: 'application/json',
    });
    expect(headers.authorization).toBe(`Bearer ${SECRET}`);
    const plain = { accept: 'text/html' };
    expect(censorHeaders(plain)).toBe(plain);
  });
});

describe('stdout batching', () => {
  function target() {
    const writes: string[] = [];
    let synced = 0;
    return {
      writes,
      synced: () => synced,
      stream: {
        write: (chunk: string) => writes.push(chunk) > 0,
        flush: (callback?: (error?: Error) => void) => callback?.(),
        flushSync: () => {
          synced += 1;
        },
      },
    };
  }

  it("passes a turn's first line at once and the rest of the turn's lines in one write at its end", async () => {
    const t = target();
    const stream = new TurnBatchedStream(t.stream);
    stream.write('{"a":1}\n');
    expect(t.writes).toEqual(['{"a":1}\n']);
    stream.write('{"b":2}\n');
    stream.write('{"c":3}\n');
    expect(t.writes).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(t.writes).toEqual(['{"a":1}\n', '{"b":2}\n{"c":3}\n']);
    stream.write('{"d":4}\n');
    expect(t.writes.at(-1)).toBe('{"d":4}\n');
  });

  it('writes pending lines at once when flushed synchronously', () => {
    const t = target();
    const stream = new TurnBatchedStream(t.stream);
    stream.write('{"first":true}\n');
    stream.write('{"fatal":true}\n');
    stream.flushSync();
    expect(t.writes).toEqual(['{"first":true}\n', '{"fatal":true}\n']);
    expect(t.synced()).toBe(1);
  });
});
