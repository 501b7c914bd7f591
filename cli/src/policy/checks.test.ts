/*
 * How `plan` reads the validation plugins' report (cdk-nag ran during synth; so did the Control
 * Tower controls when `cdk synth` wrote the assembly): a Control Tower finding is reported under
 * the `control-tower` checker, a cdk-nag one under `cdk-nag`.
 * On templates that exist already, the validator's process starts only for a template that misses
 * its cache: a fully cached run starts none, and reports the same findings.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writtenStack } from '@slipway/testing/cli/stacks';
import { CFN_LINT_CONFIG } from '@slipway/testing/policy';
import { describe, expect, it } from 'vitest';
import { nagFindings, onDemandChecks, runPolicyChecks } from './checks.ts';
import { startValidator, type Validator } from './cloudformation-validate.ts';

function assembly(pluginReports: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-checks-'));
  writeFileSync(join(dir, 'validation-report.json'), JSON.stringify({ pluginReports }));
  return dir;
}

const violation = (ruleName: string, constructPath: string) => ({
  ruleName,
  description: `${ruleName} description`,
  severity: 'error',
  violatingConstructs: [{ constructPath }],
});

describe('the validation report in plan', () => {
  const dir = assembly([
    {
      pluginName: 'AwsSolutions',
      violations: [violation('AwsSolutions-S1', 'slipway-dev-service/Bucket/Resource')],
    },
    {
      pluginName: 'control-tower',
      violations: [violation('CT.S3.PR.2', 'slipway-prod-service/Bucket/Resource')],
    },
  ]);

  it('reports each plugin’s findings under its own checker', () => {
    const findings = nagFindings(dir, []);
    expect(findings.map((f) => `${f.checker} ${f.rule}`)).toEqual([
      'cdk-nag AwsSolutions-S1',
      'control-tower CT.S3.PR.2',
    ]);
  });
});

describe('the checkers on templates that exist already', () => {
  it('starts the validator only for a template missing from the cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-checks-'));
    const queue = { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: { Nested: 'object' } } };
    const stack = writtenStack(dir, 'app-dev-data', { Queue: queue });
    let starts = 0;
    const counted = (): Validator => {
      starts += 1;
      return startValidator();
    };
    const options = { cfnLintConfig: CFN_LINT_CONFIG, cacheDir: join(dir, 'cache'), cfnLintAvailable: false };
    const check = () =>
      runPolicyChecks(dir, [stack], { ...options, warm: onDemandChecks(undefined, counted) });

    const first = await check();
    expect(starts).toBe(1);
    const rules = (r: typeof first) => r.findings.map((f) => `${f.checker} ${f.rule}`);
    expect(rules(first)).toContainEqual(expect.stringMatching(/^cloudformation-validate /));

    const second = await check();
    expect(starts).toBe(1);
    expect(second.runs.find((r) => r.checker === 'cloudformation-validate')?.status).toBe('cached');
    expect(rules(second)).toEqual(rules(first));

    onDemandChecks(undefined, counted).close();
    expect(starts).toBe(1);
  });
});
