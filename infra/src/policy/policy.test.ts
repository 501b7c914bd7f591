/*
 * The policy rungs of the verification ladder, over every environment of the shipped config:
 *   - cdk-nag AwsSolutions: zero unacknowledged findings
 *   - CDK's built-in CloudFormation validation (`validateAgainstDefaultRules`): zero findings
 *   - cfn-lint on every synthesized template, in the environment's own region and in us-east-1,
 *     af-south-1 and eu-north-1: zero errors and warnings (.cfnlintrc.yaml ignores only W3005/W3010)
 *   - every acknowledgement carries a reason of substance
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CFN_LINT_INSTALL,
  cfnLint,
  cfnLintAvailable,
  requireTool,
  validationFindings,
} from '../testing/policy.ts';
import { ENVIRONMENTS, type Synthesized, shippedConfig, synth } from '../testing/synth.ts';
import { acknowledge, applyPolicies } from './index.ts';

const LINT_REGIONS = ['us-east-1', 'af-south-1', 'eu-north-1'];
const GROUPS = [...ENVIRONMENTS, 'pr-12'];
const CFN_LINT_CONFIG = fileURLToPath(new URL('../../.cfnlintrc.yaml', import.meta.url));

let synthesized: Synthesized;
beforeAll(async () => {
  // Every configured environment plus a pull-request preview (its own, smaller service stack).
  synthesized = synth(await shippedConfig(), {
    validation: true,
    policies: true,
    environments: [...GROUPS],
  });
});

describe('policy checks on every environment', () => {
  it('leaves no unacknowledged cdk-nag or CloudFormation validation finding', () => {
    const findings = validationFindings(synthesized.assembly.directory).map(
      (f) => `${f.plugin} ${f.rule} (${f.severity}) at ${f.path}`,
    );
    expect(findings).toEqual([]);
  });

  it('ran the built-in CloudFormation validation (a clean report must not mean nothing ran)', () => {
    const report = JSON.parse(
      readFileSync(join(synthesized.assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: { pluginName: string }[];
    };
    expect(report.pluginReports.map((p) => p.pluginName)).toContain('CloudFormation Validate');
  });

  it('reports an unacknowledged finding (negative control for the cdk-nag wiring)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-nag-'));
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'Control', { env: { account: '111111111111', region: 'us-east-1' } });
    new s3.Bucket(stack, 'Unencrypted', { enforceSSL: false });
    applyPolicies(app);
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      app.synth();
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
    const rules = validationFindings(outdir).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  // One test per environment, plus one for the account-level stacks (registry, audit, CI access).
  it.each([...GROUPS, 'account-level'])(
    'cfn-lint finds nothing in the %s templates, in their region and in us-east-1, af-south-1 and eu-north-1',
    (group) => {
      if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
      const envPrefixes = GROUPS.map((e) => `slipway-${e}-`);
      const artifacts = synthesized.assembly.stacks.filter((a) =>
        group === 'account-level'
          ? !envPrefixes.some((p) => a.stackName.startsWith(p))
          : a.stackName.startsWith(`slipway-${group}-`),
      );
      // An environment has at least network + service; a preview has its service stack alone.
      if (group !== 'account-level')
        expect(artifacts.length).toBeGreaterThanOrEqual(group.startsWith('pr-') ? 1 : 2);
      const byRegion = new Map<string, string[]>();
      for (const a of artifacts) {
        const list = byRegion.get(a.environment.region) ?? [];
        list.push(a.templateFullPath);
        byRegion.set(a.environment.region, list);
      }
      for (const [region, templates] of byRegion) {
        const regions = [...new Set([region, ...LINT_REGIONS])];
        expect(cfnLint(templates, regions, CFN_LINT_CONFIG)).toEqual([]);
      }
    },
    180_000,
  );
});

describe('cfn-lint wiring', () => {
  it('reports a broken template (negative control)', () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-lint-')), 'bad.template.json');
    writeFileSync(
      file,
      JSON.stringify({ Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicNam: 'x' } } } }),
    );
    expect(cfnLint([file], ['us-east-1'], CFN_LINT_CONFIG).join('\n')).toMatch(/E3002/);
  });
});

describe('acknowledge', () => {
  it('refuses an acknowledgement without a real reason', () => {
    const scope = new Construct(undefined as never, 'Root');
    expect(() => acknowledge(scope, 'AwsSolutions-S1', 'because')).toThrow(/give a real reason/);
  });
});
