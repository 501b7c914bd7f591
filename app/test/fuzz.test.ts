/**
 * Property-based fuzzing of the API (fast-check, 1400 cases in all) against the real PostgreSQL,
 * through `app.inject`.
 *
 * Property: whatever the client sends (bodies, ids, query strings, content types, raw bytes),
 * the service never answers 5xx, answers only the statuses the endpoint documents, and every error
 * is in the catalogued shape. Failures print the shrunk counterexample.
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../src/app.ts';
import { errorCatalog } from '../src/errors.ts';
import type { StartedService } from '../src/server.ts';
import { buildTestApp, createMigratedDatabase, type TestDatabase } from './helper.ts';

let db: TestDatabase;
let service: StartedService;
let app: AppInstance;
let existingId: string;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
  // Production mode, as the image runs.
  service = await buildTestApp(db, {
    autoClose: false,
    env: { NODE_ENV: 'production', BODY_LIMIT_BYTES: '4096' },
  });
  app = service.app;
  const created = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 'fuzz target' } });
  existingId = created.json<{ id: string }>().id;
});

afterAll(async () => {
  await service?.close();
  await db?.close();
});

/** Strings of any UTF-16 code units: NUL, control characters, lone surrogates, astral characters. */
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    'x'.repeat(201),
    'x'.repeat(5000),
    '%',
    '../',
    'null',
  ),
);

/** Percent-encodes the UTF-8 bytes of any string (a lone surrogate becomes U+FFFD, as a client would send it). */
function encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Item-shaped objects whose fields are sometimes right, often wrong. */
const itemish = fc.record(
  {
    name: fc.oneof(anyText, anyJson),
    note: fc.oneof(anyText, fc.constant(null), anyJson),
    done: fc.oneof(fc.boolean(), anyJson),
    tags: fc.oneof(fc.array(fc.oneof(anyText, anyJson), { maxLength: 25 }), anyJson),
    extra: anyJson,
  },
  { requiredKeys: [] },
);

const idSegment = fc.oneof(
  fc.uuid(),
  fc.constant('EXISTING'),
  anyText.map(encode),
  fc.constantFrom(
    '%',
    '%ZZ',
    '%E0%A4%A',
    '..',
    'urn:uuid:0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10',
    '{0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10}',
  ),
);

/**
 * Strings JavaScript's number parsing (and so ajv's coercion) accepts, written every way it allows:
 * non-finite (`Infinity`, overflowing exponents like `1e400`), hex, binary and octal literals,
 * exponents, signs, leading or trailing dots and zeros, surrounding whitespace, more digits than a
 * double holds. Non-finite values used to pass validation and answer 500 from PostgreSQL.
 */
const numberish = fc.oneof(
  fc.double().map(String),
  fc.double().map((n) => n.toExponential()),
  fc.integer({ min: 0, max: 0xffff }).map((n) => `0x${n.toString(16)}`),
  fc.integer({ min: 0, max: 255 }).map((n) => `0b${n.toString(2)}`),
  fc.integer({ min: 0, max: 255 }).map((n) => `0o${n.toString(8)}`),
  fc
    .tuple(fc.constantFrom('', '+', '-'), fc.integer({ min: 1, max: 400 }))
    .map(([sign, exp]) => `${sign}1e${exp}`),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t', '\n', '+', '-', '0', '00', '.'),
      fc.integer({ min: 0, max: 200 }),
      fc.constantFrom('', ' ', '\n', '.', '.0', '.00', 'e0', 'E1', '0'),
    )
    .map(([before, n, after]) => `${before}${n}${after}`),
  fc.constantFrom('Infinity', '-Infinity', '+Infinity', '1e400', '-1e400', '1e309', '-0', '0.0', '', ' '),
);

/** What the service accepts for `limit`: plain decimal digits in range. */
function plainLimit(value: string): boolean {
  return /^-?[0-9]{1,15}$/.test(value) && Number(value) >= 1 && Number(value) <= 100;
}

function resolveId(segment: string): string {
  return segment === 'EXISTING' ? existingId : segment;
}

function check(response: LightMyRequestResponse, allowed: readonly number[]): void {
  expect(response.statusCode, response.body).toBeLessThan(500);
  expect(allowed, `${response.statusCode} ${response.body}`).toContain(response.statusCode);
  if (response.statusCode >= 400) {
    const body = response.json<{ error: { code: string; message: string; requestId: string } }>();
    expect(Object.keys(errorCatalog)).toContain(body.error.code);
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
  }
}

/** No control characters and no lone surrogates: what the item schema accepts for names and tags. */
function oneLine(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

describe('valid input round-trips', () => {
  it('any valid item is stored and read back unchanged (100 cases)', async () => {
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }).filter(oneLine);
    const tag = fc.string({ unit: 'binary', minLength: 1, maxLength: 50 }).filter(oneLine);
    const note = fc.string({ unit: 'binary', maxLength: 300 }).filter((t) => !t.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(
        name,
        fc.option(note),
        fc.boolean(),
        fc.uniqueArray(tag, { maxLength: 20 }),
        async (n, nt, done, tags) => {
          const created = await app.inject({
            method: 'POST',
            url: '/api/items',
            payload: { name: n, note: nt, done, tags },
          });
          expect(created.statusCode, created.body).toBe(201);
          const read = (await app.inject(`/api/items/${created.json<{ id: string }>().id}`)).json();
          expect(read).toMatchObject({ name: n, note: nt, done, tags });
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('fuzzing never yields a 5xx', () => {
  it('POST /api/items with arbitrary JSON bodies (400 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(itemish, anyJson), async (body) => {
        const response = await app.inject({
          method: 'POST',
          url: '/api/items',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        check(response, [201, 400, 413]);
      }),
      { numRuns: 400 },
    );
  });

  it('PATCH /api/items/:id with arbitrary ids and bodies (250 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(idSegment, fc.oneof(itemish, anyJson), async (id, body) => {
        const response = await app.inject({
          method: 'PATCH',
          url: `/api/items/${resolveId(id)}`,
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
        check(response, [200, 400, 404, 413]);
      }),
      { numRuns: 250 },
    );
  });

  it('GET and DELETE /api/items/:id with arbitrary path segments (200 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'DELETE') as fc.Arbitrary<'GET' | 'DELETE'>,
        idSegment,
        async (method, id) => {
          // Keep the shared item: deleting it would only narrow later cases.
          const target =
            method === 'DELETE' && id === 'EXISTING' ? '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10' : resolveId(id);
          const response = await app.inject({ method, url: `/api/items/${target}` });
          check(response, [200, 204, 400, 404]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('GET /api/items with arbitrary query strings (200 cases)', async () => {
    const key = fc.oneof(
      fc.constantFrom('limit', 'cursor', 'delayMs', 'limit[]', '__proto__', 'constructor'),
      anyText,
    );
    const value = fc.oneof(
      anyText,
      fc.integer().map(String),
      numberish,
      fc.constantFrom(
        '0',
        '1',
        '100',
        '101',
        '-1',
        '1e3',
        '0x10',
        'NaN',
        'djE6MQ',
        'djE6MA',
        'djE6OTk5OTk5OTk5OTk5OTk5OTk5OTk',
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(key, value), { maxLength: 4 }),
        fc.boolean(),
        async (pairs, encoded) => {
          const query = pairs
            .map(([k, v]) => (encoded ? `${encode(k)}=${encode(v)}` : `${k}=${v}`))
            .join('&');
          const response = await app.inject({ method: 'GET', url: `/api/items?${query}` });
          check(response, [200, 400]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('GET /api/items with limit written any way JavaScript parses a number: 400 unless plain decimal (150 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(numberish, async (value) => {
        const response = await app.inject({ method: 'GET', url: `/api/items?limit=${encode(value)}` });
        check(response, [200, 400]);
        expect(response.statusCode, JSON.stringify(value)).toBe(plainLimit(value) ? 200 : 400);
      }),
      { numRuns: 150 },
    );
  });

  it('POST /api/items with arbitrary content types and raw bodies (100 cases)', async () => {
    const contentType = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        '',
        ';;;',
        'application/json;',
        'application/json; charset=utf-16',
        'application/json; charset="UTF-8"',
      ),
      fc.string({ maxLength: 30 }).filter((s) => /^[\t\x20-\x7e]*$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(
        contentType,
        fc.oneof(
          anyText,
          anyJson.map((v) => JSON.stringify(v)),
        ),
        fc.option(fc.constantFrom('gzip', 'identity', 'br, gzip', 'deflate', 'x-unknown', '')),
        async (type, raw, encoding) => {
          const response = await app.inject({
            method: 'POST',
            url: '/api/items',
            headers: { 'content-type': type, ...(encoding === null ? {} : { 'content-encoding': encoding }) },
            payload: raw,
          });
          check(response, [201, 400, 413, 415]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
