/*
 * What the policy checks tell the spinner while they run (plan's "Policy checks" step):
 *   - each check as it starts: how many templates the Control Tower controls, the validator and
 *     cfn-lint check
 *   - each check as it ends ("done"), so the last line says every check is done
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { stacksOf } from '../synth/synthesize.ts';
import { runPolicyChecks } from './checks.ts';

const cfnLintConfig = join(fileURLToPath(new URL('../../../infra/', import.meta.url)), '.cfnlintrc.yaml');

describe('policy check progress', () => {
  it('names the templates each check runs on, then every check done', async () => {
    const synthesized = await shippedAssembly();
    // Two of dev's stacks, the smallest: what is told does not depend on the templates' size.
    const stacks = stacksOf(synthesized, 'dev')
      .sort((a, b) => JSON.stringify(a.template).length - JSON.stringify(b.template).length)
      .slice(0, 2);
    const told: string[] = [];
    await runPolicyChecks(synthesized.outdir, stacks, {
      cfnLintConfig,
      onProgress: (text) => told.push(text),
    });
    const n = stacks.length;
    expect(told).toContain(
      `Policy checks: cdk-nag done, control-tower ${n} templates, CloudFormation validation ${n} templates, cfn-lint ${n} templates`,
    );
    expect(told.at(-1)).toMatch(
      /^Policy checks: cdk-nag done, control-tower done, CloudFormation validation done, cfn-lint done$/,
    );
  });
});
