/**
 * `slipway doctor`'s second group: what `npm test` and `npm run bench:service` need beyond Node.js
 * (PostgreSQL, shellcheck, python3, cfn-lint, moto_server), each missing one with the command that
 * installs it. The probes are injected, so the tests can take any tool away.
 *
 * A missing tool is a `✗` but does not fail `doctor`: a deploy needs none of them (the pipelines run
 * the tests on their own runners), and the tests that need one print what is missing and skip it
 * locally (docs/cli.md, `slipway doctor`).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cfnLintVersion } from '../policy/checks.ts';
import type { Check } from './doctor.ts';

/**
 * The database the service's tests and the benchmark use, unless TEST_DATABASE_URL says otherwise
 * (the same default as testing/src/postgres.ts, which production code does not import).
 */
export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface DevToolProbes {
  /** What `<command> <args>` prints (stdout, then stderr) when it exits 0; undefined when it does not run. */
  readonly run: (command: string, args: readonly string[]) => string | undefined;
  /** The path of `command` when it is an executable on PATH (for tools without a quick `--version`). */
  readonly onPath: (command: string) => string | undefined;
  /** `cfn-lint --version`, or undefined when it is not installed. */
  readonly cfnLint: () => string | undefined;
  /** Undefined when PostgreSQL answers `SELECT 1` at the URL, else why it did not. */
  readonly postgres: (url: string) => Promise<string | undefined>;
  /** TEST_DATABASE_URL, when set. */
  readonly testDatabaseUrl: string | undefined;
}

function run(command: string, args: readonly string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 ? `${result.stdout}${result.stderr}`.trim() : undefined;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

async function postgresProblem(url: string): Promise<string | undefined> {
  // Loaded here only: no other command talks to PostgreSQL.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || (error as { code?: string }).code || String(error);
  } finally {
    await client.end().catch(() => {});
  }
}

export const realDevToolProbes: DevToolProbes = {
  run,
  onPath,
  cfnLint: cfnLintVersion,
  postgres: postgresProblem,
  testDatabaseUrl: process.env.TEST_DATABASE_URL || undefined,
};

/** `host:port/database` of a PostgreSQL URL: never the password. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'TEST_DATABASE_URL (not a URL)';
  }
}

function tool(name: string, found: string | undefined, missing: string, fix: string): Check {
  return found
    ? { name, result: 'ok', detail: found, scope: 'tests' }
    : { name, result: 'fail', detail: `not found: ${missing}`, fix, scope: 'tests' };
}

/** `<label> <version>` from a `--version` output; the output's first line when the pattern misses. */
function versionOf(output: string | undefined, pattern: RegExp, label: string): string | undefined {
  if (output === undefined) return undefined;
  const version = pattern.exec(output)?.[1];
  return version ? `${label} ${version}` : output.split('\n')[0];
}

const PIPX = 'pipx is in Debian and Ubuntu: sudo apt-get install -y pipx';

/** The tools the tests and the benchmark need; every check has scope `tests`. */
export async function devToolChecks(probes: DevToolProbes): Promise<Check[]> {
  const url = probes.testDatabaseUrl ?? DEFAULT_TEST_DATABASE_URL;
  const where = describeDatabase(url);
  const problem = await probes.postgres(url);
  const postgres: Check = problem
    ? {
        name: 'PostgreSQL',
        result: 'fail',
        detail: `${where} does not answer: ${problem}; the service's tests and the benchmark need it`,
        fix: probes.testDatabaseUrl
          ? 'start the database TEST_DATABASE_URL names, or unset it to use 127.0.0.1:5432'
          : 'sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main start, then npm run setup (creates the database test)',
        scope: 'tests',
      }
    : { name: 'PostgreSQL', result: 'ok', detail: `${where} answers`, scope: 'tests' };
  return [
    postgres,
    tool(
      'shellcheck',
      versionOf(probes.run('shellcheck', ['--version']), /^version: (\S+)/m, 'shellcheck'),
      'the workflow tests lint every run: block with it',
      'sudo apt-get install -y shellcheck',
    ),
    tool(
      'python3',
      versionOf(probes.run('python3', ['--version']), /^Python (\S+)/m, 'Python'),
      'cfn-lint and moto_server run on it',
      'sudo apt-get install -y python3 pipx',
    ),
    tool(
      'cfn-lint',
      probes.cfnLint(),
      'the policy tests need it; `slipway plan` runs without it and says so',
      `pipx install cfn-lint (or: python3 -m pip install --user cfn-lint; Debian has no package for it; ${PIPX})`,
    ),
    tool(
      'moto_server',
      probes.onPath('moto_server'),
      'the AWS API tests run against it',
      `pipx install 'moto[server]' (or: python3 -m pip install --user 'moto[server]'; ${PIPX})`,
    ),
  ];
}
