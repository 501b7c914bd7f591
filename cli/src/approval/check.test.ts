/*
 * The approval check against a local fake GitHub REST API (node:http on a loopback port):
 *   - required reviewers configured, self-review prevented → passes, naming the reviewers (users
 *     and teams), and sends the token and the API version header
 *   - no required reviewers rule, an empty one, or self-review allowed → SW265 (exit 4)
 *   - no such GitHub Environment (404) → SW265
 *   - 403 → SW266 (exit 1): it fails closed
 *   - a network error (nothing listening) → SW266, fails closed
 *   - no token or repository → SW266 without a request
 *   - the command: an environment without approval passes with one line and no request
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlipwayConfig } from '@slipway/config';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { checkApproval } from './check.ts';
import { checkApprovalCommand } from './command.ts';

let server: Server;
let apiUrl: string;
let answer: { status: number; body: unknown };
let requests: IncomingMessage[];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  requests = [];
});

const prod = { name: 'prod', approval: true };
const source = () => ({ apiUrl, repository: 'acme/shop', token: 'test-token' });
const reviewersRule = (reviewers: unknown[], preventSelfReview = true) => ({
  status: 200,
  body: {
    name: 'prod',
    protection_rules: [
      { id: 1, type: 'wait_timer', wait_timer: 0 },
      { id: 2, type: 'required_reviewers', prevent_self_review: preventSelfReview, reviewers },
    ],
  },
});
const alice = { type: 'User', reviewer: { login: 'alice', id: 1 } };
const team = { type: 'Team', reviewer: { slug: 'platform', id: 7, organization: { login: 'acme' } } };

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('the approval check', () => {
  it('passes when required reviewers are configured and self-review is prevented', async () => {
    answer = reviewersRule([alice, team]);
    const verdict = await checkApproval(prod, 'prod', source());
    expect(verdict.reviewers).toEqual(['alice', 'acme/platform']);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe('/repos/acme/shop/environments/prod');
    expect(requests[0]?.headers.authorization).toBe('Bearer test-token');
    expect(requests[0]?.headers['x-github-api-version']).toBe('2022-11-28');
  });

  it('refuses an environment without required reviewers (SW265, exit 4)', async () => {
    answer = { status: 200, body: { name: 'prod', protection_rules: [] } };
    const e = await failure(checkApproval(prod, 'prod', source()));
    expect(e.code).toBe('SW265');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('has no required reviewers');
  });

  it('refuses a reviewers rule that lists nobody, and one that allows self-review', async () => {
    answer = reviewersRule([]);
    expect((await failure(checkApproval(prod, 'prod', source()))).message).toContain('lists nobody');
    answer = reviewersRule([alice], false);
    const e = await failure(checkApproval(prod, 'prod', source()));
    expect(e.code).toBe('SW265');
    expect(e.message).toContain('prevent_self_review is off');
  });

  it('refuses when the GitHub Environment does not exist (404)', async () => {
    answer = { status: 404, body: { message: 'Not Found' } };
    const e = await failure(checkApproval(prod, 'production', source()));
    expect(e.code).toBe('SW265');
    expect(e.message).toContain('no GitHub Environment "production"');
  });

  it('fails closed on 403 (SW266, exit 1)', async () => {
    answer = { status: 403, body: { message: 'Resource not accessible by integration' } };
    const e = await failure(checkApproval(prod, 'prod', source()));
    expect(e.code).toBe('SW266');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('HTTP 403');
    expect(e.message).toContain('fails closed');
  });

  it('fails closed on a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const e = await failure(checkApproval(prod, 'prod', { ...source(), apiUrl: `http://127.0.0.1:${port}` }));
    expect(e.code).toBe('SW266');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('fails closed without a token, before any request', async () => {
    const e = await failure(checkApproval(prod, 'prod', { ...source(), token: undefined }));
    expect(e.code).toBe('SW266');
    expect(e.message).toContain('GITHUB_TOKEN is not set');
    expect(requests).toHaveLength(0);
  });
});

describe('slipway ci check-approval', () => {
  let config: SlipwayConfig;
  beforeAll(async () => {
    config = await shippedConfig();
  });

  it('checks prod (protected) and names its reviewers', async () => {
    answer = reviewersRule([alice]);
    const cap = captureIo();
    expect(await checkApprovalCommand(config, 'prod', {}, cap.io, source())).toBe(0);
    expect(cap.stdout()).toContain('prod: GitHub Environment "prod" requires a reviewer\'s approval (alice');
  });

  it('passes an environment that needs no approval without calling GitHub', async () => {
    const cap = captureIo();
    expect(await checkApprovalCommand(config, 'dev', {}, cap.io, { ...source(), token: undefined })).toBe(0);
    expect(cap.stdout()).toContain('dev needs no approval');
    expect(requests).toHaveLength(0);
  });
});
