/*
 * cfn-lint as plan runs it:
 *   - the templates are split into groups of about equal size, one per linter, none empty
 *   - a linter started ahead (Python importing cfn-lint, then forking a child per job it reads
 *     from stdin) reports exactly what plain `cfn-lint` runs report, on templates with a known
 *     finding split into two jobs
 *   - a run that fails (here a region cfn-lint does not know: exit 32) is an error, not an empty
 *     list of findings
 *   - its version is read without running cfn-lint, and equals what `cfn-lint --version` prints
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { paths } from '../context.ts';
import { balance, CfnLintPool, cfnLintVersion, findCfnLint, lintFiles } from './cfn-lint.ts';

describe('balance', () => {
  it('splits by weight into at most n groups, the heaviest first, none empty', () => {
    const groups = balance([5, 1, 4, 2, 3], 2, (n) => n);
    expect(groups).toEqual([
      [5, 2, 1],
      [4, 3],
    ]);
    expect(balance([7], 3, (n) => n)).toEqual([[7]]);
    expect(balance([], 2, (n: number) => n)).toEqual([]);
  });
});

const installed = cfnLintVersion();
if (!installed)
  process.stdout.write('cfn-lint.test.ts: cfn-lint is not installed; the linter tests are skipped\n');

describe.skipIf(!installed)('cfn-lint started ahead of its templates', () => {
  it('reads the version cfn-lint --version prints, without running cfn-lint', async () => {
    expect((await findCfnLint())?.version).toBe(installed);
  });

  it('reports what plain cfn-lint runs report, the jobs side by side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-lint-'));
    const files = ['first', 'second'].map((name) => {
      const file = join(dir, `${name}.template.json`);
      const queue = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: `x-${name}` } };
      writeFileSync(file, JSON.stringify({ Resources: { Queue: queue } }));
      return file;
    });
    const tool = await findCfnLint();
    if (!tool) throw new Error('cfn-lint vanished');
    const pool = new CfnLintPool(tool);
    const ahead = await pool.lint(
      files.map((f) => ({ files: [f], regions: ['us-east-1'] })),
      paths.cfnLintConfig,
    );
    const plain = (
      await Promise.all(files.map((f) => lintFiles([f], ['us-east-1'], paths.cfnLintConfig)))
    ).flat();
    expect(plain.length).toBeGreaterThanOrEqual(2);
    expect(ahead).toEqual(plain);
  }, 120_000);

  it('fails when cfn-lint fails, instead of reporting no findings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-lint-'));
    const file = join(dir, 'ok.template.json');
    writeFileSync(file, JSON.stringify({ Resources: { Queue: { Type: 'AWS::SQS::Queue' } } }));
    const tool = await findCfnLint();
    if (!tool) throw new Error('cfn-lint vanished');
    const pool = new CfnLintPool(tool);
    await expect(pool.lint([{ files: [file], regions: ['nowhere-1'] }], paths.cfnLintConfig)).rejects.toThrow(
      /cfn-lint failed \(exit 1\)/,
    );
    await expect(lintFiles([file], ['nowhere-1'], paths.cfnLintConfig)).rejects.toThrow(/exit 32/);
  }, 120_000);
});
