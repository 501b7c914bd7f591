/*
 * `slipway deploy` / the shared deploy path, against an in-memory AWS and a recording deployer:
 *   - infra-only deploy: stacks in dependency order (network → data → service → observability, account
 *     stacks by their dependencies), release parameter untouched, URL printed
 *   - --image: the tag is checked in the registry, the release parameter is written, the stacks are
 *     deployed, then rollback-<env> moves to the old deployed-<env> image and deployed-<env> to the new one
 *   - --image with a tag missing from the registry → SW210, nothing written, nothing deployed
 *   - a failed deploy → SW211 and the release parameter is restored to its previous value
 *   - a stack *_IN_PROGRESS or an ECS rollout IN_PROGRESS → SW208 (exit 4), nothing deployed
 *   - the production listener rule would change → SW209 (exit 4); --allow-traffic-reset deploys anyway
 *   - registry writes denied → the deploy still succeeds, one SW219 warning line
 *   - no credentials → SW206 (exit 3); credentials of another account → SW207 (exit 3)
 */
import type { SlipwayConfig } from '@slipway/config';
import { addImage, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployCommand } from '../commands/deploy.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { type Synthesized, stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import type { DeployDeps } from './deploy.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

let state: FakeState;
beforeEach(() => {
  state = fakeState('111111111111');
  state.parameters.set('/slipway/dev/service/url', 'http://slipway-dev.example');
});

function setup(options: { fail?: string } = {}) {
  const cap = captureIo();
  const rec = fakeDeployer(options);
  const deps: DeployDeps = {
    factory: fakeAws(state),
    synth: () => synthesized,
    deployer: () => rec.deployer,
    io: cap.io,
  };
  return { cap, rec, deps };
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

const devStackPaths = () => stacksOf(synthesized, 'dev').map((s) => s.constructPath);

describe('slipway deploy', () => {
  it('deploys the stacks in dependency order and keeps the release parameter without --image', async () => {
    state.parameters.set('/slipway/dev/release/image-tag', 'abc1234');
    const { cap, rec, deps } = setup();
    await deployCommand(config, 'dev', {}, cap.io, deps);
    const order = rec.deployed[0] ?? [];
    const env = devStackPaths();
    expect(env.every((p) => order.includes(p))).toBe(true);
    expect(order.indexOf('slipway-dev-network')).toBeLessThan(order.indexOf('slipway-dev-data'));
    expect(order.indexOf('slipway-dev-data')).toBeLessThan(order.indexOf('slipway-dev-service'));
    expect(order.indexOf('slipway-dev-service')).toBeLessThan(order.indexOf('slipway-dev-observability'));
    for (const s of synthesized.stacks.filter((x) => order.includes(x.constructPath))) {
      for (const dep of s.dependencies) {
        const depPath = synthesized.stacks.find((x) => x.stackName === dep)?.constructPath ?? '';
        if (order.includes(depPath))
          expect(order.indexOf(depPath), `${dep} before ${s.stackName}`).toBeLessThan(
            order.indexOf(s.constructPath),
          );
      }
    }
    expect(state.calls.some((c) => c.startsWith('ssm.put'))).toBe(false);
    expect(cap.stdout()).toContain('URL: http://slipway-dev.example');
  });

  it('releases an image: checks it, writes the parameter, deploys, and moves the registry tags', async () => {
    addImage(state, 'slipway', 'sha256:old', ['1111111', 'deployed-dev']);
    addImage(state, 'slipway', 'sha256:new', ['2222222']);
    state.parameters.set('/slipway/dev/release/image-tag', '1111111');
    const { cap, rec, deps } = setup();
    await deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps);
    expect(state.parameters.get('/slipway/dev/release/image-tag')).toBe('2222222');
    expect(rec.deployed).toHaveLength(1);
    const images = state.images.get('slipway') ?? [];
    expect(images.find((i) => i.digest === 'sha256:new')?.tags).toEqual(['2222222', 'deployed-dev']);
    expect(images.find((i) => i.digest === 'sha256:old')?.tags).toEqual(['1111111', 'rollback-dev']);
    const putIndex = state.calls.findIndex((c) =>
      c.startsWith('ssm.put /slipway/dev/release/image-tag=2222222'),
    );
    const tagIndex = state.calls.findIndex((c) => c.startsWith('ecr.putTag'));
    expect(putIndex).toBeGreaterThan(-1);
    expect(tagIndex).toBeGreaterThan(putIndex);
  });

  it('refuses an image that is not in the registry, before writing or deploying anything', async () => {
    const { cap, rec, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', { image: 'deadbee' }, cap.io, deps));
    expect(e.code).toBe('SW210');
    expect(e.next).toContain('slipway deploy dev --image deadbee');
    expect(rec.deployed).toEqual([]);
    expect(state.calls.some((c) => c.startsWith('ssm.put'))).toBe(false);
  });

  it('restores the release parameter when the deploy fails', async () => {
    addImage(state, 'slipway', 'sha256:new', ['2222222']);
    state.parameters.set('/slipway/dev/release/image-tag', '1111111');
    const { cap, deps } = setup({ fail: 'slipway-dev-service failed: UPDATE_ROLLBACK_COMPLETE' });
    const e = await failure(deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps));
    expect(e.code).toBe('SW211');
    expect(e.message).toContain('restored to 1111111');
    expect(state.parameters.get('/slipway/dev/release/image-tag')).toBe('1111111');
    expect(state.calls.filter((c) => c.startsWith('ecr.putTag'))).toEqual([]);
  });

  it('refuses while a stack is being updated', async () => {
    state.stacks.set('slipway-dev-data', { name: 'slipway-dev-data', status: 'UPDATE_IN_PROGRESS' });
    const { cap, rec, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW208');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain('stack slipway-dev-data is UPDATE_IN_PROGRESS');
    expect(rec.deployed).toEqual([]);
  });

  it('refuses while an ECS rollout is in progress', async () => {
    state.parameters.set('/slipway/dev/service/cluster-name', 'c');
    state.parameters.set('/slipway/dev/service/service-name', 's');
    state.services.set('c/s', {
      name: 's',
      status: 'ACTIVE',
      desired: 1,
      running: 1,
      pending: 1,
      deployments: [
        {
          id: 'ecs-svc/9',
          status: 'PRIMARY',
          rolloutState: 'IN_PROGRESS',
          desired: 1,
          running: 0,
          pending: 1,
        },
      ],
      targetGroupArns: [],
      events: [],
    });
    const { cap, rec, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW208');
    expect(e.message).toContain('deployment ecs-svc/9 in progress');
    expect(rec.deployed).toEqual([]);
  });

  it('refuses when the production listener rule would change, unless --allow-traffic-reset', async () => {
    const service = stacksOf(synthesized, 'dev').find((s) => s.stackName === 'slipway-dev-service');
    const deployed = structuredClone(service?.template) as Template;
    const ruleId =
      Object.keys(deployed.Resources ?? {}).find((id) => id.startsWith('WebProductionRule')) ?? '';
    (deployed.Resources?.[ruleId]?.Properties as Record<string, unknown>).Priority = 999;
    state.stacks.set('slipway-dev-service', {
      name: 'slipway-dev-service',
      status: 'UPDATE_COMPLETE',
      template: deployed,
    });
    const first = setup();
    const e = await failure(deployCommand(config, 'dev', {}, first.cap.io, first.deps));
    expect(e.code).toBe('SW209');
    expect(e.message).toContain(ruleId);
    expect(e.message).toContain('aws/aws-cdk#36649');
    expect(e.next).toContain('--allow-traffic-reset');
    expect(first.rec.deployed).toEqual([]);

    const second = setup();
    await deployCommand(config, 'dev', { allowTrafficReset: true }, second.cap.io, second.deps);
    expect(second.rec.deployed).toHaveLength(1);
  });

  it('warns in one line and succeeds when the registry record cannot be written', async () => {
    addImage(state, 'slipway', 'sha256:new', ['2222222']);
    state.ecrWriteDenied = true;
    const { cap, rec, deps } = setup();
    await deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps);
    expect(rec.deployed).toHaveLength(1);
    const warnings = cap
      .stderr()
      .split('\n')
      .filter((l) => l.includes('SW219'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning SW219: the deploy succeeded/);
  });

  it('says which access is missing when there are no credentials', async () => {
    state.identity = 'no-credentials';
    const { cap, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW206');
    expect(e.exitCode).toBe(3);
    expect(e.message).toContain(
      '`slipway deploy dev` needs AWS credentials for account 111111111111 (us-east-1)',
    );
  });

  it('refuses credentials of another account', async () => {
    state.identity = { account: '999999999999', arn: 'arn:aws:sts::999999999999:assumed-role/x/y' };
    const { cap, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW207');
    expect(e.message).toContain('dev lives in account 111111111111');
  });
});
