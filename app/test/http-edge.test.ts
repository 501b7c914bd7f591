/**
 * Edges of HTTP input that the schema alone does not cover.
 *
 * Scenarios and expected outcomes:
 * - numeric query parameters written other than as plain decimal digits (non-finite values such as
 *   `Infinity` and `1e400`, which used to reach PostgreSQL and answer 500; hex, binary, exponents,
 *   padding) are 400 VALIDATION_FAILED naming the field; plain decimals still work.
 * - the check applies to every integer or number property of any querystring or params schema.
 * - a body declaring a charset other than utf-8 is 415 UNSUPPORTED_MEDIA_TYPE; a content-encoding
 *   other than identity is 415 UNSUPPORTED_CONTENT_ENCODING with `accept-encoding: identity`.
 * - requests the HTTP parser rejects (raw socket: malformed request line, bad header, oversized
 *   headers) get the service's JSON error shape with an x-request-id.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../src/app.ts';
import { strictNumericStrings } from '../src/schemas/strict-numbers.ts';
import type { StartedService } from '../src/server.ts';
import { buildTestApp, createMigratedDatabase, type TestDatabase } from './helper.ts';

let db: TestDatabase;
let service: StartedService;
let app: AppInstance;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
  service = await buildTestApp(db, { autoClose: false });
  app = service.app;
});

afterAll(async () => {
  await service?.close();
  await db?.close();
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string; fields?: { field: string; message: string }[] };
}

describe('numeric query parameters', () => {
  const rejected = [
    'Infinity',
    '-Infinity',
    '+Infinity',
    '1e400',
    '-1e400',
    '1e309',
    '0x10',
    '0X1F',
    '0b1',
    '0o7',
    '1e1',
    '1E1',
    '.5e1',
    '5.',
    '1.0',
    '+5',
    ' 5',
    '5 ',
    '\t5',
    '5\n',
    '1_0',
    '9007199254740993',
    'NaN',
    '',
  ];
  it.each(rejected)('limit=%j is 400 VALIDATION_FAILED naming querystring.limit', async (value) => {
    const response = await app.inject({ method: 'GET', url: '/api/items', query: { limit: value } });
    expect(response.statusCode, response.body).toBe(400);
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.fields?.map((f) => f.field)).toEqual(['querystring.limit']);
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
  });

  it('a repeated limit with one non-finite value is 400, not 500', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/items?limit=Infinity&limit=5' });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<ErrorBody>().error.fields?.[0]?.field).toBe('querystring.limit');
  });

  it('plain decimal limits still work, and the range is still checked', async () => {
    expect((await app.inject('/api/items?limit=5')).statusCode).toBe(200);
    expect((await app.inject('/api/items?limit=100')).statusCode).toBe(200);
    for (const value of ['0', '-0', '-1', '101', '999999999999999']) {
      const response = await app.inject(`/api/items?limit=${value}`);
      expect(response.statusCode, value).toBe(400);
      expect(response.json<ErrorBody>().error.fields?.[0]?.message).toMatch(/must be [<>]=/);
    }
  });

  it('every integer or number property of a querystring or params schema is checked, others are left to ajv', () => {
    const ajv = new Ajv({ coerceTypes: 'array', strict: true, allErrors: true });
    const schema = {
      type: 'object',
      properties: {
        page: { type: 'integer' },
        ratio: { type: 'number' },
        either: { type: ['integer', 'null'] },
        name: { type: 'string' },
      },
      additionalProperties: false,
    };
    const validate = strictNumericStrings(schema, ajv.compile(schema));
    expect(validate({ page: '3', ratio: '2.5', either: '-4', name: '0x10' })).toBe(true);
    expect(validate({ page: '0x3', ratio: 'Infinity', either: '1e400', name: 'x' })).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(['/page', '/ratio', '/either']);
    expect(validate({ page: ['1', '1e2'] })).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath)).toEqual(['/page']);
  });
});

describe('body charset and content encoding', () => {
  const json = JSON.stringify({ name: 'encoded' });

  it.each(['utf-16', 'UTF-16LE', 'latin1', 'iso-8859-1', '"us-ascii"'])(
    'charset=%s is 415 UNSUPPORTED_MEDIA_TYPE',
    async (charset) => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/items',
        headers: { 'content-type': `application/json; charset=${charset}` },
        payload: json,
      });
      expect(response.statusCode, response.body).toBe(415);
      const body = response.json<ErrorBody>();
      expect(body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      expect(body.error.message).toContain('UTF-8');
    },
  );

  it.each(['utf-8', 'UTF-8', '"utf-8"'])('charset=%s is accepted', async (charset) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/items',
      headers: { 'content-type': `application/json; charset=${charset}` },
      payload: json,
    });
    expect(response.statusCode, response.body).toBe(201);
  });

  it.each([
    ['gzip', 'a plain JSON body', json],
    ['gzip', 'a real gzip body', gzipSync(json)],
    ['br', 'a plain JSON body', json],
    ['x-unknown', 'a plain JSON body', json],
    ['identity, gzip', 'a plain JSON body', json],
  ])('content-encoding: %s on %s is 415 UNSUPPORTED_CONTENT_ENCODING', async (encoding, _what, payload) => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/items',
      headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      payload,
    });
    expect(response.statusCode, response.body).toBe(415);
    expect(response.headers['accept-encoding']).toBe('identity');
    const body = response.json<ErrorBody>();
    expect(body.error.code).toBe('UNSUPPORTED_CONTENT_ENCODING');
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
  });

  it('content-encoding: identity is accepted, and a request without a body ignores the header', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/items',
      headers: { 'content-type': 'application/json', 'content-encoding': 'identity' },
      payload: json,
    });
    expect(created.statusCode, created.body).toBe(201);
    const listed = await app.inject({
      method: 'GET',
      url: '/api/items',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(listed.statusCode, listed.body).toBe(200);
  });
});

describe('HTTP parser errors (raw socket)', () => {
  let port: number;

  beforeAll(async () => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    port = address.port;
  });

  /** Sends raw bytes and collects everything until the server closes the connection. */
  async function raw(
    bytes: string,
  ): Promise<{ status: number; headers: Record<string, string>; body: string }> {
    const socket = connect({ host: '127.0.0.1', port });
    await once(socket, 'connect');
    socket.write(bytes);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    await once(socket, 'close');
    const text = Buffer.concat(chunks).toString('utf8');
    const [head = '', body = ''] = text.split('\r\n\r\n', 2);
    const [statusLine = '', ...headerLines] = head.split('\r\n');
    const headers = Object.fromEntries(
      headerLines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
      }),
    );
    return { status: Number(statusLine.split(' ')[1]), headers, body };
  }

  it.each([
    ['a malformed request line', 'GARBAGE\r\n\r\n'],
    ['an invalid method', 'G@T / HTTP/1.1\r\nhost: x\r\n\r\n'],
    ['a header line without a colon', 'GET /health HTTP/1.1\r\nhost: x\r\nno colon here\r\n\r\n'],
    ['a control character in a header value', 'GET /health HTTP/1.1\r\nhost: x\r\nx-a: b\u0001c\r\n\r\n'],
    [
      'both content-length and chunked',
      'POST /api/items HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\ntransfer-encoding: chunked\r\n\r\n{}',
    ],
  ])('%s is 400 BAD_REQUEST in the JSON error shape', async (_what, bytes) => {
    const response = await raw(bytes);
    expect(response.status, response.body).toBe(400);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers.connection).toBe('close');
    const body = JSON.parse(response.body) as ErrorBody;
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toMatch(/^The HTTP request could not be parsed \(HPE_[A-Z_]+: .+\)\.$/);
    expect(body.error.requestId).toBe(response.headers['x-request-id']);
    expect(Number(response.headers['content-length'])).toBe(Buffer.byteLength(response.body));
  });

  it('oversized headers are 431 HEADERS_TOO_LARGE in the JSON error shape', async () => {
    const response = await raw(`GET /health HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(response.status, response.body).toBe(431);
    const body = JSON.parse(response.body) as ErrorBody;
    expect(body.error).toEqual({
      code: 'HEADERS_TOO_LARGE',
      message: 'The request headers are too large.',
      requestId: response.headers['x-request-id'],
    });
  });

  it('a well-formed request on the same server still works', async () => {
    const response = await raw('GET /health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n');
    expect(response.status).toBe(200);
  });
});
