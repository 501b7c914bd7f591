/*
 * Regional images at deploy time (`registry.replication`, on by default in the shipped config:
 * staging in 222222222222/af-south-1 pulls from its own copy of the registry's images):
 *   - `replicaOf`: staging and prod are replicas, dev (with the registry) and anything without
 *     replication are not
 *   - `awaitReplicas`: waits until the tag reaches the copy (a repository ECR has not created yet
 *     counts as missing), gives up after the attempts and names what is missing; other errors throw
 *   - `slipway deploy staging --image`: the tag is checked in the registry, then awaited in
 *     staging's own region before the release parameter moves; the release tags move in the
 *     registry only (ECR copies the tag moves)
 *   - never replicated → SW253, nothing written or deployed
 *   - `replication: false` → no lookup in staging's region
 */
import type { SlipwayConfig } from '@slipway/config';
import { resolveRegistry } from '@slipway/config';
import { addImage, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsFactory, EcrApi, ImageDetail } from '../aws/api.ts';
import { deployCommand } from '../commands/deploy.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import type { DeployDeps } from './deploy.ts';
import { awaitReplicas, replicaOf } from './release.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

/** An ECR with `repository:tag` arriving after `after` lookups; `slipway-gone` does not exist. */
function arrivingEcr(after: number): { ecr: EcrApi; lookups: () => number } {
  let lookups = 0;
  const ecr = {
    async describeImages(repository: string, tags?: string[]): Promise<ImageDetail[]> {
      lookups += 1;
      if (repository === 'slipway-gone') {
        throw Object.assign(new Error('repository does not exist'), { name: 'RepositoryNotFoundException' });
      }
      if (repository === 'slipway-broken')
        throw Object.assign(new Error('boom'), { name: 'ServerException' });
      return lookups > after ? [{ digest: 'sha256:new', tags: tags ?? [], pushedAt: new Date() }] : [];
    },
  } as unknown as EcrApi;
  return { ecr, lookups: () => lookups };
}

const web = [{ name: 'slipway', owner: 'web' }];

describe('replicas of the registry', () => {
  it('makes staging and prod pull from their own copy, dev from the registry', () => {
    const registry = resolveRegistry(config);
    expect(registry.replication).toBe(true);
    expect(registry.replicas.map((r) => [r.account, r.region, r.environments])).toEqual([
      ['222222222222', 'af-south-1', ['staging']],
      ['333333333333', 'af-south-1', ['prod']],
    ]);
    const envs = config.environments;
    expect(replicaOf(registry, envs.dev as never)).toBeUndefined();
    expect(replicaOf(registry, envs.staging as never)).toEqual({
      account: '222222222222',
      region: 'af-south-1',
    });
    expect(replicaOf({ ...registry, replication: false }, envs.staging as never)).toBeUndefined();
  });

  it('waits until the tag reaches the copy', async () => {
    const { ecr, lookups } = arrivingEcr(2);
    const slept: number[] = [];
    const missing = await awaitReplicas(ecr, web, 'abc1234', {
      intervalMs: 5,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(missing).toEqual([]);
    expect(lookups()).toBe(3);
    expect(slept).toEqual([5, 5]);
  });

  it('counts a repository ECR has not created yet as missing, and gives up after the attempts', async () => {
    const { ecr, lookups } = arrivingEcr(0);
    const repositories = [{ name: 'slipway-gone', owner: 'admin' }, ...web];
    const missing = await awaitReplicas(ecr, repositories, 'abc1234', { attempts: 3, sleep: async () => {} });
    expect(missing).toEqual([{ name: 'slipway-gone', owner: 'admin' }]);
    // The first check asks both; the later ones ask only what is still missing.
    expect(lookups()).toBe(4);
  });

  it('throws any other error', async () => {
    const { ecr } = arrivingEcr(0);
    await expect(
      awaitReplicas(ecr, [{ name: 'slipway-broken', owner: 'web' }], 'abc1234', { sleep: async () => {} }),
    ).rejects.toThrow('boom');
  });
});

describe('slipway deploy staging --image with replicated images', () => {
  let registry: FakeState;
  let staging: FakeState;
  beforeEach(() => {
    registry = fakeState('111111111111');
    staging = fakeState('222222222222');
    addImage(registry, 'slipway', 'sha256:old', ['1111111', 'deployed-staging']);
    addImage(registry, 'slipway', 'sha256:new', ['2222222']);
    staging.parameters.set('/slipway/staging/release/image-tag', '1111111');
  });

  function setup(sleep: DeployDeps['sleep'] = async () => {}) {
    const cap = captureIo();
    const rec = fakeDeployer({});
    // The registry's region answers from the registry's state, staging's from staging's.
    const factory: AwsFactory = (region, credentials) =>
      region === 'af-south-1'
        ? fakeAws(staging)(region, credentials)
        : fakeAws(registry)(region, credentials);
    const deps: DeployDeps = {
      factory,
      synth: () => synthesized,
      deployer: () => rec.deployer,
      io: cap.io,
      sleep,
    };
    return { cap, rec, deps };
  }

  it("checks the registry, waits for staging's copy, then releases", async () => {
    let waits = 0;
    const { cap, rec, deps } = setup(async () => {
      waits += 1;
      if (waits === 2) addImage(staging, 'slipway', 'sha256:new', ['2222222']);
    });

    await deployCommand(config, 'staging', { image: '2222222' }, cap.io, deps);

    expect(waits).toBe(2);
    expect(staging.calls.filter((c) => c.startsWith('ecr.describeImages slipway'))).toHaveLength(3);
    expect(staging.parameters.get('/slipway/staging/release/image-tag')).toBe('2222222');
    expect(rec.deployed).toHaveLength(1);
    // The release tags move in the registry; ECR copies the moves to the replicas.
    expect(registry.images.get('slipway')?.find((i) => i.digest === 'sha256:new')?.tags).toContain(
      'deployed-staging',
    );
    expect(staging.calls.some((c) => c.startsWith('ecr.putTag'))).toBe(false);
  });

  it('refuses with SW253 when the image never reaches the copy, writing and deploying nothing', async () => {
    const { cap, rec, deps } = setup();
    const e = await deployCommand(config, 'staging', { image: '2222222' }, cap.io, deps).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).code).toBe('SW253');
    expect((e as CliError).message).toContain(
      'slipway:2222222 is in the registry (account 111111111111, us-east-1)',
    );
    expect((e as CliError).next).toContain('slipway deploy staging --image 2222222');
    expect(staging.parameters.get('/slipway/staging/release/image-tag')).toBe('1111111');
    expect(rec.deployed).toEqual([]);
  });

  it("looks nothing up in staging's region with replication: false", async () => {
    const off = await configVariant((c) => {
      c.registry = { ...c.registry, replication: false };
    });
    const { cap, deps } = setup();
    await deployCommand(off, 'staging', { image: '2222222' }, cap.io, deps);
    expect(staging.calls.filter((c) => c.startsWith('ecr.'))).toEqual([]);
    expect(staging.parameters.get('/slipway/staging/release/image-tag')).toBe('2222222');
  });
});
