/*
 * The CLI error catalog and its documentation:
 *   - every SW2xx code in cli/src/errors.ts is in docs/reference/errors.md with the same title and exit code
 *   - the docs list no CLI code the code does not have
 *   - every code's exit status is one of the documented exit codes
 *   - an error renders as one line with its code and the next command
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_ERRORS, CliError, EXIT, formatCliError } from './errors.ts';

const doc = readFileSync(new URL('../../docs/reference/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| (SW2\d{2}) +\| (\d) +\| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [
    m[1],
    { exit: Number(m[2]), title: m[3]?.trim() },
  ]),
);

describe('the CLI error catalog', () => {
  it('documents every code with its title and exit status in docs/reference/errors.md', () => {
    for (const [code, { title, exit }] of Object.entries(CLI_ERRORS)) {
      expect(documented.get(code), code).toEqual({ exit, title });
    }
  });

  it('documents no CLI code the code does not have', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(CLI_ERRORS).sort());
  });

  it('uses only the documented exit statuses', () => {
    const allowed: number[] = Object.values(EXIT);
    for (const e of Object.values(CLI_ERRORS)) expect(allowed).toContain(e.exit);
  });

  it('renders an error as one line with the code and the next command', () => {
    const line = formatCliError(new CliError('SW201', 'unknown environment "dve"', 'slipway plan dev'));
    expect(line).toBe('error SW201: unknown environment "dve". Next: slipway plan dev');
    expect(line).not.toContain('\n');
  });
});
