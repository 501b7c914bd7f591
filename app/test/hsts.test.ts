/**
 * Strict-Transport-Security: sent only where the environment is served over HTTPS and the request
 * came through the HTTPS edge.
 *
 * Scenarios and expected outcomes:
 * - HSTS_MAX_AGE set, X-Forwarded-Proto https from a private address (the load balancer in the VPC):
 *   `max-age=<HSTS_MAX_AGE>`, on success and error responses alike (200, 404).
 * - behind CloudFront (plain HTTP to the load balancer): CloudFront-Forwarded-Proto decides.
 * - no header when the proxy says http (the plain-HTTP test listener), when the header comes from a
 *   public or loopback address (not a trusted proxy), or when HSTS_MAX_AGE is unset or 0.
 * - locally (a real socket on http://127.0.0.1, no proxy): no header, whatever the client claims.
 * - the logged client address comes from X-Forwarded-For only behind a trusted proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedService } from '../src/server.ts';
import { isTrustedProxy } from '../src/trusted-proxy.ts';
import { buildTestApp, createMigratedDatabase, LogCapture, type TestDatabase } from './helper.ts';

const LOAD_BALANCER = '10.0.1.23';
const YEAR = '31536000';

let db: TestDatabase;
let served: StartedService;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
  served = await buildTestApp(db, { env: { HSTS_MAX_AGE: YEAR }, autoClose: false });
});

afterAll(async () => {
  await served?.close();
  await db?.close();
});

function viaEdge(url: string, proto: string, remoteAddress = LOAD_BALANCER) {
  return served.app.inject({ url, remoteAddress, headers: { 'x-forwarded-proto': proto } });
}

describe('behind the HTTPS edge (HSTS_MAX_AGE set)', () => {
  it('sends max-age=HSTS_MAX_AGE on a request the load balancer received over HTTPS', async () => {
    const response = await viaEdge('/health', 'https');
    expect(response.statusCode).toBe(200);
    expect(response.headers['strict-transport-security']).toBe(`max-age=${YEAR}`);
  });

  it('sends it on error responses too', async () => {
    const response = await viaEdge('/no-such-route', 'https');
    expect(response.statusCode).toBe(404);
    expect(response.headers['strict-transport-security']).toBe(`max-age=${YEAR}`);
  });

  it('believes CloudFront, which reaches the load balancer over plain HTTP, about the viewer scheme', async () => {
    const headers = (cloudFront: string) => ({
      'x-forwarded-proto': 'http',
      'cloudfront-forwarded-proto': cloudFront,
    });
    const https = await served.app.inject({
      url: '/health',
      remoteAddress: LOAD_BALANCER,
      headers: headers('https'),
    });
    expect(https.headers['strict-transport-security']).toBe(`max-age=${YEAR}`);
    const http = await served.app.inject({
      url: '/health',
      remoteAddress: LOAD_BALANCER,
      headers: headers('http'),
    });
    expect(http.headers).not.toHaveProperty('strict-transport-security');
    const forged = await served.app.inject({
      url: '/health',
      remoteAddress: '203.0.113.7',
      headers: headers('https'),
    });
    expect(forged.headers).not.toHaveProperty('strict-transport-security');
  });

  it('sends none when the load balancer received the request over plain HTTP', async () => {
    const response = await viaEdge('/health', 'http');
    expect(response.statusCode).toBe(200);
    expect(response.headers).not.toHaveProperty('strict-transport-security');
  });

  it.each([
    ['a public address', '203.0.113.7'],
    ['loopback', '127.0.0.1'],
  ])('ignores X-Forwarded-Proto from %s (not a trusted proxy)', async (_what, address) => {
    const response = await viaEdge('/health', 'https', address);
    expect(response.headers).not.toHaveProperty('strict-transport-security');
  });

  it('logs the client from X-Forwarded-For only behind a trusted proxy', async () => {
    const logs = new LogCapture();
    const { app } = await buildTestApp(db, { logs, env: { LOG_LEVEL: 'info' } });
    const logged = async (remoteAddress: string) => {
      const before = logs.lines.length;
      await app.inject({ url: '/info', remoteAddress, headers: { 'x-forwarded-for': '198.51.100.9' } });
      return (logs.lines.slice(before)[0]?.req as { remoteAddress?: string } | undefined)?.remoteAddress;
    };
    expect(await logged(LOAD_BALANCER)).toBe('198.51.100.9');
    expect(await logged('203.0.113.7')).toBe('203.0.113.7');
    expect(await logged('127.0.0.1')).toBe('127.0.0.1');
  });
});

describe('without HSTS_MAX_AGE (local runs, plain-HTTP environments)', () => {
  it.each<Record<string, string>>([{}, { HSTS_MAX_AGE: '0' }])(
    'sends none even through the HTTPS edge (%o)',
    async (env) => {
      const service = await buildTestApp(db, { env });
      const response = await service.app.inject({
        url: '/health',
        remoteAddress: LOAD_BALANCER,
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(response.statusCode).toBe(200);
      expect(response.headers).not.toHaveProperty('strict-transport-security');
    },
  );
});

describe('locally, over a real socket', () => {
  it('sends no header on http://127.0.0.1, even with HSTS_MAX_AGE set and a forged X-Forwarded-Proto', async () => {
    const service = await buildTestApp(db, { env: { HSTS_MAX_AGE: YEAR } });
    const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
    expect(address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    for (const headers of [{}, { 'x-forwarded-proto': 'https' }] as Record<string, string>[]) {
      const response = await fetch(`${address}/health`, { headers });
      expect(response.status).toBe(200);
      expect(response.headers.has('strict-transport-security')).toBe(false);
    }
  });
});

describe('trusted proxies', () => {
  it.each([
    ['10.0.1.23', true],
    ['172.16.0.1', true],
    ['172.31.255.254', true],
    ['192.168.5.5', true],
    ['::ffff:10.0.1.23', true],
    ['fd12:3456::1', true],
    ['172.32.0.1', false],
    ['203.0.113.7', false],
    ['::ffff:203.0.113.7', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['2001:db8::1', false],
    [undefined, false],
  ])('%s: %s', (address, trusted) => {
    expect(isTrustedProxy(address)).toBe(trusted);
  });
});
