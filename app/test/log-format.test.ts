/**
 * Log formats: JSON lines for machines, pino-pretty lines for a person at a terminal.
 *
 * Scenarios and expected outcomes:
 * - the bundled service with LOG_FORMAT=pretty writes `[time] LEVEL: [requestId] GET /info 200 1.2 ms`
 *   lines, no JSON, and a secret header appears in neither format.
 * - with LOG_FORMAT=json every line is a JSON object, the request's carrying its requestId.
 * - an invalid LOG_FORMAT stops the start with one line naming the variable and the allowed values,
 *   exit 1, no stack trace.
 * - LOG_FORMAT unset: pretty on a terminal outside AWS; JSON when stdout is not a terminal, and in
 *   ECS or Lambda even on a terminal.
 * - the pretty message folds a request into one line and prefixes every request-scoped line with its id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, resolveLogFormat } from '../src/config.ts';
import { formatMessage } from '../src/log-pretty.ts';
import { createMigratedDatabase, type TestDatabase, testEnv } from './helper.ts';
import { freePort, killAll, type RunningProcess, spawnBundle, waitForStatus } from './process.ts';

const SECRET = 'pretty-s3cret-header';

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await killAll();
  await db?.close();
});

/**
 * Starts the production bundle with this LOG_FORMAT (the real PostgreSQL: the bundle copy the tests
 * run has no node_modules, so no PGlite), sends one request with an id and a secret header, and
 * stops it with SIGTERM.
 */
async function serveOneRequest(format: string, requestId: string): Promise<string[]> {
  const port = await freePort();
  const proc: RunningProcess = spawnBundle(
    [],
    testEnv(db, { LOG_FORMAT: format, LOG_LEVEL: 'info', PORT: String(port) }),
  );
  await waitForStatus(`http://127.0.0.1:${port}/health`, 200, proc);
  const response = await fetch(`http://127.0.0.1:${port}/info`, {
    headers: { 'x-request-id': requestId, authorization: `Bearer ${SECRET}` },
  });
  expect(response.status).toBe(200);
  proc.child.kill('SIGTERM');
  expect((await proc.exited).code).toBe(0);
  expect(proc.output()).not.toContain(SECRET);
  return proc.output().split('\n').filter(Boolean);
}

describe('the bundled service', () => {
  it('LOG_FORMAT=pretty: one readable line per request, with its id; no JSON', async () => {
    const lines = await serveOneRequest('pretty', 'pretty-req-1');
    expect(
      lines.filter((l) =>
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: \[pretty-req-1\] GET \/info 200 \d+\.\d ms$/.test(l),
      ),
    ).toHaveLength(1);
    expect(lines).toContainEqual(expect.stringMatching(/INFO: shut down cleanly$/));
    expect(lines.filter((l) => l.startsWith('{'))).toEqual([]);
  });

  it('LOG_FORMAT=json: every line is a JSON object; the request line carries its id', async () => {
    const lines = await serveOneRequest('json', 'json-req-1');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.filter((l) => l.msg === 'request completed')).toEqual([
      expect.objectContaining({
        requestId: 'json-req-1',
        req: expect.objectContaining({ url: '/info' }),
        res: { statusCode: 200 },
      }),
    ]);
  });

  it('an invalid LOG_FORMAT is one line naming the variable and the allowed values, exit 1', async () => {
    const port = await freePort();
    const proc = spawnBundle([], testEnv(db, { LOG_FORMAT: 'xml', PORT: String(port) }));
    // Whichever comes first: the exit, or (were the value accepted) a service that answers.
    const outcome = await Promise.race([
      proc.exited.then((exit) => `exit ${exit.code}`),
      waitForStatus(`http://127.0.0.1:${port}/health`, 200, proc).then(() => 'serving'),
    ]);
    expect(outcome).toBe('exit 1');
    expect(proc.output()).toBe('LOG_FORMAT: got "xml"; expected one of json, pretty\n');
  });
});

describe('the format chosen when LOG_FORMAT is unset', () => {
  it('is pretty on a terminal outside AWS and JSON when stdout is not a terminal', () => {
    expect(loadConfig({}, { terminal: true }).logFormat).toBe('pretty');
    expect(loadConfig({}, { terminal: false }).logFormat).toBe('json');
    expect(loadConfig({}).logFormat).toBe('json');
  });

  it.each([
    ['ECS_CONTAINER_METADATA_URI_V4', 'http://169.254.170.2/v4/abc'],
    ['AWS_EXECUTION_ENV', 'AWS_ECS_FARGATE'],
  ])('is JSON on a terminal when %s says the process runs in AWS', (name, value) => {
    expect(resolveLogFormat(undefined, { [name]: value }, true)).toBe('json');
  });

  it('is what LOG_FORMAT says, terminal or not', () => {
    expect(loadConfig({ LOG_FORMAT: 'json' }, { terminal: true }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }, { terminal: false }).logFormat).toBe('pretty');
  });
});

describe('pretty messages', () => {
  it('fold a completed request into method, url, status and time after its id', () => {
    const line = {
      msg: 'request completed',
      requestId: 'r-1',
      req: { method: 'POST', url: '/api/items' },
      res: { statusCode: 201 },
      responseTime: 3.0625,
    };
    expect(formatMessage(line, 'msg')).toBe('[r-1] POST /api/items 201 3.1 ms');
  });

  it('prefix any other request-scoped line with its id, and leave the rest as they are', () => {
    expect(formatMessage({ msg: 'home page: could not read items', requestId: 'r-2' }, 'msg')).toBe(
      '[r-2] home page: could not read items',
    );
    expect(formatMessage({ msg: 'listening' }, 'msg')).toBe('listening');
  });
});
