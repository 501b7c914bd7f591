/*
 * The other online commands against an in-memory AWS:
 *   - rollback: the target is the commit tag of rollback-<env>; it goes through the deploy path
 *   - rollback without a target: lists the recent commit-tagged images and fails with SW214 (exit 1)
 *   - rollback --to <sha>: deploys that tag
 *   - status --json: stacks, release tag, tasks, image sha, target health, deployments in progress
 *   - logs: --since is parsed (bad value → SW203, exit 2); events since then are printed; --follow polls
 *   - exec: an unknown environment → SW201 before anything else; refuses without session-manager-plugin (SW217); no running task → SW216; otherwise runs the plugin
 *     with the session and the ecs:<cluster>_<task>_<runtime> target
 *   - doctor: local checks offline; account checks flag a missing service-linked role and a bootstrap gap
 */
import type { SlipwayConfig } from '@slipway/config';
import { addImage, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { shorthandConfig } from '@slipway/testing/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { doctorCommand, localChecks } from './doctor.ts';
import { execCommand } from './exec.ts';
import { logsCommand, parseDuration } from './logs.ts';
import { rollbackCommand } from './rollback.ts';
import { statusCommand } from './status.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  // The one-service form: these are the commands' single-service behaviours (several services: services.test.ts).
  config = await shorthandConfig();
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

function deployDeps(state: ReturnType<typeof fakeState>) {
  const cap = captureIo();
  const rec = fakeDeployer();
  return {
    cap,
    rec,
    deps: { factory: fakeAws(state), synth: () => synthesized, deployer: () => rec.deployer, io: cap.io },
  };
}

describe('slipway rollback', () => {
  it('redeploys the image rollback-<env> points at', async () => {
    const state = fakeState();
    addImage(state, 'slipway', 'sha256:a', ['aaaaaaa', 'rollback-dev']);
    addImage(state, 'slipway', 'sha256:b', ['bbbbbbb', 'deployed-dev']);
    const { cap, rec, deps } = deployDeps(state);
    await rollbackCommand(config, 'dev', {}, cap.io, deps);
    expect(state.parameters.get('/slipway/dev/release/image-tag')).toBe('aaaaaaa');
    expect(rec.deployed).toHaveLength(1);
    expect(cap.stdout()).toContain('Rolled dev back to aaaaaaa');
  });

  it('lists recent images and fails when there is no target', async () => {
    const state = fakeState();
    addImage(state, 'slipway', 'sha256:a', ['aaaaaaa'], new Date('2026-11-01T10:00:00Z'));
    addImage(state, 'slipway', 'sha256:b', ['bbbbbbb', 'deployed-dev'], new Date('2026-11-02T10:00:00Z'));
    const { cap, rec, deps } = deployDeps(state);
    const e = await failure(rollbackCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW214');
    expect(e.exitCode).toBe(1);
    expect(e.next).toBe('slipway rollback dev --to bbbbbbb');
    const listing = cap.stderr();
    expect(listing.indexOf('bbbbbbb')).toBeLessThan(listing.indexOf('aaaaaaa'));
    expect(rec.deployed).toEqual([]);
  });

  it('deploys the named sha with --to', async () => {
    const state = fakeState();
    addImage(state, 'slipway', 'sha256:a', ['aaaaaaa']);
    const { cap, deps } = deployDeps(state);
    await rollbackCommand(config, 'dev', { to: 'aaaaaaa' }, cap.io, deps);
    expect(state.parameters.get('/slipway/dev/release/image-tag')).toBe('aaaaaaa');
  });
});

describe('slipway status', () => {
  it('reports stacks, release, tasks, image, target health and rollouts as JSON', async () => {
    const state = fakeState();
    state.stacks.set('slipway-dev-network', { name: 'slipway-dev-network', status: 'UPDATE_COMPLETE' });
    state.parameters.set('/slipway/dev/release/image-tag', 'abc1234');
    state.parameters.set('/slipway/dev/service/cluster-name', 'c');
    state.parameters.set('/slipway/dev/service/service-name', 's');
    state.services.set('c/s', {
      name: 's',
      status: 'ACTIVE',
      desired: 1,
      running: 1,
      pending: 0,
      taskDefinition: 'arn:td/web:7',
      deployments: [
        { id: 'd1', status: 'PRIMARY', rolloutState: 'IN_PROGRESS', desired: 1, running: 1, pending: 0 },
      ],
      targetGroupArns: ['arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/1'],
      events: [{ time: new Date('2026-11-23T10:00:00Z'), message: 'has reached a steady state.' }],
    });
    state.taskImages.set('arn:td/web:7', {
      app: '111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway:abc1234',
    });
    state.targets.set('arn:aws:elasticloadbalancing:us-east-1:1:targetgroup/blue/1', [
      { id: '10.0.1.5', port: 3000, state: 'healthy' },
    ]);
    const cap = captureIo();
    await statusCommand(config, 'dev', { json: true }, cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
    });
    const status = JSON.parse(cap.stdout());
    expect(status.releaseTag).toBe('abc1234');
    expect(status.stacks).toContainEqual(
      expect.objectContaining({ name: 'slipway-dev-network', status: 'UPDATE_COMPLETE' }),
    );
    expect(status.stacks).toContainEqual({ name: 'slipway-dev-data', status: 'NOT_DEPLOYED' });
    expect(status.service).toMatchObject({
      running: 1,
      desired: 1,
      image: 'abc1234',
      deploymentsInProgress: 1,
    });
    expect(status.service.targets[0].targets[0].state).toBe('healthy');
  });
});

describe('slipway logs', () => {
  it('parses durations and refuses a bad one', async () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('ten minutes')).toBeUndefined();
    const cap = captureIo();
    const e = await failure(
      logsCommand(config, 'dev', { since: '10 minutes' }, cap.io, {
        factory: fakeAws(fakeState()),
        now: () => 0,
        sleep: async () => {},
        keepFollowing: () => false,
      }),
    );
    expect(e.code).toBe('SW203');
    expect(e.exitCode).toBe(2);
  });

  it('prints events since the given time and polls with --follow', async () => {
    const state = fakeState();
    const now = Date.parse('2026-11-23T12:00:00Z');
    state.parameters.set('/slipway/dev/service/log-group-name', '/slipway/dev/service');
    state.logs.set('/slipway/dev/service', [
      { time: new Date(now - 3_600_000), stream: 'app/app/old', message: 'too old' },
      { time: new Date(now - 60_000), stream: 'app/app/t1', message: 'listening on 3000' },
    ]);
    let polls = 0;
    const cap = captureIo();
    await logsCommand(config, 'dev', { since: '10m', follow: true }, cap.io, {
      factory: fakeAws(state),
      now: () => now,
      sleep: async () => {
        state.logs
          .get('/slipway/dev/service')
          ?.push({ time: new Date(now + 1_000), stream: 'app/app/t1', message: 'GET /health 200' });
      },
      keepFollowing: () => ++polls < 2,
    });
    const lines = cap.stdout().trim().split('\n');
    expect(lines).toEqual([
      `${new Date(now - 60_000).toISOString()} t1 listening on 3000`,
      `${new Date(now + 1_000).toISOString()} t1 GET /health 200`,
    ]);
  });
});

describe('slipway exec', () => {
  const execState = (running: number) => {
    const state = fakeState();
    state.parameters.set('/slipway/dev/service/cluster-name', 'slipway-dev');
    state.parameters.set('/slipway/dev/service/service-name', 'web');
    state.services.set('slipway-dev/web', {
      name: 'web',
      status: 'ACTIVE',
      desired: running,
      running,
      pending: 0,
      deployments: [],
      targetGroupArns: [],
      events: [],
    });
    return state;
  };

  it('refuses without session-manager-plugin', async () => {
    const cap = captureIo();
    const e = await failure(
      execCommand(config, 'dev', { command: '/bin/sh' }, cap.io, {
        factory: fakeAws(execState(1)),
        pluginInstalled: () => false,
        runPlugin: async () => 0,
      }),
    );
    expect(e.code).toBe('SW217');
  });

  it('names a mistyped environment before a missing plugin', async () => {
    const cap = captureIo();
    const e = await failure(
      execCommand(config, 'dve', { command: '/bin/sh' }, cap.io, {
        factory: fakeAws(execState(1)),
        pluginInstalled: () => false,
        runPlugin: async () => 0,
      }),
    );
    expect(e.code).toBe('SW201');
    expect(e.next).toBe('slipway exec dev');
  });

  it('refuses when no task runs', async () => {
    const cap = captureIo();
    const e = await failure(
      execCommand(config, 'dev', { command: '/bin/sh' }, cap.io, {
        factory: fakeAws(execState(0)),
        pluginInstalled: () => true,
        runPlugin: async () => 0,
      }),
    );
    expect(e.code).toBe('SW216');
  });

  it('hands the session to session-manager-plugin', async () => {
    const cap = captureIo();
    let args: string[] = [];
    await execCommand(config, 'dev', { command: 'node -v' }, cap.io, {
      factory: fakeAws(execState(1)),
      pluginInstalled: () => true,
      runPlugin: async (a) => {
        args = a;
        return 0;
      },
    });
    expect(JSON.parse(args[0] ?? '{}')).toEqual({
      SessionId: 's-1',
      StreamUrl: 'wss://example',
      TokenValue: 'token',
    });
    expect(args[1]).toBe('us-east-1');
    expect(args[2]).toBe('StartSession');
    expect(JSON.parse(args[4] ?? '{}')).toEqual({ Target: 'ecs:slipway-dev_task0_runtime' });
  });
});

describe('slipway doctor', () => {
  it('refuses a Node.js older than 24 and accepts 24', () => {
    const check = (nodeVersion: string) =>
      localChecks({ nodeVersion, sessionManagerPlugin: () => true }).find((c) => c.name === 'Node.js');
    expect(check('20.20.2')).toMatchObject({
      result: 'fail',
      fix: expect.stringContaining('nvm install 24'),
    });
    expect(check('24.22.3')?.result).toBe('ok');
  });

  it('checks Node.js and the Session Manager plugin offline', () => {
    const checks = localChecks({ nodeVersion: '18.19.0', sessionManagerPlugin: () => false });
    expect(checks.find((c) => c.name === 'Node.js')?.result).toBe('fail');
    expect(checks.find((c) => c.name === 'session-manager-plugin')?.result).toBe('warn');
  });

  it('flags a missing bootstrap as a failure and a missing service-linked role as a warning', async () => {
    const cap = captureIo();
    const e = await failure(
      doctorCommand(config, 'dev', cap.io, {
        factory: fakeAws(fakeState()),
        synth: () => synthesized,
        nodeVersion: '24.22.3',
        sessionManagerPlugin: () => true,
        devTools: {
          run: () => 'version: 0.9.0',
          onPath: (command) => `/usr/bin/${command}`,
          cfnLint: () => 'cfn-lint 1.51.0',
          postgres: async () => undefined,
          testDatabaseUrl: undefined,
        },
      }),
    );
    expect(e.code).toBe('SW218');
    expect(e.message).toContain('CDK bootstrap');
    const out = cap.stdout();
    expect(out).toContain('✗ CDK bootstrap: not bootstrapped in account 111111111111 (us-east-1)');
    expect(out).toContain('! service-linked role AWSServiceRoleForECS');
    expect(out).toContain('✓ Elastic IP quota: 4 of 5 allocated; dev plans 0');
    expect(out).toContain('✓ Fargate Spot');
  });

  it("checks us-east-1's bootstrap too for an environment with an edge stack there (prod's web ACL)", async () => {
    const state = fakeState('333333333333');
    state.parameters.set('/cdk-bootstrap/hnb659fds/version', '33');
    const cap = captureIo();
    await doctorCommand(config, 'prod', cap.io, {
      factory: fakeAws(state),
      synth: () => synthesized,
      nodeVersion: '24.22.3',
      sessionManagerPlugin: () => true,
      devTools: {
        run: () => 'version: 0.9.0',
        onPath: (command) => `/usr/bin/${command}`,
        cfnLint: () => 'cfn-lint 1.51.0',
        postgres: async () => undefined,
        testDatabaseUrl: undefined,
      },
    }).catch(() => undefined);
    expect(state.calls).toContain('ssm.get /cdk-bootstrap/hnb659fds/version @us-east-1');
    expect(cap.stdout()).toContain('✓ CDK bootstrap (edge): version 33 in account 333333333333 (us-east-1)');
  });
});
