/**
 * Structured logs, captured from the logger's stream.
 *
 * Scenarios and expected outcomes:
 * - one JSON line per request with requestId (the x-request-id header), method, url, status, time.
 * - authorization, cookie and other secret headers print as [Redacted]; so do password /
 *   DATABASE_URL / connectionString fields at any depth up to three levels.
 * - starting against a database with a password in DATABASE_URL never logs the password.
 * - probes (/health, /ready) are logged at debug only; 5xx at error with the error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
