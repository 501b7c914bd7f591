/*
 * `slipway destroy` guards, all before any AWS call (the AWS factory throws if touched):
 *   - a protected environment (prod) without --allow-protected → SW212, exit 4
 *   - a non-interactive run without --yes → SW213, exit 4, after listing what is kept
 *   - a wrong typed-back name → SW213, nothing deleted
 *   - the retained list comes from the templates: RDS final snapshot in prod, log groups, EFS in protected envs
 * And with an in-memory AWS:
 *   - --yes deletes the environment's stacks (not the shared account stacks)
 *   - the typed-back name confirms interactively
 */
import type { SlipwayConfig } from '@slipway/config';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { type Synthesized, stacksOf } from '../synth/synthesize.ts';
import { fakeAws, fakeState, noAws } from '../testing/fake-aws.ts';
import { fakeDeployer } from '../testing/fake-deployer.ts';
import { shippedAssembly, shippedConfig } from '../testing/fixtures.ts';
import { destroyCommand, retainedResources } from './destroy.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;
beforeAll(async () => {
  config = await shippedConfig();
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

const offline = (answers: string[] = [], interactive = false) => {
  const cap = captureIo(answers, interactive);
  const rec = fakeDeployer();
  return {
    cap,
    rec,
    deps: { factory: noAws, synth: () => synthesized, deployer: () => rec.deployer, io: cap.io },
  };
};

describe('slipway destroy guards (no AWS call)', () => {
  it('refuses a protected environment without --allow-protected', async () => {
    const { cap, rec, deps } = offline();
    const e = await failure(destroyCommand(config, 'prod', { yes: true }, cap.io, deps));
    expect(e.code).toBe('SW212');
    expect(e.exitCode).toBe(4);
    expect(e.next).toBe('slipway destroy prod --allow-protected');
    expect(rec.destroyed).toEqual([]);
  });

  it('refuses a non-interactive run without --yes, after listing what is kept', async () => {
    const { cap, rec, deps } = offline();
    const e = await failure(destroyCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW213');
    expect(e.next).toBe('slipway destroy dev --yes');
    expect(cap.stderr()).toContain('Kept after destroy');
    expect(cap.stderr()).toContain('the image registry slipway');
    expect(rec.destroyed).toEqual([]);
  });

  it('refuses when the typed-back name does not match', async () => {
    const { cap, rec, deps } = offline(['prod'], true);
    const e = await failure(destroyCommand(config, 'dev', {}, cap.io, deps));
    expect(e.code).toBe('SW213');
    expect(e.message).toContain('does not match "dev"');
    expect(rec.destroyed).toEqual([]);
  });

  it('lists what the templates retain: the final snapshot, log groups and the protected EFS', () => {
    const prod = retainedResources(stacksOf(synthesized, 'prod'));
    expect(prod).toContainEqual(
      expect.objectContaining({ type: 'AWS::RDS::DBInstance', policy: 'Snapshot' }),
    );
    expect(prod).toContainEqual(expect.objectContaining({ type: 'AWS::EFS::FileSystem', policy: 'Retain' }));
    expect(prod.filter((r) => r.type === 'AWS::Logs::LogGroup').length).toBeGreaterThan(0);
    const dev = retainedResources(stacksOf(synthesized, 'dev'));
    expect(dev.some((r) => r.type === 'AWS::RDS::DBInstance')).toBe(false);
  });
});

describe('slipway destroy (in-memory AWS)', () => {
  it('deletes only the environment stacks with --yes', async () => {
    const cap = captureIo();
    const rec = fakeDeployer();
    const deps = {
      factory: fakeAws(fakeState()),
      synth: () => synthesized,
      deployer: () => rec.deployer,
      io: cap.io,
    };
    await destroyCommand(config, 'dev', { yes: true }, cap.io, deps);
    expect(rec.destroyed).toEqual([stacksOf(synthesized, 'dev').map((s) => s.constructPath)]);
  });

  it('accepts the typed-back name', async () => {
    const cap = captureIo(['test'], true);
    const rec = fakeDeployer();
    const deps = {
      factory: fakeAws(fakeState()),
      synth: () => synthesized,
      deployer: () => rec.deployer,
      io: cap.io,
    };
    await destroyCommand(config, 'test', {}, cap.io, deps);
    expect(rec.destroyed).toHaveLength(1);
  });
});
