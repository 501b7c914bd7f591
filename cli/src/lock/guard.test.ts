/*
 * The lock and the audit records around the commands, with the in-memory AWS and a recording
 * deployer (as deploy.test.ts):
 *   - deploy holds the lock while CloudFormation runs and releases it after; the audit log gets
 *     `started` then `succeeded` with who (ARN, GitHub actor and run URL), image, digest, strategy
 *   - a deploy that fails (SW211) still releases the lock; its final record is `failed` with the error
 *   - a held lock refuses the deploy with SW261 (exit 4) before anything is synthesized or deployed
 *   - SIGINT during the deploy: the record says `interrupted`, the lock is released, the process
 *     exits 130; destroy and a one-service rollback take and release the lock as well
 *   - `history` prints the releases newest first, and the lock holder; `--json` the same as data
 */
import { EventEmitter } from 'node:events';
import type { SlipwayConfig } from '@slipway/config';
import { addImage, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AuditRecord } from '../audit/records.ts';
import type { Deployer } from '../aws/toolkit.ts';
import { deployCommand } from '../commands/deploy.ts';
import { destroyCommand } from '../commands/destroy.ts';
import { historyCommand } from '../commands/history.ts';
import type { DeployDeps } from '../deploy/deploy.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';

const LOCK = '/slipway/dev/deploy-lock';
const AUDIT = '/slipway/dev/releases';
const CI = {
  GITHUB_ACTIONS: 'true',
  GITHUB_ACTOR: 'alice',
  GITHUB_SHA: 'c0ffee1',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_RUN_ID: '42',
};

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

let state: FakeState;
beforeEach(() => {
  state = fakeState('111111111111');
  state.parameters.set('/slipway/dev/service/url', 'https://dev.example');
});

const records = (): AuditRecord[] => (state.logs.get(AUDIT) ?? []).map((e) => JSON.parse(e.message));

function setup(deployer: Deployer, extra: Partial<DeployDeps['guard']> = {}) {
  const cap = captureIo();
  const exits: number[] = [];
  const signals = new EventEmitter();
  const deps: DeployDeps = {
    factory: fakeAws(state),
    synth: () => synthesized,
    deployer: () => deployer,
    io: cap.io,
    guard: { environ: CI, signals, exit: (code) => exits.push(code), ...extra },
  };
  return { cap, deps, exits, signals };
}

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('the release lock around the commands', () => {
  it('deploy holds the lock while deploying, releases it, and records the release', async () => {
    addImage(state, 'slipway', 'sha256:abcdef0123456789', ['2222222']);
    let heldWhileDeploying: string | undefined;
    const deployer: Deployer = {
      async deploy() {
        heldWhileDeploying = state.parameters.get(LOCK);
      },
      async destroy() {},
    };
    const { cap, deps, signals } = setup(deployer);
    expect(await deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps)).toBe(0);
    expect(JSON.parse(heldWhileDeploying ?? '{}')).toMatchObject({
      command: 'deploy',
      image: '2222222',
      commit: 'c0ffee1',
      by: { arn: 'arn:aws:sts::111111111111:assumed-role/deployer/test', actor: 'alice' },
    });
    expect(state.parameters.has(LOCK)).toBe(false);
    const [started, ended] = records();
    expect(started).toMatchObject({ result: 'started', command: 'deploy', image: '2222222' });
    expect(ended).toMatchObject({
      id: started?.id,
      result: 'succeeded',
      environment: 'dev',
      strategy: 'rolling',
      digests: ['slipway@sha256:abcdef0123456789'],
      by: { actor: 'alice', runUrl: 'https://github.com/acme/shop/actions/runs/42' },
    });
    expect(ended?.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(signals.listenerCount('SIGINT')).toBe(0);
  });

  it('releases the lock when the deploy fails, and records the failure', async () => {
    const { cap, deps } = setup(fakeDeployer({ fail: 'slipway-dev-service failed' }).deployer);
    const e = await failure(deployCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW211');
    expect(state.parameters.has(LOCK)).toBe(false);
    expect(records().map((r) => r.result)).toEqual(['started', 'failed']);
    expect(records()[1]?.error).toMatch(/^SW211: deploy of dev failed/);
  });

  it('refuses a deploy while another holds the lock, before synthesizing anything', async () => {
    const held = {
      id: 'aaaaaaaaaaaa',
      by: { arn: 'arn:aws:iam::111111111111:user/bob' },
      command: 'rollback',
      since: new Date().toISOString(),
    };
    state.parameters.set(LOCK, JSON.stringify(held));
    const rec = fakeDeployer();
    const { cap, deps } = setup(rec.deployer);
    const e = await failure(
      deployCommand(
        config,
        'dev',
        {},
        { ...cap.io },
        {
          ...deps,
          synth: () => {
            throw new Error('synthesized');
          },
        },
      ),
    );
    expect(e.code).toBe('SW261');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('dev is locked by a rollback by arn:aws:iam::111111111111:user/bob since');
    expect(e.next).toContain('slipway deploy dev --force-unlock aaaaaaaaaaaa');
    expect(rec.deployed).toEqual([]);
    expect(JSON.parse(state.parameters.get(LOCK) ?? '{}').id).toBe('aaaaaaaaaaaa');
    expect(records()).toEqual([]);
  });

  it('on SIGINT records the deploy as interrupted, releases the lock and exits 130', async () => {
    let signalled: () => void = () => {};
    const deployer: Deployer = {
      // CloudFormation keeps going until the user presses Ctrl-C.
      deploy: () =>
        new Promise<void>((resolve) => {
          signalled = resolve;
        }),
      async destroy() {},
    };
    const { cap, deps, exits, signals } = setup(deployer);
    const running = deployCommand(config, 'dev', {}, cap.io, deps);
    await expect.poll(() => signals.listenerCount('SIGINT')).toBe(1);
    await expect.poll(() => state.parameters.has(LOCK) && records().length === 1).toBe(true);
    signals.emit('SIGINT');
    await expect.poll(() => exits).toEqual([130]);
    expect(state.parameters.has(LOCK)).toBe(false);
    expect(records().map((r) => r.result)).toEqual(['started', 'interrupted']);
    expect(cap.stderr()).toContain('SIGINT: releasing the lock of dev before exiting');
    signalled();
    await running;
    expect(records()).toHaveLength(2);
  });

  it('destroy takes and releases the lock and records the destroy, also when it fails', async () => {
    const { cap, deps } = setup(fakeDeployer({ fail: 'DELETE_FAILED' }).deployer);
    const e = await failure(destroyCommand(config, 'dev', { yes: true }, cap.io, deps));
    expect(e.code).toBe('SW211');
    expect(state.parameters.has(LOCK)).toBe(false);
    expect(records().map((r) => [r.command, r.result])).toEqual([
      ['destroy', 'started'],
      ['destroy', 'failed'],
    ]);
  });

  it('history lists the releases newest first, and the lock holder', async () => {
    const { cap, deps } = setup(fakeDeployer().deployer);
    await deployCommand(config, 'dev', {}, cap.io, deps);
    await failure(destroyCommand(config, 'dev', {}, cap.io, deps));
    await destroyCommand(config, 'dev', { yes: true }, cap.io, deps);
    state.parameters.set(
      LOCK,
      JSON.stringify({
        id: 'bbbbbbbbbbbb',
        by: { arn: 'arn:x' },
        command: 'deploy',
        since: '2026-12-04T10:00:00.000Z',
      }),
    );
    const out = captureIo();
    expect(await historyCommand(config, 'dev', {}, out.io, fakeAws(state))).toBe(0);
    const lines = out.stdout().split('\n');
    expect(lines[0]).toContain(
      'Locked now: lock bbbbbbbbbbbb, a deploy by arn:x since 2026-12-04T10:00:00.000Z',
    );
    const rows = lines.filter((l) => /^\d{4}-/.test(l));
    expect(rows.map((l) => l.split(/\s{2,}/)[1])).toEqual(['destroy', 'deploy']);
    expect(rows[0]).toContain('succeeded');
    expect(rows[0]).toContain('alice');

    const json = captureIo();
    await historyCommand(config, 'dev', { json: true, limit: 1 }, json.io, fakeAws(state));
    const data = JSON.parse(json.stdout());
    expect(data.lock.id).toBe('bbbbbbbbbbbb');
    expect(data.releases.map((r: AuditRecord) => r.command)).toEqual(['destroy']);
  });
});
