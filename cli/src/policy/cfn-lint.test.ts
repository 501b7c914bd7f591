/*
 * cfn-lint as plan runs it:
 *   - the templates are split into groups of about equal size, one per linter, none empty
 *   - a linter started ahead (Python importing cfn-lint, then reading its arguments from stdin)
 *     reports exactly what a plain `cfn-lint` run reports, on a template with a known finding
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

  it('reports what a plain cfn-lint run reports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-cfn-lint-'));
    const file = join(dir, 'bad.template.json');
    writeFileSync(
      file,
      JSON.stringify({
        Resources: { Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'x' } } },
      }),
    );
    const tool = await findCfnLint();
    if (!tool) throw new Error('cfn-lint vanished');
    const pool = new CfnLintPool(tool, 1);
    const ahead = await pool.lint([file], ['us-east-1'], paths.cfnLintConfig);
    pool.close();
    const plain = await lintFiles([file], ['us-east-1'], paths.cfnLintConfig);
    expect(plain.length).toBeGreaterThan(0);
    expect(ahead).toEqual(plain);
  }, 120_000);
});
