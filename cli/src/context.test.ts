/*
 * Which repository the CLI works in (its cdk.out, policy cache, generated docs):
 *   - run from Slipway's sources: Slipway's repository, whatever the working directory;
 *   - installed (built JavaScript, no sources): the folder of $SLIPWAY_CONFIG, else of the nearest
 *     slipway.config.ts above the working directory, else the working directory.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { repositoryRoot } from './context.ts';

const dir = mkdtempSync(join(tmpdir(), 'slipway-root-'));
const repo = join(dir, 'repo');
const installedInfra = join(repo, 'node_modules', '@slipway', 'infra');
const sourceInfra = join(dir, 'slipway', 'infra');
mkdirSync(join(repo, 'services', 'web'), { recursive: true });
mkdirSync(join(installedInfra, 'src'), { recursive: true });
writeFileSync(join(installedInfra, 'src', 'index.js'), 'export {};\n');
mkdirSync(join(sourceInfra, 'src'), { recursive: true });
writeFileSync(join(sourceInfra, 'src', 'index.ts'), 'export {};\n');
writeFileSync(join(repo, 'slipway.config.ts'), 'export default {};\n');
const saved = process.env.SLIPWAY_CONFIG;

afterEach(() => {
  if (saved === undefined) delete process.env.SLIPWAY_CONFIG;
  else process.env.SLIPWAY_CONFIG = saved;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('repositoryRoot', () => {
  it('is the folder above the infra sources when running from Slipway’s repository', () => {
    expect(repositoryRoot(sourceInfra, join(repo, 'services'))).toBe(join(dir, 'slipway'));
    expect(repositoryRoot(fileURLToPath(new URL('../../infra', import.meta.url)))).toBe(
      fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, ''),
    );
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
