/**
 * API behaviour, run twice: against the embedded PostgreSQL (PGlite) and the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - /health 200 `{status: ok}`; /ready 200 once migrated; /info exactly its seven fields.
 * - / renders version, environment and recent items, HTML-escaped.
 * - items: create 201 + location, get, list newest first with an opaque cursor over every page,
 *   patch only the fields sent, delete 204 then 404.
 * - bad input is a 4xx in the error shape: malformed JSON 400 INVALID_JSON, schema violations 400
 *   VALIDATION_FAILED naming every field, malformed id 400 (params.id), unknown id 404
 *   ITEM_NOT_FOUND, body over the limit 413, wrong content type 415, bad cursor 400 INVALID_CURSOR,
 *   unknown route 404 ROUTE_NOT_FOUND.
 * - request ids: x-request-id honoured, else x-amzn-trace-id, else generated; echoed and in error bodies.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import type { AppInstance } from '../src/app.ts';
import { listMigrations } from '../src/db/migrate.ts';
import { BACKENDS, buildTestApp, createMigratedDatabase, type TestDatabase } from './helper.ts';

const UNKNOWN_ID = '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; fields?: { field: string; message: string }[] };
}

function errorOf(response: LightMyRequestResponse): ErrorBody['error'] {
  const body = response.json<ErrorBody>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.requestId).toBe(response.headers['x-request-id']);
  return body.error;
}

function fieldsOf(response: LightMyRequestResponse): string[] {
  return [...new Set((errorOf(response).fields ?? []).map((f) => f.field))].sort();
}

async function create(app: AppInstance, body: Record<string, unknown>) {
  const response = await app.inject({ method: 'POST', url: '/api/items', payload: body });
  expect(response.statusCode).toBe(201);
  return response.json<{
    id: string;
    name: string;
    note: string | null;
    done: boolean;
    tags: string[];
    updatedAt: string;
  }>();
}

describe.each(BACKENDS)('API on %s', (kind) => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase(kind);
  });

  afterAll(async () => {
    await db?.close();
  });

  async function build(env: Record<string, string> = {}) {
    return (await buildTestApp(db, { env })).app;
  }

  describe('probes and info', () => {
    it('GET /health answers 200 ok', async () => {
      const app = await build();
      const response = await app.inject('/health');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ok' });
    });

    it('GET /ready answers 200 when the database is migrated', async () => {
      const app = await build();
      const response = await app.inject('/ready');
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ status: 'ready', migrations: (await listMigrations()).length });
    });

    it('GET /info returns exactly name, version, commit, environment, region, uptimeSeconds, node', async () => {
      const app = await build({
        GIT_SHA: 'abc1234',
        APP_ENV: 'staging',
        AWS_REGION: 'eu-west-1',
        APP_VERSION: '1.4.2',
      });
      const body = (await app.inject('/info')).json<Record<string, unknown>>();
      expect(Object.keys(body).sort()).toEqual(
        ['commit', 'environment', 'name', 'node', 'region', 'uptimeSeconds', 'version'].sort(),
      );
      expect(body).toMatchObject({
        name: pkg.name,
        version: '1.4.2',
        commit: 'abc1234',
        environment: 'staging',
        region: 'eu-west-1',
        node: process.version,
      });
      expect(Number.isInteger(body.uptimeSeconds)).toBe(true);
    });

    it('GET /info falls back to the package version, commit "unknown", environment "local" and region null', async () => {
      const app = await build();
      expect((await app.inject('/info')).json()).toMatchObject({
        version: pkg.version,
        commit: 'unknown',
        environment: 'local',
        region: null,
      });
    });

    it('GET / renders version, environment and recent items with HTML escaped', async () => {
      const app = await build({ APP_VERSION: '2.0.0', APP_ENV: 'dev' });
      await create(app, { name: '<script>alert("x")</script>', tags: ['a&b'] });
      const response = await app.inject('/');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('2.0.0');
      expect(response.body).toContain('<dd>dev');
      expect(response.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(response.body).toContain('a&amp;b');
      expect(response.body).not.toContain('<script>');
    });
  });

  describe('items', () => {
    it('POST creates an item: 201, location header, defaults filled', async () => {
      const app = await build();
      const response = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 'first' } });
      expect(response.statusCode).toBe(201);
      const item = response.json();
      expect(response.headers.location).toBe(`/api/items/${item.id}`);
      expect(item).toMatchObject({ name: 'first', note: null, done: false, tags: [] });
      expect(item.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(item.createdAt).toISOString()).toBe(item.createdAt);
    });

    it('GET /api/items/:id returns the stored item', async () => {
      const app = await build();
      const created = await create(app, { name: 'stored', note: 'n', done: true, tags: ['x', 'y'] });
      const response = await app.inject(`/api/items/${created.id}`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(created);
    });

    it('data outlives the app: a new app instance reads what the previous one wrote', async () => {
      const first = await build();
      const created = await create(first, { name: 'durable' });
      await first.close();
      const second = await build();
      expect((await second.inject(`/api/items/${created.id}`)).json()).toEqual(created);
    });

    it('GET /api/items pages through every item, newest first, with an opaque cursor', async () => {
      const app = await build();
      const mine = [];
      for (let i = 0; i < 5; i += 1) mine.push((await create(app, { name: `page-${i}` })).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const response = await app.inject(url);
        expect(response.statusCode).toBe(200);
        const page = response.json<{ items: { id: string }[]; nextCursor: string | null }>();
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        pages += 1;
      } while (cursor && pages < 1000);
      expect(new Set(seen).size).toBe(seen.length);
      // Newest first: my five items appear in reverse creation order, consecutively.
      const at = seen.indexOf(mine[4] as string);
      expect(seen.slice(at, at + 5)).toEqual([...mine].reverse());
    });

    it('GET /api/items uses limit 20 by default and rejects limits outside 1-100', async () => {
      const app = await build();
      for (let i = 0; i < 21; i += 1) await create(app, { name: `bulk-${i}` });
      const page = (await app.inject('/api/items')).json<{ items: unknown[]; nextCursor: string | null }>();
      expect(page.items).toHaveLength(20);
      expect(page.nextCursor).not.toBeNull();
      for (const limit of ['0', '101', 'abc', '1.5', '-1']) {
        const response = await app.inject(`/api/items?limit=${limit}`);
        expect(response.statusCode, `limit=${limit}`).toBe(400);
        expect(fieldsOf(response)).toEqual(['querystring.limit']);
      }
      expect((await app.inject('/api/items?limit=100')).statusCode).toBe(200);
    });

    it('GET /api/items rejects cursors it did not issue with 400 INVALID_CURSOR', async () => {
      const app = await build();
      const forged = [
        Buffer.from('v1:0').toString('base64url'),
        Buffer.from('v1:99999999999999999999').toString('base64url'),
        Buffer.from('v1:9223372036854775808').toString('base64url'),
        Buffer.from('v2:10').toString('base64url'),
        'bm90LWEtY3Vyc29y',
      ];
      for (const cursor of forged) {
        const response = await app.inject(`/api/items?cursor=${cursor}`);
        expect(response.statusCode, cursor).toBe(400);
        expect(errorOf(response).code).toBe('INVALID_CURSOR');
      }
      const malformed = await app.inject('/api/items?cursor=not%20base64!');
      expect(malformed.statusCode).toBe(400);
      expect(fieldsOf(malformed)).toEqual(['querystring.cursor']);
    });

    it('GET /api/items rejects unknown query parameters, naming each', async () => {
      const app = await build();
      const response = await app.inject('/api/items?delayMs=10&foo=1');
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response)).toEqual(['querystring.delayMs', 'querystring.foo']);
    });

    it('PATCH changes only the fields sent, clears note with null and moves updatedAt', async () => {
      const app = await build();
      const created = await create(app, { name: 'before', note: 'keep?', tags: ['t'] });
      const response = await app.inject({
        method: 'PATCH',
        url: `/api/items/${created.id}`,
        payload: { done: true, note: null },
      });
      expect(response.statusCode).toBe(200);
      const updated = response.json();
      expect(updated).toMatchObject({ id: created.id, name: 'before', note: null, done: true, tags: ['t'] });
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
      expect((await app.inject(`/api/items/${created.id}`)).json()).toEqual(updated);
    });

    it('PATCH with an empty object is 400 and with an unknown id 404', async () => {
      const app = await build();
      const created = await create(app, { name: 'x' });
      const empty = await app.inject({ method: 'PATCH', url: `/api/items/${created.id}`, payload: {} });
      expect(empty.statusCode).toBe(400);
      expect(errorOf(empty).code).toBe('VALIDATION_FAILED');
      const unknown = await app.inject({
        method: 'PATCH',
        url: `/api/items/${UNKNOWN_ID}`,
        payload: { done: true },
      });
      expect(unknown.statusCode).toBe(404);
      expect(errorOf(unknown).code).toBe('ITEM_NOT_FOUND');
    });

    it('DELETE answers 204, then the item is gone (GET and DELETE 404)', async () => {
      const app = await build();
      const created = await create(app, { name: 'doomed' });
      const deleted = await app.inject({ method: 'DELETE', url: `/api/items/${created.id}` });
      expect(deleted.statusCode).toBe(204);
      expect(deleted.body).toBe('');
      expect(errorOf(await app.inject(`/api/items/${created.id}`)).code).toBe('ITEM_NOT_FOUND');
      const again = await app.inject({ method: 'DELETE', url: `/api/items/${created.id}` });
      expect(again.statusCode).toBe(404);
    });
  });

  describe('bad input', () => {
    it('a well-formed unknown id is 404 ITEM_NOT_FOUND', async () => {
      const app = await build();
      const response = await app.inject(`/api/items/${UNKNOWN_ID}`);
      expect(response.statusCode).toBe(404);
      expect(errorOf(response)).toMatchObject({ code: 'ITEM_NOT_FOUND', message: 'No item has this id.' });
    });

    it.each([
      ['GET', 'not-a-uuid'],
      ['PATCH', '123'],
      ['DELETE', 'urn:uuid:0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10'],
      ['GET', '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a1'],
    ])('%s with malformed id %s is 400 VALIDATION_FAILED naming params.id', async (method, id) => {
      const app = await build();
      const response = await app.inject({
        method: method as 'GET',
        url: `/api/items/${encodeURIComponent(id)}`,
        ...(method === 'PATCH' ? { payload: { done: true } } : {}),
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(['params.id']);
    });

    it('a schema violation names every offending field at once', async () => {
      const app = await build();
      const response = await app.inject({
        method: 'POST',
        url: '/api/items',
        payload: { name: '', done: 'yes', tags: ['ok', 7, 'ok'], note: 'a\u0000b', colour: 'red' },
      });
      expect(response.statusCode).toBe(400);
      const error = errorOf(response);
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(fieldsOf(response)).toEqual(
        ['body.colour', 'body.done', 'body.name', 'body.note', 'body.tags', 'body.tags.1'].sort(),
      );
      expect(error.fields?.find((f) => f.field === 'body.colour')?.message).toBe('is not allowed');
      expect(error.fields?.find((f) => f.field === 'body.note')?.message).toBe(
        'must not contain NUL characters',
      );
    });

    it('a missing required field is named (body.name)', async () => {
      const app = await build();
      const response = await app.inject({ method: 'POST', url: '/api/items', payload: { done: true } });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response)).toEqual(['body.name']);
    });

    it('types are not coerced in bodies: a number is not a name', async () => {
      const app = await build();
      const response = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 12 } });
      expect(response.statusCode).toBe(400);
      expect(fieldsOf(response)).toEqual(['body.name']);
    });

    it.each([
      ['{"name": "x"', 'truncated'],
      ['{name: "x"}', 'unquoted key'],
      ['', 'empty'],
      ['{"__proto__": {"x": 1}, "name": "p"}', 'prototype poisoning'],
    ])('malformed JSON (%s, %s) is 400 INVALID_JSON', async (payload) => {
      const app = await build();
      const response = await app.inject({
        method: 'POST',
        url: '/api/items',
        headers: { 'content-type': 'application/json' },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('INVALID_JSON');
    });

    it('a body over BODY_LIMIT_BYTES is 413 PAYLOAD_TOO_LARGE', async () => {
      const app = await build({ BODY_LIMIT_BYTES: '2048' });
      const response = await app.inject({
        method: 'POST',
        url: '/api/items',
        payload: { name: 'big', note: 'x'.repeat(3000) },
      });
      expect(response.statusCode).toBe(413);
      expect(errorOf(response).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it.each([
      'text/plain',
      'application/xml',
      'multipart/form-data; boundary=x',
      'application/x-www-form-urlencoded',
    ])('content type %s is 415 UNSUPPORTED_MEDIA_TYPE', async (type) => {
      const app = await build();
      const response = await app.inject({
        method: 'POST',
        url: '/api/items',
        headers: { 'content-type': type },
        payload: 'name=x',
      });
      expect(response.statusCode).toBe(415);
      expect(errorOf(response).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('an unknown route or method is 404 ROUTE_NOT_FOUND', async () => {
      const app = await build();
      for (const [method, url] of [
        ['GET', '/nope'],
        ['PUT', `/api/items/${UNKNOWN_ID}`],
        ['POST', '/health'],
      ] as const) {
        const response = await app.inject({ method, url });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
        expect(errorOf(response).code).toBe('ROUTE_NOT_FOUND');
      }
    });

    it('a malformed URL encoding is 400 BAD_REQUEST', async () => {
      const app = await build();
      const response = await app.inject('/api/items/%E0%A4%A');
      expect(response.statusCode).toBe(400);
      expect(errorOf(response).code).toBe('BAD_REQUEST');
    });
  });

  describe('request ids', () => {
    it('echoes an incoming x-request-id', async () => {
      const app = await build();
      const response = await app.inject({
        url: `/api/items/${UNKNOWN_ID}`,
        headers: { 'x-request-id': 'req-123' },
      });
      expect(response.headers['x-request-id']).toBe('req-123');
      expect(errorOf(response).requestId).toBe('req-123');
    });

    it("uses the ALB's x-amzn-trace-id when there is no x-request-id", async () => {
      const app = await build();
      const trace = 'Root=1-67891233-abcdef012345678912345678';
      const response = await app.inject({ url: '/health', headers: { 'x-amzn-trace-id': trace } });
      expect(response.headers['x-request-id']).toBe(trace);
    });

    it('generates a uuid otherwise, and replaces unsafe incoming ids', async () => {
      const app = await build();
      const plain = await app.inject('/health');
      expect(plain.headers['x-request-id']).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      const unsafe = await app.inject({ url: '/health', headers: { 'x-request-id': 'a b"c{}' } });
      expect(unsafe.headers['x-request-id']).not.toBe('a b"c{}');
      expect(unsafe.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });
  });
});
