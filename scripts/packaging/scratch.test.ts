/*
 * The offline install of the packed packages (the lock it is driven by, and its failure):
 *   - the scratch repository's lock holds the three tarballs (by file and integrity) and, for
 *     every dependency of every entry, the entry Node.js would find it at, copied from Slipway's
 *     lock with its integrity (so npm takes it from the cache);
 *   - a package missing from the npm cache fails the install with one line naming it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PACKAGES, type PackageDir } from './build.ts';
import { type Lock, locate, npmCiOffline, scratchLock } from './scratch.ts';

const dir = mkdtempSync(join(tmpdir(), 'slipway-scratch-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const source = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../package-lock.json', import.meta.url)), 'utf8'),
) as Lock;

describe('the scratch repository lock', () => {
  const tarballs = {} as Record<PackageDir, string>;
  for (const d of Object.keys(PACKAGES) as PackageDir[]) {
    tarballs[d] = join(dir, `${d}.tgz`);
    writeFileSync(tarballs[d], `not really a tarball: ${d}`);
  }
  const lock = scratchLock(source, tarballs, join(dir, 'repo'));
  const tarballLocations = Object.values(PACKAGES).map((p) => `node_modules/${p.name}`);

  it('installs the three tarballs by file and integrity', () => {
    for (const d of Object.keys(PACKAGES) as PackageDir[]) {
      const entry = lock.packages[`node_modules/${PACKAGES[d].name}`];
      expect(entry?.resolved, d).toBe(`file:../${d}.tgz`);
      expect(entry?.integrity, d).toMatch(/^sha512-/);
      expect(entry?.link, d).toBeUndefined();
    }
  });

  it('resolves every dependency of every entry inside the lock, each with its integrity', () => {
    const unresolved: string[] = [];
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (location === '') continue;
      for (const name of Object.keys(entry.dependencies ?? {})) {
        if (!locate(lock, location, name)) unresolved.push(`${location} → ${name}`);
      }
      // Bundled inside their parent's tarball (aws-cdk-lib's): nothing to fetch.
      if (tarballLocations.includes(location) || entry.inBundle) continue;
      expect(entry.integrity, location).toMatch(/^sha(512|1)-/);
    }
    expect(unresolved).toEqual([]);
    // Slipway's own tools stay out: nothing the packages do not reach.
    expect(lock.packages['node_modules/vitest']).toBeUndefined();
    expect(lock.packages['node_modules/aws-cdk-lib']).toBeDefined();
  });
});

describe('npm ci --offline', () => {
  it('fails with one line naming a package missing from the npm cache', async () => {
    const repo = mkdtempSync(join(dir, 'missing-'));
    const name = 'slipway-not-cached-probe';
    const dependency = { devDependencies: { [name]: '1.0.0' } };
    writeFileSync(
      join(repo, 'package.json'),
      JSON.stringify({ name: 'probe', private: true, ...dependency }),
    );
    const lock = {
      name: 'probe',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'probe', ...dependency },
        [`node_modules/${name}`]: {
          version: '1.0.0',
          resolved: `https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz`,
          integrity: `sha512-${'A'.repeat(86)}==`,
          dev: true,
        },
      },
    };
    writeFileSync(join(repo, 'package-lock.json'), JSON.stringify(lock));
    const error = await npmCiOffline(repo).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      new RegExp(`^NOT IN THE NPM CACHE: \\S+${name}-1\\.0\\.0\\.tgz; run npm ci`),
    );
    expect(error?.message.split('\n')).toHaveLength(1);
  });
});
