/*
 * How every failure reaches the user, in process (no AWS):
 *   - with --json, a config error, a usage error, a CliError and an unexpected error are each a
 *     JSON object {"error": {code, message, fix, path}} on stdout; the human line stays on stderr
 *   - an unexpected error (not a CliError) is one SW235 line, exit 1, its stack only with --verbose
 *   - --version and -v print the version of cli/package.json and exit 0
 *   - `help <command>` and `<command> --help` list the flags with their defaults, global ones too
 */
// cspell:ignore prdo imgae
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo, type Io } from './io.ts';
import { main } from './main.ts';

async function run(argv: string[], io = captureIo()) {
  const code = await main(argv, io.io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** stdout parsed as the one JSON error object. */
function jsonError(out: string): Record<string, unknown> {
  const parsed = JSON.parse(out) as { error: Record<string, unknown> };
  expect(Object.keys(parsed)).toEqual(['error']);
  return parsed.error;
}

/** An Io whose progress display breaks on any call: an error no command expects. */
function brokenIo() {
  const cap = captureIo();
  const progress = new Proxy({} as Io['progress'], {
    get: (_, key) =>
      key === 'stop'
        ? () => {}
        : () => {
            throw new TypeError("Cannot read properties of undefined (reading 'spin')");
          },
  });
  return { ...cap, io: { ...cap.io, progress } };
}

describe('--json errors', () => {
  it('prints a config error as JSON on stdout, naming the file and line', async () => {
    const dir = mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'json-'));
    const file = join(dir, 'slipway.config.ts');
    writeFileSync(file, 'export default {\n  cpu: ,\n};\n');
    const r = await run(['plan', 'dev', '--json', '--config', file]);
    expect(r.code).toBe(2);
    expect(jsonError(r.out)).toMatchObject({
      code: 'SW232',
      message: `${file}:2:8: syntax error: Unexpected ","`,
      fix: 'fix line 2 of the config, then slipway plan dev --json',
      path: file,
      line: 2,
      column: 8,
    });
    expect(r.err).toContain('error SW232:');
  });

  it('prints an invalid config as JSON with every error and its key path', async () => {
    const dir = mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'json-'));
    const file = join(dir, 'slipway.config.ts');
    writeFileSync(file, 'export default { environments: {}, colour: 1 };\n');
    const r = await run(['plan', 'dev', '--json', '--config', file]);
    expect(r.code).toBe(2);
    const error = jsonError(r.out);
    expect(error).toMatchObject({ code: 'SW204', path: file, fix: 'fix them, then slipway plan dev --json' });
    expect(error.errors).toContainEqual(expect.objectContaining({ code: 'SW101', path: 'colour' }));
  });

  it('prints a usage error as JSON with a null path', async () => {
    const r = await run(['deploy', 'dev', '--json', '--imgae', 'abc']);
    expect(r.code).toBe(2);
    expect(jsonError(r.out)).toMatchObject({ code: 'SW202', path: null, fix: 'slipway deploy --help' });
    expect(r.err).toMatch(/^error SW202: unknown flag "--json"/);
  });

  it('prints a CliError as JSON', async () => {
    const r = await run(['plan', 'prdo', '--json']);
    expect(r.code).toBe(2);
    expect(jsonError(r.out)).toMatchObject({ code: 'SW201', fix: 'slipway plan prod', path: null });
  });

  it('prints an unexpected error as JSON with SW235', async () => {
    const r = await run(['plan', 'dev', '--json'], brokenIo());
    expect(r.code).toBe(1);
    expect(jsonError(r.out)).toMatchObject({
      code: 'SW235',
      message: "unexpected error: TypeError: Cannot read properties of undefined (reading 'spin')",
      path: null,
    });
  });
});

describe('unexpected errors', () => {
  it('are one line with SW235 and a hint, not a stack trace', async () => {
    const r = await run(['plan', 'dev'], brokenIo());
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err.trim()).toBe(
      "error SW235: unexpected error: TypeError: Cannot read properties of undefined (reading 'spin'). Next: rerun with --verbose (or SLIPWAY_DEBUG=1) for the stack",
    );
    expect(r.out).toBe('');
  });

  it('show the stack with --verbose', async () => {
    const r = await run(['plan', 'dev', '--verbose'], brokenIo());
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^TypeError: .*\n\s+at /);
    expect(r.err.trim().split('\n').at(-1)).toMatch(/^error SW235: /);
  });
});

describe('version and help', () => {
  const version = (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;

  it.each([['--version'], ['-v']])('%s prints the version and exits 0', async (flag) => {
    const r = await run([flag]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${version}\n`);
  });

  it.each([[['help', 'logs']], [['logs', '--help']]])(
    '%j lists the flags with their defaults',
    async (argv) => {
      const r = await run(argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/--since <duration>\s+how far back: 30s, 10m, 2h, 1d \(default: "10m"\)/);
      expect(r.out).toMatch(/--config <path>\s+config file \(default: \$SLIPWAY_CONFIG/);
    },
  );

  it('shows the default of plan --out', async () => {
    const r = await run(['help', 'plan']);
    expect(r.out).toMatch(/--out <dir>\s+with --write-docs: where the pages go \(default/);
  });
});
