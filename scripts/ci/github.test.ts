/*
 * The GitHub REST helper against a local fake of the API (no network):
 *   - a plan comment is created once, then updated in place (found by its hidden marker)
 *   - comments are found across pages
 *   - a drift issue is opened, then updated with a comment; closed when clean; no-op when none is open
 *   - an API error surfaces with method, path and status; the token is sent but never in errors
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { driftIssue } from './drift-issue.ts';
import { GitHubClient, markerLine } from './github.ts';
import { renderPlanComment } from './plan-comment.ts';

type Item = { id: number; number?: number; body: string; state?: string; title?: string; labels?: string[] };
let server: Server;
let apiUrl: string;
let comments: Item[];
let issues: Item[];
let calls: string[];
let auth: string[];
let failWith: number | undefined;

beforeEach(async () => {
  comments = [];
  issues = [];
  calls = [];
  auth = [];
  failWith = undefined;
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => {
      raw += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push(`${req.method} ${url.pathname}`);
      auth.push(String(req.headers.authorization));
      const body = raw ? (JSON.parse(raw) as Partial<Item>) : {};
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (failWith) return send(failWith, { message: 'nope' });
      const page = Number(url.searchParams.get('page') ?? 1);
      const per = Number(url.searchParams.get('per_page') ?? 30);
      const paged = (items: Item[]) => items.slice((page - 1) * per, page * per);
      const commentId = /\/issues\/comments\/(\d+)$/.exec(url.pathname)?.[1];
      const issueNumber = /\/issues\/(\d+)$/.exec(url.pathname)?.[1];
      if (req.method === 'GET' && /\/issues\/\d+\/comments$/.test(url.pathname))
        return send(200, paged(comments));
      if (req.method === 'POST' && /\/issues\/\d+\/comments$/.test(url.pathname)) {
        const item = { id: 1000 + comments.length, body: body.body ?? '' };
        comments.push(item);
        return send(201, item);
      }
      if (req.method === 'PATCH' && commentId) {
        const item = comments.find((x) => x.id === Number(commentId));
        if (item) item.body = body.body ?? '';
        return send(200, item);
      }
      if (req.method === 'GET' && url.pathname.endsWith('/issues')) {
        return send(200, paged(issues.filter((i) => i.state === 'open')));
      }
      if (req.method === 'POST' && url.pathname.endsWith('/issues')) {
        const item = {
          id: 1,
          number: 7,
          state: 'open',
          body: body.body ?? '',
          title: body.title,
          labels: body.labels,
        };
        issues.push(item);
        return send(201, item);
      }
      if (req.method === 'PATCH' && issueNumber) {
        const item = issues.find((x) => x.number === Number(issueNumber));
        Object.assign(item ?? {}, body);
        return send(200, item);
      }
      send(404, { message: 'not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const client = () => new GitHubClient({ repository: 'example-org/slipway', token: 'ghs_secret', apiUrl });

describe('pull request comments', () => {
  it('creates the plan comment once and then updates it in place', async () => {
    const first = await client().upsertComment(42, 'plan', 'one');
    const second = await client().upsertComment(42, 'plan', 'two');
    expect(second).toBe(first);
    expect(comments).toEqual([{ id: first, body: `${markerLine('plan')}\ntwo` }]);
    expect(calls).toEqual([
      'GET /repos/example-org/slipway/issues/42/comments',
      'POST /repos/example-org/slipway/issues/42/comments',
      'GET /repos/example-org/slipway/issues/42/comments',
      `PATCH /repos/example-org/slipway/issues/comments/${first}`,
    ]);
    expect(auth.every((a) => a === 'Bearer ghs_secret')).toBe(true);
  });

  it('finds its comment beyond the first page', async () => {
    for (let i = 0; i < 150; i++) comments.push({ id: i, body: `other ${i}` });
    comments.push({ id: 999, body: `${markerLine('preview')}\nold` });
    expect(await client().upsertComment(1, 'preview', 'new')).toBe(999);
    expect(comments.at(-1)?.body).toBe(`${markerLine('preview')}\nnew`);
  });

  it('keeps other markers apart', async () => {
    await client().upsertComment(1, 'plan', 'p');
    await client().upsertComment(1, 'preview', 'q');
    expect(comments).toHaveLength(2);
  });
});

describe('drift issues', () => {
  it('opens an issue with the drift label, then updates it and comments', async () => {
    const issue = driftIssue('prod', '\u001b[31mmodified\u001b[0m AWS::EC2::SecurityGroup', 'https://run');
    const number = await client().upsertIssue(issue.marker, issue.title, issue.body, ['drift']);
    expect(issues[0]).toMatchObject({ number, title: 'Drift detected in prod', labels: ['drift'] });
    expect(issues[0]?.body).toContain('modified AWS::EC2::SecurityGroup');
    expect(issues[0]?.body).not.toContain('\u001b');
    await client().upsertIssue(issue.marker, issue.title, `${issue.body}\nagain`, ['drift']);
    expect(issues).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith('POST') && c.endsWith('/issues/7/comments'))).toHaveLength(1);
  });

  it('closes the open issue when the environment is clean, and does nothing when none is open', async () => {
    expect(await client().closeIssue('drift:prod', ['drift'], 'clean')).toBeUndefined();
    await client().upsertIssue('drift:prod', 't', 'b', ['drift']);
    expect(await client().closeIssue('drift:prod', ['drift'], 'clean')).toBe(7);
    expect(issues[0]?.state).toBe('closed');
  });
});

describe('errors', () => {
  it('reports method, path and status without the token', async () => {
    failWith = 403;
    const error = await client()
      .upsertComment(5, 'plan', 'x')
      .catch((e: Error) => e);
    expect(String(error)).toMatch(/GitHub GET \/issues\/5\/comments\?per_page=100&page=1: 403/);
    expect(String(error)).not.toContain('ghs_secret');
  });

  it('refuses to run without a token or with a malformed repository', () => {
    expect(() => new GitHubClient({ repository: 'a/b', token: '' })).toThrow(/GITHUB_TOKEN is not set/);
    expect(() => new GitHubClient({ repository: 'nope', token: 't' })).toThrow(
      /GITHUB_REPOSITORY: got "nope"/,
    );
  });
});

describe('plan comment body', () => {
  it('renders one row per environment with its monthly cost and a total', () => {
    const body = renderPlanComment(
      [
        {
          environment: 'dev',
          monthlyCostUsd: 31.5,
          diff: 'Stack slipway-dev-service\n[~] AWS::ECS::Service',
          diffExit: 0,
          planError: undefined,
          planExit: 0,
        },
        {
          environment: 'prod',
          monthlyCostUsd: 412.25,
          diff: undefined,
          diffExit: 1,
          planError: undefined,
          planExit: 1,
        },
      ],
      { sha: 'abcdef1234567890' },
    );
    expect(body).toContain('| dev | $31.50 | passed | computed |');
    expect(body).toContain('| prod | $412.25 | failed (exit 1) | failed (exit 1) |');
    expect(body).toContain('| **total** | **$443.75** | | |');
    expect(body).toContain('<details><summary>dev: diff</summary>');
  });
});
