/*
 * Config loading mistakes, each one line with its own code, exit 2 and the file (and line):
 *   - a syntax error → SW232 with the line and a caret under the column
 *   - a missing file → SW230; a folder without a config → SW231; a folder holding one is used
 *   - a config that throws while loading → SW233 naming the line
 *   - a config importing a missing package or file → SW234 with the install or fix
 *   - an invalid config → SW204 after the list of invalid keys
 *   - the config is found from the working directory upward; $SLIPWAY_CONFIG and --config override
 */
// cspell:ignore prdo
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { captureIo } from './io.ts';
import { main } from './main.ts';

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'cli', 'bin', 'slipway.js');
const scratch = mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'config-errors-'));
let count = 0;

/** A config file with `source`, under a fresh name (imports are cached per path). */
function configFile(source: string, name = 'slipway.config.ts'): string {
  const dir = join(scratch, `c${count++}`);
  mkdirSync(dir);
  const file = join(dir, name);
  writeFileSync(file, source);
  return file;
}

async function run(...argv: string[]) {
  const cap = captureIo();
  const code = await main(argv, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr() };
}

/** The last stderr line: the one error line. */
const lastLine = (err: string) => err.trim().split('\n').at(-1) ?? '';

describe('loading the config', () => {
  it('shows a syntax error with its line, a caret under the column and SW232', async () => {
    const file = configFile('export default {\n  region: "us-east-1",\n  cpu: ,\n};\n');
    const r = await run('plan', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`  3 |   cpu: ,\n    |        ^\n`);
    expect(lastLine(r.err)).toBe(
      `error SW232: ${file}:3:8: syntax error: Unexpected ",". Next: fix line 3 of the config, then slipway plan dev`,
    );
  });

  it('names a --config file that does not exist with SW230', async () => {
    const r = await run('plan', 'dev', '--config', join(scratch, 'missing.config.ts'));
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `error SW230: config file ${join(scratch, 'missing.config.ts')} (from --config) does not exist. Next: slipway plan dev --config <path to slipway.config.ts>`,
    );
  });

  it('refuses a --config folder without a config with SW231', async () => {
    const r = await run('plan', 'dev', '--config', scratch);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error SW231: config path .* is a folder without slipway\.config\.ts\./);
  });

  it('uses the slipway.config.ts inside a --config folder', async () => {
    const r = await run('plan', 'prdo', '--config', root);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^error SW201: unknown environment "prdo"/);
  });

  it('names the line a config threw at with SW233', async () => {
    const file = configFile(
      "const region = 'us-east-1';\nthrow new Error('no account set');\nexport default { region };\n",
    );
    const r = await run('status', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(/^\s+at /m);
    expect(lastLine(r.err)).toMatch(
      new RegExp(
        `^error SW233: ${file}:2:\\d+: the config threw Error: no account set while loading\\. Next: fix line 2`,
      ),
    );
  });

  it('names a package the config imports that is not installed with SW234', async () => {
    const file = configFile("import { x } from 'slipway-no-such-package';\nexport default x;\n");
    const r = await run('plan', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(
      /^error SW234: .* imports "slipway-no-such-package", which cannot be found.*Next: npm install slipway-no-such-package, then slipway plan dev$/,
    );
  });

  it('names a file the config imports that does not exist with SW234', async () => {
    const file = configFile("import x from './settings.ts';\nexport default x;\n");
    const r = await run('plan', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error SW234: .* imports ".*settings\.ts", which cannot be found\. Next: fix the import path/,
    );
  });

  it('lists invalid keys, then one SW204 line', async () => {
    const file = configFile('export default { environments: {} };\n');
    const r = await run('plan', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(lastLine(r.err)).toMatch(
      /^error SW204: .* has \d+ errors? \(listed above\)\. Next: fix them, then slipway plan dev$/,
    );
  });
});

describe('finding the config', () => {
  const exec = promisify(execFile);
  async function cli(cwd: string, env: Record<string, string> = {}, ...argv: string[]) {
    const { SLIPWAY_CONFIG: _, ...rest } = process.env;
    return exec(process.execPath, [bin, ...argv], { cwd, env: { ...rest, ...env } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
  }

  it('finds slipway.config.ts from a folder below it', async () => {
    const r = await cli(join(root, 'cli', 'src'), {}, 'plan', 'prdo');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error SW201: unknown environment "prdo"/);
  });

  it('searches from the working directory, not from where slipway is installed', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'slipway-no-config-'));
    const r = await cli(empty, {}, 'plan', 'dev');
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `error SW230: no slipway.config.ts in ${empty} or any folder above it. Next: cd into your project, or slipway plan dev --config <path to slipway.config.ts>`,
    );
  });

  it('takes $SLIPWAY_CONFIG over the search', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'slipway-no-config-'));
    const r = await cli(empty, { SLIPWAY_CONFIG: join(root, 'slipway.config.ts') }, 'plan', 'prdo');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error SW201: unknown environment "prdo"/);
  });
});
