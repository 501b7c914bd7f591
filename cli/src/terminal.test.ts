/*
 * What `slipway` writes when its output is not a terminal (as in CI or `2>err.txt`):
 *   - no ANSI escape codes, unless FORCE_COLOR asks for them; NO_COLOR always wins
 *   - no third-party noise: CDK's "Bundling asset" lines and esbuild's size table are held back
 *   - one plain line per step, then the one error line
 *   - no AWS SDK Node.js deprecation banner on a command that calls the SDK
 *   - an older Node.js is refused with one SW237 line before anything loads
 *   - an error thrown outside any command is one SW235 line, not a stack trace
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { colorEnabled, loadProgressLibrary, oraProgress } from './io.ts';

const bin = new URL('../bin/slipway.js', import.meta.url).pathname;
const exec = promisify(execFile);

/** Runs the real command with stdin, stdout and stderr all pipes (not a terminal). */
async function slipway(
  argv: string[],
  env: Record<string, string | undefined> = {},
  nodeArgs: string[] = [],
) {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['FORCE_COLOR', 'NO_COLOR', 'SLIPWAY_DEBUG'].includes(k)),
  );
  const merged = Object.fromEntries(
    Object.entries({ ...base, ...env }).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return exec(process.execPath, [...nodeArgs, bin, ...argv], { env: merged }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: looking for the escape character itself
const ESCAPE = /\u001b\[/;

describe('output off a terminal', () => {
  it('has no escape codes and no bundling lines, one line per step and the error', async () => {
    const r = await slipway(['destroy', 'dev']);
    expect(r.code).toBe(4);
    expect(r.stderr).not.toMatch(ESCAPE);
    expect(r.stderr).not.toMatch(/Bundling asset|index\.mjs|Done in \d/);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).toBe('- Synthesizing dev to list what will be kept');
    expect(lines[1]).toMatch(/^✔ 4 stacks to delete: /);
    expect(lines.at(-1)).toMatch(/^error SW213: destroy dev needs confirmation/);
  });

  it('prints no AWS SDK deprecation banner on a command that calls the SDK', async () => {
    const r = await slipway(['status', 'dev'], {
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
      AWS_PROFILE: undefined,
      AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'slipway-no-credentials'),
      AWS_CONFIG_FILE: join(tmpdir(), 'slipway-no-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(r.code).toBe(3);
    expect(r.stderr).not.toMatch(
      /NodeDeprecationWarning|NodeVersionSupportWarning|no longer support|require node/i,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reports an error thrown outside a command as one SW235 line', async () => {
    const preload = join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'late-throw.mjs');
    writeFileSync(preload, "setTimeout(() => { throw new Error('socket hang up'); }, 0);\n");
    const r = await slipway(['--version'], {}, ['--import', preload]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'error SW235: unexpected error: socket hang up. Next: rerun with --verbose (or SLIPWAY_DEBUG=1) for the stack\n',
    );
  });

  it('refuses a Node.js older than 24 with one line', async () => {
    const preload = join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'old-node.cjs');
    writeFileSync(
      preload,
      "Object.defineProperty(process.versions, 'node', { value: '20.1.0' });\nObject.defineProperty(process, 'version', { value: 'v20.1.0' });\n",
    );
    const r = await slipway(['--version'], {}, ['--require', preload]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error SW237: slipway needs Node.js 24 or later; this is v20.1.0. Next: nvm install 24 (or use the version in .nvmrc)\n',
    );
  });
});

describe('colours', () => {
  const tty = { isTTY: true, hasColors: () => true } as unknown as NodeJS.WriteStream;
  const pipe = { isTTY: false } as unknown as NodeJS.WriteStream;

  it('are on for a terminal that has them, off for a pipe or a file', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled(pipe, { TERM: 'xterm-256color' })).toBe(false);
  });

  it('follow NO_COLOR over everything, and FORCE_COLOR off a terminal', () => {
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(pipe, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colorEnabled(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
  });

  it('are left out of the progress lines written to a pipe', async () => {
    // As main's command wrapper does before a command runs.
    await loadProgressLibrary();
    const written: string[] = [];
    const stream = { isTTY: false, write: (t: string) => written.push(t) } as unknown as NodeJS.WriteStream;
    const saved = { force: process.env.FORCE_COLOR, no: process.env.NO_COLOR };
    delete process.env.FORCE_COLOR;
    delete process.env.NO_COLOR;
    try {
      const progress = oraProgress({ stream });
      progress.start('Synthesizing dev');
      progress.update('Synthesizing dev: slipway-dev-network');
      progress.succeed('Synthesized 4 stacks');
      progress.fail('Policy checks failed');
    } finally {
      if (saved.force !== undefined) process.env.FORCE_COLOR = saved.force;
      if (saved.no !== undefined) process.env.NO_COLOR = saved.no;
    }
    expect(written.join('')).toBe('- Synthesizing dev\n✔ Synthesized 4 stacks\n✖ Policy checks failed\n');
  });
});
