/**
 * Installs the packed packages into a scratch repository the way a user would (`npm i -D` of
 * @slipway/cli and @slipway/config), but offline: the scratch repository's package-lock.json is
 * derived from Slipway's own, so npm installs exactly the versions Slipway is tested with, each
 * tarball found in the npm cache by its integrity (the cache `npm ci` filled), and asks the
 * registry nothing. Used by the packaging test; the release workflow publishes the same tarballs.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PACKAGES, type PackageDir } from './build.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
export type Lock = { packages: Record<string, LockEntry> } & Record<string, unknown>;

/** `npm pack`s each built package (dist/<package>) into `into`; the tarballs' paths. */
export async function packPackages(folders: Record<PackageDir, string>, into: string) {
  const tarballs = {} as Record<PackageDir, string>;
  for (const [dir, folder] of Object.entries(folders) as [PackageDir, string][]) {
    const { stdout } = await run('npm', ['pack', folder, '--pack-destination', into, '--json'], {
      cwd: into,
    });
    const [{ filename }] = JSON.parse(stdout) as [{ filename: string }];
    tarballs[dir] = join(into, basename(filename));
  }
  return tarballs;
}

/** Where Node.js finds `name` from the lock location `from` (its own node_modules, then its parents'). */
export function locate(lock: Lock, from: string, name: string): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`;
    if (lock.packages[candidate]) return candidate;
    if (dir === '') return undefined;
    const cut = dir.lastIndexOf('/node_modules/');
    dir = cut === -1 ? '' : dir.slice(0, cut);
  }
}

/** The lock location of a workspace folder's installed copy in the scratch repository. */
const installedAt = (dir: PackageDir) => `node_modules/${PACKAGES[dir].name}`;

/** A lock for a repository depending on the tarballs: every entry they reach in Slipway's lock. */
export function scratchLock(source: Lock, tarballs: Record<PackageDir, string>, repo: string): Lock {
  const packages: Record<string, LockEntry> = {};
  const workspaceOf = new Map(Object.keys(PACKAGES).map((d) => [installedAt(d as PackageDir), d]));
  // Workspace links resolve to their folder; the scratch repository installs the tarball there.
  const moved = (location: string) => {
    for (const dir of Object.keys(PACKAGES) as PackageDir[]) {
      if (location === dir || location.startsWith(`${dir}/`))
        return installedAt(dir) + location.slice(dir.length);
    }
    return location;
  };
  const todo: string[] = Object.keys(PACKAGES) as PackageDir[];
  const seen = new Set<string>();
  while (todo.length > 0) {
    const from = todo.pop() as string;
    if (seen.has(from)) continue;
    seen.add(from);
    const entry = source.packages[from] as LockEntry;
    const peers = Object.keys(entry.peerDependencies ?? {}).filter(
      (p) => !entry.peerDependenciesMeta?.[p]?.optional,
    );
    const names = [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...peers,
    ];
    for (const name of names) {
      const found = locate(source, from, name);
      if (!found) continue; // an optional dependency for another platform
      const target = source.packages[found] as LockEntry;
      todo.push(target.link ? (target.resolved as string) : found);
    }
  }
  for (const location of seen) {
    const { devDependencies: _dev, ...entry }: LockEntry = {
      ...(source.packages[location] as LockEntry),
      dev: true,
    };
    const dir = workspaceOf.get(moved(location));
    if (dir) {
      const tarball = tarballs[dir as PackageDir];
      entry.resolved = `file:${relative(repo, tarball)}`;
      entry.integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    }
    packages[moved(location)] = entry;
  }
  const devDependencies = rootDependencies(tarballs, repo);
  return {
    name: 'scratch',
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: 'scratch', devDependencies }, ...sortKeys(packages) },
  };
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** What `npm i -D <tarball>…` writes into package.json. */
function rootDependencies(tarballs: Record<PackageDir, string>, repo: string): Record<string, string> {
  return Object.fromEntries(
    (Object.keys(tarballs) as PackageDir[]).map((d) => [
      PACKAGES[d].name,
      `file:${relative(repo, tarballs[d])}`,
    ]),
  );
}

/** Writes package.json and package-lock.json into `repo` and runs `npm ci --offline` there. */
export async function installOffline(tarballs: Record<PackageDir, string>, repo: string): Promise<void> {
  const source = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
  const manifest = {
    name: 'scratch',
    private: true,
    type: 'module',
    devDependencies: rootDependencies(tarballs, repo),
  };
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const lock = scratchLock(source, tarballs, repo);
  writeFileSync(join(repo, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  await npmCiOffline(repo);
}

/**
 * `npm ci --offline` in `repo`, whose package.json and lock are written.
 * @throws one line naming the first package missing from the npm cache
 */
export async function npmCiOffline(repo: string): Promise<void> {
  try {
    await run('npm', ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: repo });
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? error);
    const missing = /request to (\S+) failed: cache mode is 'only-if-cached'/.exec(text)?.[1];
    throw new Error(
      missing
        ? `NOT IN THE NPM CACHE: ${decodeURIComponent(missing)}; run npm ci in the repository (online) to fill the cache`
        : `npm ci --offline failed in ${repo}: ${text.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
}
