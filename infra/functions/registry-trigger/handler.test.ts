/**
 * The registry-trigger function against a local fake of GitHub's REST API (node:http):
 * 1. A matching push: the App JWT verifies with the App's public key (RS256, iss = App ID, at most
 *    ten minutes), is exchanged for an installation token limited to the repository and
 *    Actions: write, and the workflow dispatch carries the default branch, the environment and the tag.
 * 2. A second push within the hour reuses the token; one near its expiry gets a new one.
 * 3. Two environments matching one tag get one dispatch each.
 * 4. Ignored without any request: another repository, a delete, a failed push, an untagged push,
 *    a tag no pattern matches, and a release tag (deployed-<env>) even when a pattern matches it.
 * 5. GitHub refusing the dispatch fails the invocation with GitHub's message (Lambda retries).
 * 6. A secret still holding the placeholder fails naming the fix, before any request.
 * 7. The configuration reports every missing variable at once.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../shared/log.ts';
import { loadRegistryTriggerConfig, type RegistryTriggerConfig } from './config.ts';
import { createHandler } from './handler.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const APP_ID = '123456';
const INSTALLATION = 4242;
const TOKEN = 'ghs_installation_token_for_tests';

interface Seen {
  method: string;
  path: string;
  authorization: string;
  body: unknown;
}

let server: Server;
let apiUrl: string;
let seen: Seen[] = [];
let tokenExpiresAt = '';
let dispatchStatus = 204;

/** The JWT's claims when its signature verifies with the App's public key; throws otherwise. */
function verifiedClaims(authorization: string): { iat: number; exp: number; iss: string } {
  const [header, payload, signature] = authorization.replace(/^Bearer /, '').split('.');
  const ok = verify(
    'RSA-SHA256',
    Buffer.from(`${header}.${payload}`),
    createPublicKey(publicKey.export({ type: 'spki', format: 'pem' })),
    Buffer.from(signature ?? '', 'base64url'),
  );
  if (!ok) throw new Error('JWT signature does not verify');
  expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'RS256', typ: 'JWT' });
  return JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text === '' ? undefined : JSON.parse(text);
}

function route(s: Seen): { status: number; body?: unknown } {
  const asApp = () => verifiedClaims(s.authorization);
  const asInstallation = s.authorization === `Bearer ${TOKEN}`;
  if (s.method === 'GET' && s.path === '/repos/example-org/shop/installation')
    return asApp() && { status: 200, body: { id: INSTALLATION } };
  if (s.method === 'POST' && s.path === `/app/installations/${INSTALLATION}/access_tokens`)
    return asApp() && { status: 201, body: { token: TOKEN, expires_at: tokenExpiresAt } };
  if (!asInstallation) return { status: 401, body: { message: 'Bad credentials' } };
  if (s.method === 'GET' && s.path === '/repos/example-org/shop')
    return { status: 200, body: { default_branch: 'trunk' } };
  if (s.method === 'POST' && s.path === '/repos/example-org/shop/actions/workflows/app.yml/dispatches')
    return dispatchStatus === 204
      ? { status: 204 }
      : { status: dispatchStatus, body: { message: 'Resource not accessible by integration' } };
  return { status: 404, body: { message: 'Not Found' } };
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const s: Seen = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization ?? '',
      body: await readBody(req),
    };
    seen.push(s);
    let answer: { status: number; body?: unknown };
    try {
      answer = route(s);
    } catch (error) {
      answer = { status: 401, body: { message: (error as Error).message } };
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
  dispatchStatus = 204;
});

const T0 = new Date('2026-12-04T12:00:00Z');

function setup(overrides: Partial<RegistryTriggerConfig> = {}, key = PEM) {
  let now = T0;
  tokenExpiresAt = new Date(T0.getTime() + 3600_000).toISOString();
  const log = memoryLogger();
  const settings: RegistryTriggerConfig = {
    secretId: 'shop/registry-trigger/github-app-private-key',
    appId: APP_ID,
    owner: 'example-org',
    repository: 'shop',
    workflow: 'app.yml',
    repositoryNames: ['shop'],
    targets: [{ environment: 'test', tagPattern: 'rc-*' }],
    apiUrl,
    ...overrides,
  };
  let reads = 0;
  const handler = createHandler({
    settings,
    privateKey: async () => {
      reads++;
      return key;
    },
    now: () => now,
    log,
  });
  return { handler, log, reads: () => reads, advance: (ms: number) => (now = new Date(now.getTime() + ms)) };
}

const push = (tag: string | undefined, detail: Record<string, unknown> = {}) => ({
  version: '0',
  id: '13cde686-328b-6117-af20-0e5566167482',
  'detail-type': 'ECR Image Action',
  source: 'aws.ecr',
  account: '111111111111',
  time: '2026-12-04T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    result: 'SUCCESS',
    'repository-name': 'shop',
    'image-digest': 'sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd1234',
    'action-type': 'PUSH',
    ...(tag === undefined ? {} : { 'image-tag': tag }),
    ...detail,
  },
});

describe('registry trigger against a fake GitHub', () => {
  it('signs a JWT the public key verifies, exchanges it for a narrow token and dispatches the deploy', async () => {
    const { handler, log } = setup();
    expect(await handler(push('rc-7'))).toEqual({ dispatched: ['test'], tag: 'rc-7', ref: 'trunk' });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /repos/example-org/shop/installation',
      `POST /app/installations/${INSTALLATION}/access_tokens`,
      'GET /repos/example-org/shop',
      'POST /repos/example-org/shop/actions/workflows/app.yml/dispatches',
    ]);
    const claims = verifiedClaims(seen[1]?.authorization ?? '');
    expect(claims.iss).toBe(APP_ID);
    expect(claims.iat).toBe(T0.getTime() / 1000 - 60);
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(600);
    expect(seen[1]?.body).toEqual({
      repositories: ['shop'],
      permissions: { actions: 'write', metadata: 'read' },
    });
    expect(seen[3]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[3]?.body).toEqual({ ref: 'trunk', inputs: { environment: 'test', 'image-tag': 'rc-7' } });
    expect(log.lines.at(-1)).toEqual({
      msg: 'registry-trigger.dispatched',
      environments: ['test'],
      tag: 'rc-7',
      repository: 'shop',
      ref: 'trunk',
    });
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
  });

  it('reuses the installation token within its hour and gets a new one near its expiry', async () => {
    const { handler, reads, advance } = setup();
    await handler(push('rc-1'));
    advance(30 * 60_000);
    await handler(push('rc-2'));
    expect(seen.filter((s) => s.path.endsWith('/access_tokens'))).toHaveLength(1);
    advance(26 * 60_000);
    await handler(push('rc-3'));
    expect(seen.filter((s) => s.path.endsWith('/access_tokens'))).toHaveLength(2);
    expect(reads()).toBe(2);
    expect(seen.filter((s) => s.path.endsWith('/dispatches')).map((s) => s.body)).toEqual(
      ['rc-1', 'rc-2', 'rc-3'].map((tag) => ({
        ref: 'trunk',
        inputs: { environment: 'test', 'image-tag': tag },
      })),
    );
  });

  it('dispatches once per environment whose pattern matches', async () => {
    const targets = [
      { environment: 'test', tagPattern: 'v*' },
      { environment: 'dev', tagPattern: 'v1.*' },
      { environment: 'qa', tagPattern: 'rc-*' },
    ];
    const { handler } = setup({ targets });
    expect((await handler(push('v1.4.0'))).dispatched).toEqual(['test', 'dev']);
    expect(seen.filter((s) => s.path.endsWith('/dispatches')).map((s) => s.body)).toEqual([
      { ref: 'trunk', inputs: { environment: 'test', 'image-tag': 'v1.4.0' } },
      { ref: 'trunk', inputs: { environment: 'dev', 'image-tag': 'v1.4.0' } },
    ]);
  });

  it.each([
    ['another repository', push('rc-1', { 'repository-name': 'other' }), /repository "other"/],
    ['a delete', push('rc-1', { 'action-type': 'DELETE' }), /not a successful push/],
    ['a failed push', push('rc-1', { result: 'FAILURE' }), /not a successful push/],
    ['an untagged push', push(undefined), /no tag/],
    ['a tag no pattern matches', push('v1.0.0'), /no environment deploys tag "v1.0.0"/],
    [
      'a scheduled event',
      { source: 'aws.events', 'detail-type': 'Scheduled Event' },
      /not an ECR image action/,
    ],
  ])('ignores %s without calling GitHub', async (_what, event, reason) => {
    const { handler, reads } = setup();
    const result = await handler(event);
    expect(result.dispatched).toEqual([]);
    expect(result.ignored).toMatch(reason);
    expect(seen).toEqual([]);
    expect(reads()).toBe(0);
  });

  it('never dispatches for the release tags a deploy moves, whatever the pattern', async () => {
    const { handler } = setup({ targets: [{ environment: 'test', tagPattern: '*' }] });
    expect((await handler(push('deployed-test'))).dispatched).toEqual([]);
    expect((await handler(push('rollback-test'))).dispatched).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("fails the invocation with GitHub's message when the dispatch is refused", async () => {
    const { handler, log } = setup();
    dispatchStatus = 403;
    await expect(handler(push('rc-9'))).rejects.toThrow(
      /POST \/repos\/example-org\/shop\/actions\/workflows\/app.yml\/dispatches: HTTP 403 Resource not accessible by integration/,
    );
    expect(log.lines.at(-1)).toMatchObject({
      msg: 'registry-trigger.failed',
      environments: ['test'],
      tag: 'rc-9',
    });
  });

  it('fails naming the fix while the secret holds its placeholder, before any request', async () => {
    const { handler } = setup({}, 'kX9#placeholder-generated-by-secrets-manager');
    await expect(handler(push('rc-1'))).rejects.toThrow(
      /does not hold a PEM private key.*docs\/pipelines.md/,
    );
    expect(seen).toEqual([]);
  });
});

describe('configuration', () => {
  it('reports every missing variable at once', () => {
    expect(() => loadRegistryTriggerConfig({})).toThrow(
      /6 problems[\s\S]*SECRET_ID[\s\S]*GITHUB_APP_ID[\s\S]*GITHUB_OWNER[\s\S]*GITHUB_REPOSITORY[\s\S]*REPOSITORY_NAMES[\s\S]*TARGETS/,
    );
  });

  it('reads a complete configuration', () => {
    const config = loadRegistryTriggerConfig({
      SECRET_ID: 'shop/registry-trigger/github-app-private-key',
      GITHUB_APP_ID: '123456',
      GITHUB_OWNER: 'example-org',
      GITHUB_REPOSITORY: 'shop',
      REPOSITORY_NAMES: 'shop',
      TARGETS: '[{"environment":"test","tagPattern":"rc-*"}]',
    });
    expect(config).toMatchObject({
      workflow: 'app.yml',
      apiUrl: 'https://api.github.com',
      repositoryNames: ['shop'],
    });
  });
});
