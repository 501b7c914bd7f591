/**
 * The `/` page.
 *
 * Scenarios and expected outcomes:
 * - the curl commands use the absolute URL the reader used: the Host header, and https when the load
 *   balancer says so in X-Forwarded-Proto; a Host or scheme that could break out of the HTML or the
 *   shell command is replaced by the service's own address.
 * - item names and tags are HTML-escaped in the table (no markup from the database reaches the page).
 * - the table shows the 10 newest items, newest first.
 * - version, commit and environment are shown.
 * - the Content-Security-Policy lets nothing load or run and allows exactly the page's inline style.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppInstance } from '../src/app.ts';
import { requestOrigin } from '../src/routes/root-page.ts';
import { buildTestApp, createMigratedDatabase, type TestDatabase } from './helper.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await db?.close();
});

async function build(env: Record<string, string> = {}): Promise<AppInstance> {
  return (
    await buildTestApp(db, { env: { APP_VERSION: '3.1.4', GIT_SHA: 'c0ffee1', APP_ENV: 'staging', ...env } })
  ).app;
}

async function home(app: AppInstance, headers: Record<string, string> = {}): Promise<string> {
  const response = await app.inject({ url: '/', headers });
  expect(response.statusCode).toBe(200);
  return response.body;
}

describe('GET /', () => {
  it('shows curl commands with the absolute URL of the host the reader used', async () => {
    const app = await build();
    const body = await home(app, { host: 'svc.example.test:8080' });
    expect(body).toContain(
      `curl -X POST -H &#39;content-type: application/json&#39; -d &#39;{&quot;name&quot;:&quot;first&quot;}&#39; &#39;http://svc.example.test:8080/api/items&#39;`,
    );
    expect(body).toContain('curl &#39;http://svc.example.test:8080/api/items?limit=10&#39;');
    const behindAlb = await home(app, { host: 'app.example.test', 'x-forwarded-proto': 'https' });
    expect(behindAlb).toContain('&#39;https://app.example.test/api/items&#39;');
  });

  it('escapes item names and tags in the table', async () => {
    const app = await build();
    const payload = { name: '<img src=x onerror=alert(1)>"\'&', tags: ['<b>bold</b>'] };
    expect((await app.inject({ method: 'POST', url: '/api/items', payload })).statusCode).toBe(201);
    const body = await home(app);
    expect(body).toContain('<td>&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</td>');
    expect(body).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(body).not.toContain('<img');
    expect(body).not.toContain('<b>');
  });

  it('lists the 10 newest items, newest first', async () => {
    const app = await build();
    for (let i = 1; i <= 12; i++) {
      const payload = { name: `row-${String(i).padStart(2, '0')}` };
      expect((await app.inject({ method: 'POST', url: '/api/items', payload })).statusCode).toBe(201);
    }
    const names = [...(await home(app)).matchAll(/<tr><td>(row-\d\d)<\/td>/g)].map((m) => m[1]);
    expect(names).toEqual([
      'row-12',
      'row-11',
      'row-10',
      'row-09',
      'row-08',
      'row-07',
      'row-06',
      'row-05',
      'row-04',
      'row-03',
    ]);
  });

  it('shows version, commit and environment', async () => {
    const body = await home(await build());
    expect(body).toContain('<dt>Version</dt><dd>3.1.4</dd>');
    expect(body).toContain('<dt>Commit</dt><dd><code>c0ffee1</code></dd>');
    expect(body).toContain('<dt>Environment</dt><dd>staging</dd>');
  });

  it('allows only its own inline style: nothing loads or runs', async () => {
    const app = await build();
    const response = await app.inject('/');
    const style = /<style>([^<]*)<\/style>/.exec(response.body)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(response.headers['content-security-policy']).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(response.body).not.toMatch(/<script|<link|<img|style="/);
  });
});

describe('the origin shown in the commands', () => {
  const config = { port: 3000 };

  it.each([
    ['localhost:3000', undefined, false, 'http://localhost:3000'],
    ['[::1]:3000', undefined, false, 'http://[::1]:3000'],
    ['example.test', 'https', false, 'https://example.test'],
    ['example.test', 'HTTPS, http', false, 'https://example.test'],
    ['example.test', undefined, true, 'https://example.test'],
  ])('Host %s, X-Forwarded-Proto %s, TLS %s: %s', (host, proto, encrypted, origin) => {
    const headers = { host, ...(proto ? { 'x-forwarded-proto': proto } : {}) };
    expect(requestOrigin(headers, encrypted, config)).toBe(origin);
  });

  it.each([
    ["evil.test'; rm -rf ~; '", undefined],
    ['"><script>alert(1)</script>', undefined],
    ['example.test', 'javascript'],
  ])(
    'replaces Host %s or X-Forwarded-Proto %s that could break out of the page or the command',
    (host, proto) => {
      const origin = requestOrigin({ host, ...(proto ? { 'x-forwarded-proto': proto } : {}) }, false, config);
      expect(origin).toMatch(/^http:\/\/(localhost:3000|example\.test)$/);
    },
  );
});
