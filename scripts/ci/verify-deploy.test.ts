/*
 * Post-deploy verification against a local HTTP server standing in for the environment:
 *   - passes when /ready is 200 and /info.commit is the deployed sha
 *   - retries while the old revision still answers, then passes
 *   - fails after the attempts when /info keeps reporting another commit, or /ready is 503
 *   - fails (not hangs) when nothing listens; rejects a malformed URL or sha
 *   - an image tag that is no commit (Run workflow's `v1.2.3`) is checked for readiness only
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { commitOf, verifyDeploy } from './verify-deploy.ts';

const SHA = 'a'.repeat(40);
let server: Server | undefined;

async function serve(handler: (path: string, hit: number) => { status: number; body?: unknown }) {
  let hits = 0;
  const listening = createServer((req, res) => {
    const reply = handler(req.url ?? '/', req.url === '/info' ? ++hits : hits);
    res.writeHead(reply.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(reply.body ?? {}));
  });
  server = listening;
  await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

const quiet = { intervalMs: 1, log: () => {} };

describe('verifyDeploy', () => {
  it('passes when ready and /info reports the deployed commit', async () => {
    const url = await serve((path) =>
      path === '/ready' ? { status: 200 } : { status: 200, body: { commit: SHA, version: '1.2.0' } },
    );
    const result = await verifyDeploy({ url, sha: SHA, ...quiet });
    expect(result).toEqual({ ok: true, attempts: 1, detail: `ready; /info commit ${SHA}, version 1.2.0` });
  });

  it('retries while the old revision answers, then passes', async () => {
    const url = await serve((path, hit) =>
      path === '/ready' ? { status: 200 } : { status: 200, body: { commit: hit < 3 ? 'b'.repeat(40) : SHA } },
    );
    const result = await verifyDeploy({ url, sha: SHA, attempts: 5, ...quiet });
    expect(result.ok).toBe(true);
    expect(result.attempts).toBe(3);
  });

  it('fails when /info keeps reporting another commit', async () => {
    const url = await serve(() => ({ status: 200, body: { commit: 'c'.repeat(40) } }));
    const result = await verifyDeploy({ url, sha: SHA, attempts: 3, ...quiet });
    expect(result).toMatchObject({ ok: false, attempts: 3 });
    expect(result.detail).toMatch(/reports commit "c{40}", expected a{40}/);
  });

  it('fails when the service is not ready', async () => {
    const url = await serve(() => ({ status: 503 }));
    const result = await verifyDeploy({ url, sha: SHA, attempts: 2, ...quiet });
    expect(result).toEqual({ ok: false, attempts: 2, detail: '/ready answered 503' });
  });

  it('fails when nothing listens', async () => {
    const url = await serve(() => ({ status: 200 }));
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
    const result = await verifyDeploy({ url, sha: SHA, attempts: 2, ...quiet });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/request failed/);
  });

  it('rejects a malformed URL or sha', async () => {
    await expect(verifyDeploy({ url: 'example.com', sha: SHA })).rejects.toThrow(/--url: got "example.com"/);
    await expect(verifyDeploy({ url: 'http://x', sha: 'HEAD' })).rejects.toThrow(/--sha: got "HEAD"/);
  });
});

describe('verifyDeploy without a sha (infrastructure-only deploy)', () => {
  it('checks readiness only', async () => {
    const url = await serve((path) => (path === '/ready' ? { status: 200 } : { status: 500 }));
    expect(await verifyDeploy({ url, ...quiet })).toEqual({
      ok: true,
      attempts: 1,
      detail: 'ready (/ready 200)',
    });
  });
});

describe('commitOf', () => {
  it('takes a commit sha as the commit to compare, and no other image tag', () => {
    expect(commitOf(SHA)).toBe(SHA);
    expect(commitOf('0a1b2c3')).toBe('0a1b2c3');
    expect(commitOf('v1.2.3')).toBeUndefined();
    expect(commitOf('rc-7')).toBeUndefined();
    expect(commitOf('')).toBeUndefined();
    expect(commitOf(undefined)).toBeUndefined();
  });
});
