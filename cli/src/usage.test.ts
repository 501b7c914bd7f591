/*
 * Mistakes on the command line that used to pass silently, fail late or print a stack:
 *   - `help <unknown>` → SW202 with the closest command (it printed nothing and exited 0)
 *   - an empty option value (`--image=`, an unset shell variable) → SW203 before any work
 *   - `--out` naming a file → SW236 before the synth (it failed after it with a raw mkdir error)
 *   - a JSON config → SW238 (it was reported as a TypeScript syntax error)
 *   - commander's own messages end in one period
 */
// cspell:ignore plna
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from './io.ts';
import { main } from './main.ts';

async function run(...argv: string[]) {
  const cap = captureIo();
  const code = await main(argv, cap.io);
  return { code, out: cap.stdout(), err: cap.stderr(), progress: cap.progressLog };
}

const scratch = mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'usage-'));

describe('command line mistakes', () => {
  it('refuses help for an unknown command with the closest one', async () => {
    const r = await run('help', 'plna');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error SW202: unknown command "plna" \(did you mean "plan"\?\).*Next: slipway help plan\n$/,
    );
  });

  it.each([
    ['deploy', 'dev', '--image='],
    ['rollback', 'dev', '--to='],
    ['exec', 'dev', '--command='],
    ['plan', 'dev', '--out='],
    ['--config=', 'plan', 'dev'],
  ])('refuses an empty value: %s %s %s', async (...argv) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error SW203: option '--[a-z]+ <[a-z]+>' argument '' is invalid\. It is empty; give a value/,
    );
  });

  it('refuses --out naming a file before synthesizing', async () => {
    const file = join(scratch, 'diagram.md');
    writeFileSync(file, '');
    const r = await run('plan', 'dev', '--out', file);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      `error SW236: --out ${file}: ${file} is a file; it must name a folder. Next: slipway plan dev --out <folder>`,
    );
    expect(r.progress.filter((l) => l.startsWith('start'))).toEqual([]);
  });

  it('says a JSON config is not a TypeScript module', async () => {
    const file = join(scratch, 'slipway.config.json');
    writeFileSync(file, '{ "environments": {} }\n');
    const r = await run('plan', 'dev', '--config', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^error SW238: config .*slipway\.config\.json \(from --config\) is not a TypeScript module/,
    );
  });

  it('ends a commander message with one period', async () => {
    const r = await run('plan', 'dev', 'extra');
    expect(r.code).toBe(2);
    expect(r.err).toContain('Expected 1 argument but got 2. Next:');
  });
});
