/**
 * Smoke hook against a real local HTTP server (node:http on a random loopback port) standing in
 * for the ALB's test listener; the ALB discovery returns 127.0.0.1 and the ECS revision lookup is
 * a fake. The clock is injected so the overall deadline can be crossed without waiting.
 *
 * Scenarios and expected outcomes:
 * 1. /ready 200 and /info.commit = the image tag → SUCCEEDED, with the Host header sent.
 * 2. A short image tag and a full 40-character /info commit → SUCCEEDED (same commit).
 * 3. Wrong version → FAILED after ATTEMPTS checks, naming both commits and where the expected
 *    one came from.
 * 4. /ready 503 → IN_PROGRESS with hookDetails.smokeStartedAt; past TIMEOUT_SECONDS → FAILED
 *    naming the status; /ready recovering on the second check → SUCCEEDED in one invocation.
 * 5. Unreachable target (closed port) → IN_PROGRESS, then FAILED "connection refused" at the deadline.
 * 6. A server that never answers, REQUEST_TIMEOUT_MS 150 → "timed out after 150 ms".
 * 7. Malformed /info JSON → FAILED at once (definitive).
 * 8. Image by digest: the container's GIT_SHA is the expected commit; without GIT_SHA → FAILED
 *    explaining what to set.
 * 9. No ALB network interface → FAILED naming LOAD_BALANCER_FULL_NAME.
 * 10. Unexpected payload → FAILED; rollback invocation → SUCCEEDED without any request.
 * 11. Little Lambda time left → stops retrying and answers IN_PROGRESS instead of timing out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeTaskDefinitions, hookEvent, IMAGE_REPO, revisionArn } from '@slipway/testing/fake-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config.ts';
import { memoryLogger } from '../shared/log.ts';
import { loadSmokeHookConfig, type SmokeHookConfig } from './config.ts';
import { createHandler, SMOKE_STARTED_AT } from './handler.ts';
import { sameCommit } from './probe.ts';

const TARGET = revisionArn('9313423515462893900');
const SHORT_SHA = '3f2c1ab';
const FULL_SHA = '3f2c1ab9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3';

type Route = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((r) => server.close(r));
  return port;
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const info = (commit: string) => ({
  name: 'slipway-app',
  version: '1.4.0',
  commit,
  environment: 'prod',
  region: 'eu-west-1',
  uptimeSeconds: 12,
  node: 'v24.11.0',
});

describe('smoke hook', () => {
  let server: Server;
  let port: number;
  let routes: Record<string, Route>;
  let requests: { path: string; host: string | undefined }[];
  let hanging: ServerResponse[];
  let now: Date;
  let taskDefinitions: FakeTaskDefinitions;
  let log: ReturnType<typeof memoryLogger>;
  let ips: string[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ path: req.url ?? '', host: req.headers.host });
      const route = routes[req.url ?? ''];
      if (route === undefined) json(res, 404, { message: 'not found' });
      else route(req, res);
    });
    port = await listen(server);
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    routes = {
      '/ready': (_req, res) => json(res, 200, { status: 'ready' }),
      '/info': (_req, res) => json(res, 200, info(SHORT_SHA)),
    };
    requests = [];
    hanging = [];
    now = new Date('2026-11-23T10:00:00Z');
    taskDefinitions = new FakeTaskDefinitions();
    taskDefinitions.addRevision({ revisionArn: TARGET, revision: 42, image: `${IMAGE_REPO}:${SHORT_SHA}` });
    log = memoryLogger();
    ips = ['127.0.0.1'];
  });

  const config = (overrides: Partial<SmokeHookConfig> = {}): SmokeHookConfig => ({
    loadBalancerFullName: 'app/slipway-prod/50dc6c495c0c9188',
    testPort: port,
    hostHeader: 'app.example.com',
    readyPath: '/ready',
    infoPath: '/info',
    containerName: 'app',
    commitEnvName: 'GIT_SHA',
    timeoutSeconds: 300,
    requestTimeoutMs: 1000,
    attempts: 3,
    retryDelayMs: 5,
    callBackDelaySeconds: 15,
    ...overrides,
  });
  const handler = (overrides: Partial<SmokeHookConfig> = {}) =>
    createHandler({
      config: config(overrides),
      taskDefinitions,
      addresses: { privateIps: async () => ips },
      now: () => now,
      log,
    });
  const lastLog = () => log.lines[log.lines.length - 1] as Record<string, unknown>;

  it('succeeds when /ready is 200 and /info reports the deployed commit', async () => {
    expect(await handler()(hookEvent({ stage: 'POST_TEST_TRAFFIC_SHIFT' }))).toEqual({
      hookStatus: 'SUCCEEDED',
    });
    expect(requests).toEqual([
      { path: '/ready', host: 'app.example.com' },
      { path: '/info', host: 'app.example.com' },
    ]);
    expect(lastLog()).toMatchObject({
      event: 'smoke-hook.result',
      hookStatus: 'SUCCEEDED',
      commit: SHORT_SHA,
      version: '1.4.0',
      expectedCommit: SHORT_SHA,
      expectedCommitSource: `tag of image ${IMAGE_REPO}:${SHORT_SHA}`,
      targets: [`127.0.0.1:${port}`],
    });
  });

  it('treats a short image tag and the full commit as the same commit', async () => {
    routes['/info'] = (_req, res) => json(res, 200, info(FULL_SHA));
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(sameCommit(FULL_SHA, SHORT_SHA)).toBe(true);
    expect(sameCommit('3f2c1a', '3f2c1ab')).toBe(false); // fewer than 7 characters never matches by prefix
    expect(sameCommit('4f2c1ab', FULL_SHA)).toBe(false);
  });

  it('fails on the wrong version after its retries, naming both commits', async () => {
    routes['/info'] = (_req, res) => json(res, 200, info('9999999'));
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(requests.filter((r) => r.path === '/info')).toHaveLength(3);
    expect(lastLog()).toMatchObject({
      attempts: 3,
      reason: `wrong version behind the test listener: /info reports commit "9999999" but this deployment is "${SHORT_SHA}" (tag of image ${IMAGE_REPO}:${SHORT_SHA})`,
    });
  });

  it('answers IN_PROGRESS while /ready is 503 and fails once TIMEOUT_SECONDS have passed', async () => {
    routes['/ready'] = (_req, res) => json(res, 503, { status: 'not ready', checks: { database: 'down' } });
    const h = handler();
    const first = await h(hookEvent());
    expect(first).toEqual({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 15,
      hookDetails: { [SMOKE_STARTED_AT]: '2026-11-23T10:00:00.000Z' },
    });
    expect(lastLog().reason).toBe(
      `GET http://127.0.0.1:${port}/ready returned 503, expected 200: {"status":"not ready","checks":{"database":"down"}}`,
    );
    now = new Date(now.getTime() + 299_000);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('IN_PROGRESS');
    now = new Date(now.getTime() + 2_000);
    expect(await h(hookEvent({ hookDetails: first.hookDetails }))).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(/^still failing after TIMEOUT_SECONDS=300s: GET .*\/ready returned 503/);
  });

  it('retries within one invocation with backoff until /ready recovers', async () => {
    let calls = 0;
    routes['/ready'] = (_req, res) => {
      calls += 1;
      json(res, calls === 1 ? 503 : 200, {});
    };
    const sleeps: number[] = [];
    const h = createHandler({
      config: config({ retryDelayMs: 40 }),
      taskDefinitions,
      addresses: { privateIps: async () => ips },
      now: () => now,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      log,
    });
    expect(await h(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(sleeps).toEqual([40]);
    expect(lastLog().attempts).toBe(2);
  });

  it('reports an unreachable target and fails at the deadline', async () => {
    const h = handler({ testPort: await closedPort() });
    const first = await h(hookEvent());
    expect(first.hookStatus).toBe('IN_PROGRESS');
    expect(lastLog().reason).toMatch(/connection refused \(ECONNREFUSED\)/);
    now = new Date(now.getTime() + 301_000);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(lastLog().reason).toMatch(/still failing after TIMEOUT_SECONDS=300s: .*connection refused/);
  });

  it('times out a target that never answers', async () => {
    routes['/ready'] = (_req, res) => {
      hanging.push(res); // never answered
    };
    const started = performance.now();
    const response = await handler({ requestTimeoutMs: 150, attempts: 2 })(hookEvent());
    expect(response.hookStatus).toBe('IN_PROGRESS');
    expect(lastLog().reason).toBe(`GET http://127.0.0.1:${port}/ready: timed out after 150 ms`);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('fails at once on a malformed /info', async () => {
    routes['/info'] = (_req, res) => json(res, 200, '{"commit": "3f2c1ab"');
    expect(await handler({ attempts: 1 })(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(/\/info returned 200 but not JSON \(.*\): \{"commit": "3f2c1ab"$/);
  });

  it('uses GIT_SHA from the container when the image is referenced by digest', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    taskDefinitions.addRevision({
      revisionArn: TARGET,
      revision: 43,
      image: `${IMAGE_REPO}@${digest}`,
      environment: { GIT_SHA: FULL_SHA, NODE_ENV: 'production' },
    });
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(lastLog()).toMatchObject({
      expectedCommit: FULL_SHA,
      expectedCommitSource: 'GIT_SHA in the environment of container "app"',
    });
  });

  it('fails explaining what to set when a digest-only image has no GIT_SHA', async () => {
    taskDefinitions.addRevision({
      revisionArn: TARGET,
      revision: 44,
      image: `${IMAGE_REPO}@sha256:${'b'.repeat(64)}`,
    });
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(
      /cannot tell which commit is deployed: .* has no tag and no GIT_SHA environment entry/,
    );
    expect(requests).toHaveLength(0);
  });

  it('fails naming LOAD_BALANCER_FULL_NAME when the ALB has no network interface', async () => {
    ips = [];
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(
      /no network interface described "ELB app\/slipway-prod\/50dc6c495c0c9188"; check LOAD_BALANCER_FULL_NAME/,
    );
  });

  it('fails on an unexpected payload and lets a rollback through without a request', async () => {
    expect(await handler()({ Records: [] })).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(/no executionDetails object/);
    const blue = revisionArn('1920498462936580504');
    const rollback = hookEvent({
      stage: 'TEST_TRAFFIC_SHIFT',
      productionTrafficWeights: { [TARGET]: 0, [blue]: 100 },
    });
    expect(await handler()(rollback)).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(requests).toHaveLength(0);
  });

  it('stops retrying when the Lambda is about to time out', async () => {
    routes['/ready'] = (_req, res) => json(res, 503, {});
    const response = await handler({ retryDelayMs: 10_000 })(hookEvent(), {
      getRemainingTimeInMillis: () => 5_000,
    });
    expect(response.hookStatus).toBe('IN_PROGRESS');
    expect(lastLog().attempts).toBe(1);
  });
});

describe('smoke hook configuration', () => {
  it('requires the load balancer and the test port, by name', () => {
    let error: unknown;
    try {
      loadSmokeHookConfig({
        LOAD_BALANCER_FULL_NAME: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'LOAD_BALANCER_FULL_NAME: got "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/x/y"; expected "app/<name>/<16 hex>" (the LoadBalancerFullName attribute, not the ARN or DNS name)',
      'TEST_PORT: missing; set it to a whole number of port number between 1 and 65535',
    ]);
  });

  it('applies the documented defaults', () => {
    expect(
      loadSmokeHookConfig({ LOAD_BALANCER_FULL_NAME: 'app/my-alb/50dc6c495c0c9188', TEST_PORT: '8443' }),
    ).toEqual({
      loadBalancerFullName: 'app/my-alb/50dc6c495c0c9188',
      testPort: 8443,
      hostHeader: undefined,
      readyPath: '/ready',
      infoPath: '/info',
      containerName: 'app',
      commitEnvName: 'GIT_SHA',
      timeoutSeconds: 300,
      requestTimeoutMs: 3000,
      attempts: 3,
      retryDelayMs: 1000,
      callBackDelaySeconds: 15,
    });
  });
});
