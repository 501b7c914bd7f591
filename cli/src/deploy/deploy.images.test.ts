/*
 * `slipway deploy --image` for an app with two built images (`web` → repository `slipway`,
 * `admin` → `slipway-admin`; `nightly` runs admin's image and `api` pulls by URI):
 *   - the tag is looked up in both repositories; present in both: the release parameter is written
 *     once, the stacks are deployed, and deployed-<env>/rollback-<env> move in each repository
 *   - missing from one → SW210 naming that image and its service, nothing written or deployed
 *   - missing from both → SW210 naming both images
 *   - no lookup in a repository for `nightly` (it shares admin's) or `api` (a URI)
 */
import type { SlipwayConfig, SlipwayConfigInput } from '@slipway/config';
import { addImage, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { configVariant } from '@slipway/testing/synth';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deployCommand } from '../commands/deploy.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import type { DeployDeps } from './deploy.ts';

function twoImages(c: SlipwayConfigInput) {
  const { name, database } = c.app;
  c.app = { name, database };
  c.services = {
    web: { type: 'web', image: { build: { context: '.', dockerfile: 'app/Dockerfile' } }, database: true },
    admin: {
      type: 'web',
      image: { build: { context: 'admin', dockerfile: 'admin/Dockerfile' } },
      route: { paths: ['/admin/*'] },
    },
    nightly: {
      type: 'job',
      image: { from: 'admin' },
      command: ['node', 'prune.js'],
      schedule: 'rate(1 day)',
    },
    api: { type: 'backend', image: { uri: 'public.ecr.aws/example/api:1.4.2' } },
  };
}

let config: SlipwayConfig;
// The stacks do not matter here (the deployer only records them): the shipped assembly stands in.
let synthesized: Synthesized;
beforeAll(async () => {
  config = await configVariant(twoImages);
  synthesized = await shippedAssembly();
});

let state: FakeState;
beforeEach(() => {
  state = fakeState('111111111111');
  state.parameters.set('/slipway/dev/service/url', 'http://slipway-dev.example');
  state.parameters.set('/slipway/dev/release/image-tag', '1111111');
});

function setup() {
  const cap = captureIo();
  const rec = fakeDeployer({});
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

const tagsOf = (repository: string, digest: string) =>
  state.images.get(repository)?.find((i) => i.digest === digest)?.tags;

describe('slipway deploy --image with two built images', () => {
  it('releases the tag in both repositories and moves the release tags in each', async () => {
    addImage(state, 'slipway', 'sha256:web-old', ['1111111', 'deployed-dev']);
    addImage(state, 'slipway', 'sha256:web-new', ['2222222']);
    addImage(state, 'slipway-admin', 'sha256:admin-old', ['1111111', 'deployed-dev']);
    addImage(state, 'slipway-admin', 'sha256:admin-new', ['2222222']);
    const { cap, rec, deps } = setup();

    await deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps);

    expect(state.parameters.get('/slipway/dev/release/image-tag')).toBe('2222222');
    expect(rec.deployed).toHaveLength(1);
    expect(tagsOf('slipway', 'sha256:web-new')).toEqual(['2222222', 'deployed-dev']);
    expect(tagsOf('slipway', 'sha256:web-old')).toEqual(['1111111', 'rollback-dev']);
    expect(tagsOf('slipway-admin', 'sha256:admin-new')).toEqual(['2222222', 'deployed-dev']);
    expect(tagsOf('slipway-admin', 'sha256:admin-old')).toEqual(['1111111', 'rollback-dev']);
    expect(cap.stderr()).not.toContain('SW219');
  });

  it('refuses a tag one repository lacks, naming that image and its service', async () => {
    addImage(state, 'slipway', 'sha256:web-new', ['2222222']);
    const { cap, rec, deps } = setup();

    const e = await failure(deployCommand(config, 'dev', { image: '2222222' }, cap.io, deps));

    expect(e.code).toBe('SW210');
    expect(e.message).toContain('image slipway-admin:2222222 (service admin) not in the registry');
    expect(e.message).not.toContain('slipway:2222222');
    expect(e.next).toContain('slipway deploy dev --image 2222222');
    expect(rec.deployed).toEqual([]);
    expect(state.calls.some((c) => c.startsWith('ssm.put'))).toBe(false);
  });

  it('names every missing image when both lack the tag', async () => {
    const { cap, deps } = setup();
    const e = await failure(deployCommand(config, 'dev', { image: 'deadbee' }, cap.io, deps));
    expect(e.message).toContain('images slipway:deadbee, slipway-admin:deadbee (service web, service admin)');
  });

  it('looks the tag up in the two built repositories only', async () => {
    const { cap, deps } = setup();
    await failure(deployCommand(config, 'dev', { image: 'deadbee' }, cap.io, deps));
    const looked = state.calls.filter((c) => c.startsWith('ecr.describeImages'));
    expect(looked.map((c) => c.split(' ')[1]).sort()).toEqual(['slipway', 'slipway-admin']);
  });
});
