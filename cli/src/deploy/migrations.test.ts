/*
 * The migrations digest a deploy records for the migrate hook (migrations.ts):
 *   - no service declares migrationsPath, a missing folder, or a checkout that is not the image's
 *     commit → nothing recorded, with the reason (the hook then migrates, as it always did)
 *   - the checkout is the image's commit (a full or short sha) → `release/migrations-digest` =
 *     `<tag>:<sha256 of the folder>`, which changes when a migration file does
 *   - `slipway deploy --image <sha>` of the shipped config writes that parameter after the release one
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SlipwayConfig } from '@slipway/config';
import { migrationsDigest } from '@slipway/config/contract';
import { addImage, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { fakeDeployer } from '@slipway/testing/cli/fake-deployer';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { deployCommand } from '../commands/deploy.ts';
import { captureIo } from '../io.ts';
import { migrationsRecord } from './migrations.ts';

const SHA = 'a'.repeat(40);
const env = { parameterPath: '/slipway/dev' };
let config: SlipwayConfig;
beforeAll(async () => {
  config = await shippedConfig();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

/** A config folder with `db/migrations/0001.sql`. */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-migrations-'));
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'db', 'migrations', '0001.sql'), 'CREATE TABLE t (id int);');
  return dir;
}

function withPath(path: string | undefined): SlipwayConfig {
  const web = { ...config.services?.web, migrationsPath: path } as NonNullable<
    SlipwayConfig['services']
  >[string];
  return { ...config, services: { ...config.services, web } };
}

describe('the migrations record of a release', () => {
  it('records nothing without a migrationsPath', () => {
    expect(migrationsRecord(withPath(undefined), env, SHA, { commit: SHA })).toEqual({
      skip: 'no service declares migrationsPath',
    });
  });

  it('records nothing when the folder is missing', () => {
    const record = migrationsRecord(withPath('nowhere'), env, SHA, { configDir: scratch(), commit: SHA });
    expect(record).toEqual({ skip: expect.stringMatching(/migrationsPath: .*nowhere does not exist/) });
  });

  it('records nothing when the checkout is another commit than the image', () => {
    const record = migrationsRecord(withPath('db/migrations'), env, 'b'.repeat(40), {
      configDir: scratch(),
      commit: SHA,
    });
    expect(record).toEqual({ skip: expect.stringContaining("is not the image's commit") });
    const tag = migrationsRecord(withPath('db/migrations'), env, 'v1.2.3', {
      configDir: scratch(),
      commit: SHA,
    });
    expect('skip' in tag).toBe(true);
  });

  it('binds the folder hash to the tag when the checkout is the image commit, short or full', () => {
    const dir = scratch();
    const folder = join(dir, 'db', 'migrations');
    const full = migrationsRecord(withPath('db/migrations'), env, SHA, { configDir: dir, commit: SHA });
    expect(full).toEqual({
      parameter: '/slipway/dev/release/migrations-digest',
      value: `${SHA}:${migrationsDigest(folder)}`,
      folder,
    });
    const short = migrationsRecord(withPath('db/migrations'), env, SHA.slice(0, 7), {
      configDir: dir,
      commit: SHA,
    });
    expect('value' in short && short.value).toBe(`${SHA.slice(0, 7)}:${migrationsDigest(folder)}`);
    writeFileSync(join(folder, '0002.sql'), 'ALTER TABLE t ADD COLUMN n text;');
    const after = migrationsRecord(withPath('db/migrations'), env, SHA, { configDir: dir, commit: SHA });
    expect('value' in after && 'value' in full && after.value !== full.value).toBe(true);
  });

  it('is written by `slipway deploy --image` of the shipped config, after the release parameter', async () => {
    vi.stubEnv('GITHUB_SHA', SHA);
    const state = fakeState('111111111111');
    state.parameters.set('/slipway/dev/service/url', 'https://dev.example');
    addImage(state, 'slipway', 'sha256:new', [SHA]);
    const cap = captureIo();
    const deps = {
      factory: fakeAws(state),
      synth: () => synthesized,
      deployer: () => fakeDeployer().deployer,
      io: cap.io,
    };
    const synthesized = await shippedAssembly();
    await deployCommand(config, 'dev', { image: SHA }, cap.io, deps);
    const folder = fileURLToPath(new URL('../../../app/migrations', import.meta.url));
    expect(state.parameters.get('/slipway/dev/release/migrations-digest')).toBe(
      `${SHA}:${migrationsDigest(folder)}`,
    );
    const release = state.calls.findIndex((c) => c.startsWith('ssm.put /slipway/dev/release/image-tag='));
    const digest = state.calls.findIndex((c) =>
      c.startsWith('ssm.put /slipway/dev/release/migrations-digest='),
    );
    expect(digest).toBeGreaterThan(release);
  });
});
