/*
 * `--service` on status, logs, exec and rollback, against an in-memory AWS and a config with four
 * services (web, api on /api/*, worker mailer, job prune):
 *   - status covers every service: each web service's and the worker's ECS state, the job's
 *     schedule and last runs; --service narrows it to one; an unknown name → SW240 with the closest (exit 2)
 *   - logs interleaves every service's group by time with a service prefix; --service reads one
 *     group without a prefix; a service not deployed yet is skipped with a warning
 *   - exec needs --service with several long-running services (SW241 naming them, exit 2); a job → SW242;
 *     a named service opens the session into that service's task
 *   - rollback needs --service with several long-running services (SW241); a job → SW242; a named
 *     service gets the newest task definition revision that ran the target commit (ECS UpdateService,
 *     no CloudFormation deploy); no such revision → SW245; the shorthand config still rolls the
 *     environment back through the deploy path (online.test.ts)
 */
// cspell:ignore mailr
import type { SlipwayConfig } from '@slipway/config';
import { addImage, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { servicesConfig } from '../services/test/fixtures.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { execCommand } from './exec.ts';
import { logsCommand } from './logs.ts';
import { rollbackCommand } from './rollback.ts';
import { statusCommand } from './status.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await servicesConfig();
  // Same app and environment names, so the stack list status reads is the shipped one.
  synthesized = await shippedAssembly();
});

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

const P = '/slipway/dev';
const SM = 'arn:aws:states:us-east-1:111111111111:stateMachine:prune';

function ecsService(state: FakeState, name: string, taskDefinition: string, running = 1) {
  state.services.set(`slipway-dev/${name}`, {
    name,
    status: 'ACTIVE',
    desired: running,
    running,
    pending: 0,
    taskDefinition,
    deployments: [
      { id: `d-${name}`, status: 'PRIMARY', rolloutState: 'COMPLETED', desired: 1, running, pending: 0 },
    ],
    targetGroupArns: [],
    events: [],
  });
}

/** Every service deployed: the default web one under the single-service keys, the others under services/<name>/. */
function deployedState(): FakeState {
  const state = fakeState();
  state.parameters.set(`${P}/service/cluster-name`, 'slipway-dev');
  state.parameters.set(`${P}/service/service-name`, 'slipway-dev-web');
  state.parameters.set(`${P}/service/log-group-name`, '/slipway/dev/service');
  for (const name of ['api', 'mailer', 'prune']) {
    state.parameters.set(`${P}/services/${name}/log-group-name`, `/slipway/dev/services/${name}`);
    if (name !== 'prune') state.parameters.set(`${P}/services/${name}/service-name`, `slipway-dev-${name}`);
  }
  state.parameters.set(`${P}/jobs/prune/state-machine-arn`, SM);
  ecsService(state, 'slipway-dev-web', 'arn:aws:ecs:us-east-1:1:task-definition/web:3');
  ecsService(state, 'slipway-dev-api', 'arn:aws:ecs:us-east-1:1:task-definition/api:3');
  ecsService(state, 'slipway-dev-mailer', 'arn:aws:ecs:us-east-1:1:task-definition/mailer:3', 0);
  return state;
}

describe('slipway status --service', () => {
  it('covers every service: web and worker ECS state, the job schedule and its last runs', async () => {
    const state = deployedState();
    state.executions.set(SM, [
      {
        arn: `${SM}:r2`,
        name: 'r2',
        status: 'FAILED',
        startedAt: new Date('2026-12-03T03:00:00Z'),
        stoppedAt: new Date('2026-12-03T03:04:00Z'),
        phases: [],
        at: 0,
      },
    ]);
    const cap = captureIo();
    await statusCommand(config, 'dev', { json: true }, cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
    });
    const status = JSON.parse(cap.stdout());
    expect(status.services.map((s: { name: string; type: string }) => `${s.name}:${s.type}`)).toEqual([
      'web:web',
      'api:web',
      'mailer:worker',
      'prune:job',
    ]);
    expect(status.services[1].ecs).toMatchObject({ name: 'slipway-dev-api', running: 1 });
    expect(status.services[2].ecs).toMatchObject({ name: 'slipway-dev-mailer', running: 0 });
    expect(status.services[3]).toMatchObject({
      schedule: 'cron(0 3 * * ? *)',
      scheduleEnabled: true,
      runs: [{ name: 'r2', status: 'FAILED', stoppedAt: '2026-12-03T03:04:00.000Z' }],
    });
    // The default web service is still `service`, as before services existed.
    expect(status.service.name).toBe('slipway-dev-web');
  });

  it('shows one service with --service, and renders a job with its runs', async () => {
    const state = deployedState();
    const cap = captureIo();
    await statusCommand(config, 'dev', { service: 'prune' }, cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
    });
    expect(cap.stdout()).toContain('Job prune: schedule cron(0 3 * * ? *)');
    expect(cap.stdout()).toContain('no runs yet');
    expect(cap.stdout()).not.toContain('Service web');
    expect(state.calls.some((c) => c.includes('ecs.describeService'))).toBe(false);
  });

  it('names the closest service for an unknown one before any AWS call (SW240, exit 2)', async () => {
    const cap = captureIo();
    const state = deployedState();
    const e = await failure(
      statusCommand(config, 'dev', { service: 'mailr' }, cap.io, {
        factory: fakeAws(state),
        synth: () => synthesized,
      }),
    );
    expect(state.calls).toEqual([]);
    expect(e.code).toBe('SW240');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('did you mean "mailer"?');
    expect(e.next).toBe('slipway status dev --service mailer');
  });
});

describe('slipway logs --service', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');
  const at = (s: number) => new Date(now - s * 1000);
  const logsState = () => {
    const state = deployedState();
    state.logs.set('/slipway/dev/service', [
      { time: at(50), stream: 'app/app/w1', message: 'GET / 200' },
      { time: at(10), stream: 'app/app/w1', message: 'GET /health 200' },
    ]);
    state.logs.set('/slipway/dev/services/mailer', [
      { time: at(30), stream: 'app/app/m1', message: 'sent 3' },
    ]);
    return state;
  };
  const deps = (state: FakeState) => ({
    factory: fakeAws(state),
    now: () => now,
    sleep: async () => {},
    keepFollowing: () => false,
  });

  it('interleaves every service by time with a service prefix', async () => {
    const cap = captureIo();
    await logsCommand(config, 'dev', { since: '10m' }, cap.io, deps(logsState()));
    expect(cap.stdout().trim().split('\n')).toEqual([
      `web    | ${at(50).toISOString()} w1 GET / 200`,
      `mailer | ${at(30).toISOString()} m1 sent 3`,
      `web    | ${at(10).toISOString()} w1 GET /health 200`,
    ]);
  });

  it('reads one group without a prefix with --service', async () => {
    const state = logsState();
    const cap = captureIo();
    await logsCommand(config, 'dev', { since: '10m', service: 'mailer' }, cap.io, deps(state));
    expect(cap.stdout()).toBe(`${at(30).toISOString()} m1 sent 3\n`);
    expect(state.calls.filter((c) => c.startsWith('logs.events'))).toHaveLength(1);
  });

  it('skips a service that has no log group yet, with a warning', async () => {
    const state = logsState();
    state.parameters.delete(`${P}/services/api/log-group-name`);
    const cap = captureIo();
    await logsCommand(config, 'dev', { since: '10m' }, cap.io, deps(state));
    expect(cap.progressLog.join('\n')).toContain('No log group yet for api');
    expect(cap.stdout()).toContain('sent 3');
  });
});

describe('slipway exec --service', () => {
  const execDeps = (state: FakeState, ran: string[][]) => ({
    factory: fakeAws(state),
    pluginInstalled: () => true,
    runPlugin: async (a: string[]) => {
      ran.push(a);
      return 0;
    },
  });

  it('needs --service when several long-running services run, and names them (SW241, exit 2)', async () => {
    const e = await failure(
      execCommand(config, 'dev', { command: 'sh' }, captureIo().io, execDeps(deployedState(), [])),
    );
    expect(e.code).toBe('SW241');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('web (web), api (web), mailer (worker)');
    expect(e.next).toBe('slipway exec dev --service web');
  });

  it('refuses a job with the reason and the command that runs it (SW242)', async () => {
    const e = await failure(
      execCommand(
        config,
        'dev',
        { command: 'sh', service: 'prune' },
        captureIo().io,
        execDeps(deployedState(), []),
      ),
    );
    expect(e.code).toBe('SW242');
    expect(e.message).toContain('prune is a job');
    expect(e.next).toBe('slipway run dev prune');
  });

  it("opens the session in the named service's task", async () => {
    const state = deployedState();
    const ran: string[][] = [];
    await execCommand(config, 'dev', { command: 'sh', service: 'api' }, captureIo().io, execDeps(state, ran));
    expect(state.calls).toContain('ecs.runningTasks slipway-dev/slipway-dev-api @us-east-1');
    expect(ran).toHaveLength(1);
  });
});

describe('slipway rollback --service', () => {
  const IMAGE = '111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway';
  function rollbackSetup() {
    const state = deployedState();
    addImage(state, 'slipway', 'sha256:a', ['aaaaaaa', 'rollback-dev']);
    addImage(state, 'slipway', 'sha256:b', ['bbbbbbb', 'deployed-dev']);
    const td = (rev: number) => `arn:aws:ecs:us-east-1:1:task-definition/api:${rev}`;
    state.taskDefinitionRevisions.set('api', [td(3), td(2), td(1)]);
    state.taskImages.set(td(3), { app: `${IMAGE}:bbbbbbb` });
    state.taskImages.set(td(2), { app: `${IMAGE}:aaaaaaa` });
    state.taskImages.set(td(1), { app: `${IMAGE}:0000000` });
    const cap = captureIo();
    const rec = fakeDeployer();
    const deps = {
      factory: fakeAws(state),
      synth: () => synthesized,
      deployer: () => rec.deployer,
      io: cap.io,
    };
    return { state, cap, rec, deps };
  }

  it('needs --service when several long-running services run (SW241)', async () => {
    const { cap, rec, deps } = rollbackSetup();
    const e = await failure(rollbackCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW241');
    expect(rec.deployed).toEqual([]);
  });

  it('refuses a job before any AWS call: its schedule runs the release (SW242)', async () => {
    const { state, cap, deps } = rollbackSetup();
    const e = await failure(rollbackCommand(config, 'dev', { service: 'prune' }, cap.io, deps));
    expect(state.calls).toEqual([]);
    expect(e.code).toBe('SW242');
    expect(e.message).toContain('slipway deploy dev --image <sha>');
  });

  it('deploys the newest revision that ran the rollback commit to that service alone', async () => {
    const { state, cap, rec, deps } = rollbackSetup();
    await rollbackCommand(config, 'dev', { service: 'api' }, cap.io, deps);
    expect(state.calls).toContain(
      'ecs.updateService slipway-dev/slipway-dev-api arn:aws:ecs:us-east-1:1:task-definition/api:2 @us-east-1',
    );
    expect(state.calls.filter((c) => c.startsWith('ecs.updateService'))).toHaveLength(1);
    expect(rec.deployed).toEqual([]);
    expect(state.parameters.get(`${P}/release/image-tag`)).toBeUndefined();
    expect(cap.stdout()).toContain('api in dev is rolling back to aaaaaaa (api:2)');
  });

  it('fails with the commits it found when no revision ran the target (SW245)', async () => {
    const { cap, deps } = rollbackSetup();
    const e = await failure(rollbackCommand(config, 'dev', { service: 'api', to: 'ccccccc' }, cap.io, deps));
    expect(e.code).toBe('SW245');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('they ran bbbbbbb, aaaaaaa, 0000000');
    expect(e.next).toBe('slipway rollback dev --service api --to aaaaaaa');
  });
});
