/*
 * Reading the plan job's artifacts for the PR comment:
 *   - the cost comes from `slipway plan --json` (cost.monthlyUsd, or the fallbacks)
 *   - a missing or broken plan file is shown, not fatal; the diff exit code is read
 *   - a huge diff is truncated so the comment stays under GitHub's size limit
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { monthlyCost, readPlans, renderPlanComment } from './plan-comment.ts';

describe('monthlyCost', () => {
  const plan = {
    version: 1,
    environments: [
      { name: 'dev', cost: { total: 31.5 } },
      { name: 'prod', cost: {} },
    ],
  };
  it.each([
    ['dev', 31.5],
    ['prod', undefined],
    ['staging', undefined],
  ])('reads environments[].cost.total of %s → %s', (environment, cost) => {
    expect(monthlyCost(plan, environment)).toBe(cost);
  });
  it('survives a document that is not a plan', () => {
    expect(monthlyCost(null, 'dev')).toBeUndefined();
    expect(monthlyCost({ environments: 'x' }, 'dev')).toBeUndefined();
  });
});

describe('readPlans', () => {
  it('reads cost, diff and exit code per environment, noting what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-plans-'));
    writeFileSync(
      join(dir, 'plan-dev.json'),
      JSON.stringify({ environments: [{ name: 'dev', cost: { total: 20 } }] }),
    );
    writeFileSync(join(dir, 'plan-dev.exit'), '0');
    writeFileSync(join(dir, 'diff-dev.txt'), 'no changes');
    writeFileSync(join(dir, 'diff-dev.exit'), '0\n');
    writeFileSync(join(dir, 'plan-prod.json'), '{not json');
    writeFileSync(join(dir, 'diff-staging.txt'), 'x');
    const plans = readPlans(dir);
    expect(plans.map((p) => [p.environment, p.monthlyCostUsd, p.diffExit])).toEqual([
      ['dev', 20, 0],
      ['prod', undefined, undefined],
      ['staging', undefined, undefined],
    ]);
    expect(plans[1]?.planError).toMatch(/plan output is not JSON/);
    expect(plans[2]?.planError).toBe('no plan output');
  });
});

describe('renderPlanComment', () => {
  it('truncates a huge diff to keep the comment under 65,536 characters', () => {
    const diff = 'x'.repeat(200_000);
    const body = renderPlanComment(
      ['dev', 'staging', 'prod'].map((environment) => ({
        environment,
        monthlyCostUsd: 1,
        diff,
        diffExit: 0,
        planError: undefined,
      })),
      { sha: 'abc' },
    );
    expect(body.length).toBeLessThan(65_536);
    expect(body).toContain('(truncated: the full diff is in the job log)');
  });

  it('cannot be broken out of its code block by a diff containing a fence', () => {
    const body = renderPlanComment(
      [
        {
          environment: 'dev',
          monthlyCostUsd: undefined,
          diff: '```\n<script>',
          diffExit: 0,
          planError: undefined,
        },
      ],
      { sha: 'abc' },
    );
    expect(body.match(/```/g)).toHaveLength(2);
  });
});
