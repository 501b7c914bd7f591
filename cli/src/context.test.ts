/*
 * Which repository the CLI works in (its cdk.out, policy cache, generated docs):
 *   - run from Slipway's sources: Slipway's repository, whatever the working directory;
 *   - installed under node_modules: the folder of $SLIPWAY_CONFIG, else of the nearest
 *     slipway.config.ts above the working directory, else the working directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repositoryRoot } from './context.ts';

const dir = mkdtempSync(join(tmpdir(), 'slipway-root-'));
const repo = join(dir, 'repo');
const installedInfra = join(repo, 'node_modules', '@slipway', 'infra');
mkdirSync(join(repo, 'services', 'web'), { recursive: true });
writeFileSync(join(repo, 'slipway.config.ts'), 'export default {};\n');
const saved = process.env.SLIPWAY_CONFIG;

afterEach(() => {
  if (saved === undefined) delete process.env.SLIPWAY_CONFIG;
  else process.env.SLIPWAY_CONFIG = saved;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repositoryRoot', () => {
  it('is the folder above the infra sources when running from Slipway’s repository', () => {
    expect(repositoryRoot('/work/slipway/infra', join(repo, 'services'))).toBe('/work/slipway');
  });

  it('is the nearest config file’s folder when installed, from a subfolder too', () => {
    delete process.env.SLIPWAY_CONFIG;
    expect(repositoryRoot(installedInfra, join(repo, 'services', 'web'))).toBe(repo);
    expect(repositoryRoot(installedInfra, dir)).toBe(dir);
  });

  it('follows $SLIPWAY_CONFIG when installed', () => {
    process.env.SLIPWAY_CONFIG = 'deploy/slipway.config.ts';
    expect(repositoryRoot(installedInfra, repo)).toBe(join(repo, 'deploy'));
  });
});
