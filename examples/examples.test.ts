/*
 * The Python examples, each in its own folder with its own tests:
 *   - the distribution's Python and every package the examples need (debian-packages.txt) are
 *     there; when one is missing the test fails with one line naming it and the apt-get command;
 *   - each example's pytest suite passes against the real PostgreSQL (127.0.0.1:5432 as postgres,
 *     or TEST_DATABASE_URL), with no test skipped;
 *   - each example's slipway.config.ts loads and resolves in every environment: the web service on
 *     port 8000 with the image's own health check, the example's migrate command and the
 *     database, and Django's worker running `process_queue` from the web image.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig, resolveEnvironment } from '@slipway/config';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const here = fileURLToPath(new URL('.', import.meta.url));
// Debian's Python sees Debian's packages; a python3 earlier on PATH (pyenv, a venv) may not.
const PYTHON = '/usr/bin/python3';

/** `<import name> <package>` pairs from debian-packages.txt. */
function debianPackages(): { module: string; pkg: string }[] {
  return readFileSync(join(here, 'debian-packages.txt'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const [module = '', pkg = ''] = line.trim().split(/\s+/);
      return { module, pkg };
    });
}

/** Fails with one line naming what is missing and how to install it. */
async function requirePython(): Promise<void> {
  const packages = debianPackages();
  const all = packages.map((p) => p.pkg).join(' ');
  if (!existsSync(PYTHON)) {
    throw new Error(`${PYTHON} NOT FOUND: run: sudo apt-get install -y python3 ${all} (or npm run setup)`);
  }
  const probe = `import importlib.util as u\nfor m in ${JSON.stringify(packages.map((p) => p.module))}:\n  u.find_spec(m) or print(m)`;
  const { stdout } = await run(PYTHON, ['-c', probe]);
  const absent = new Set(stdout.split('\n').filter(Boolean));
  const missing = packages.filter((p) => absent.has(p.module)).map((p) => p.pkg);
  if (missing.length > 0) {
    throw new Error(
      `PYTHON PACKAGES NOT FOUND for ${PYTHON}: ${missing.join(', ')}; run: sudo apt-get install -y ${missing.join(' ')} (or npm run setup)`,
    );
  }
}

/** Runs an example's pytest suite; its summary counts and its output. */
async function pytest(example: string): Promise<{ counts: Record<string, number>; output: string }> {
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONNOUSERSITE: '1' };
  let output: string;
  try {
    const result = await run(PYTHON, ['-m', 'pytest', '-q', '-rfEs'], { cwd: join(here, example), env });
    output = result.stdout + result.stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    output = `${failed.stdout ?? ''}${failed.stderr ?? failed.message}`;
  }
  const summary = output.trim().split('\n').at(-1) ?? '';
  const counts: Record<string, number> = {};
  for (const [, n, what] of summary.matchAll(/(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)/g)) {
    counts[what as string] = Number(n);
  }
  return { counts, output };
}

beforeAll(requirePython);

describe.each([
  { example: 'fastapi', atLeast: 19 },
  { example: 'django', atLeast: 26 },
])('the $example example', ({ example, atLeast }) => {
  it('passes its own tests against PostgreSQL, none skipped', async () => {
    const { counts, output } = await pytest(example);
    expect(counts, output).toEqual({ passed: expect.any(Number) });
    expect(counts.passed, output).toBeGreaterThanOrEqual(atLeast);
  });
});

describe.each([
  { example: 'fastapi', migrate: ['alembic', 'upgrade', 'head'], worker: undefined },
  {
    example: 'django',
    migrate: ['python', 'manage.py', 'migrate', '--noinput'],
    worker: ['python', 'manage.py', 'process_queue'],
  },
])("the $example example's slipway.config.ts", ({ example, migrate, worker }) => {
  it('resolves in every environment with the Python image settings', async () => {
    const config = await loadConfig(join(here, example, 'slipway.config.ts'));
    expect(Object.keys(config.environments)).toEqual(['dev', 'staging', 'prod']);
    for (const [name, env] of Object.entries(config.environments)) {
      const services = resolveEnvironment(name, env, config).services;
      const web = services.find((s) => s.name === 'web');
      expect(web).toMatchObject({
        type: 'web',
        port: 8000,
        healthPath: '/health',
        readyPath: '/ready',
        healthCheck: ['python', 'healthcheck.py'],
        database: true,
        migrate,
        image: { build: { context: '.', dockerfile: 'Dockerfile' } },
      });
      const consumer = services.find((s) => s.type === 'worker');
      expect(consumer?.command).toEqual(worker);
      if (worker) expect(consumer).toMatchObject({ imageOwner: 'web', database: true });
    }
  });
});
