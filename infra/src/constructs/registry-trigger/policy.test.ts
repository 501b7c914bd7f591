/*
 * The policy rungs over the registry stack with the registry trigger on (the shipped config's
 * policy test covers the stack with it off): cdk-nag AwsSolutions, CDK's built-in CloudFormation
 * validation and the Control Tower controls leave no unacknowledged finding; the Control Tower
 * findings it accepts come from the reviewed table; cfn-lint finds nothing in the template, in its
 * region and in af-south-1 and eu-north-1.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CFN_LINT_INSTALL,
  cfnLint,
  cfnLintAvailable,
  requireTool,
  validationFindings,
} from '@slipway/testing/policy';
import { configVariant, type Synthesized, synth } from '@slipway/testing/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTROL_ACKNOWLEDGEMENTS } from '../../policy/index.ts';

let synthesized: Synthesized;
beforeAll(async () => {
  const config = await configVariant((c) => {
    c.github = { owner: 'example-org', repository: 'slipway', appId: 123456 };
    (c.environments.test as { deployOnImagePush?: unknown }).deployOnImagePush = { tagPattern: 'rc-*' };
  });
  synthesized = synth(config, { validation: true, policies: true, environments: ['test'] });
});

const registry = () => {
  const artifact = synthesized.assembly.stacks.find((a) => a.stackName === 'slipway-registry');
  if (!artifact) throw new Error('slipway-registry was not synthesized');
  return artifact;
};

describe('policy checks on the registry stack with the registry trigger', () => {
  it('synthesized the trigger it checks', () => {
    const template = readFileSync(registry().templateFullPath, 'utf8');
    expect(template).toContain('ECR Image Action');
    expect(template).toContain('AWS::SecretsManager::Secret');
  });

  it('leaves no unacknowledged cdk-nag, Control Tower or CloudFormation validation finding', () => {
    const findings = validationFindings(synthesized.assembly.directory)
      .filter((f) => (f.where || f.stack).startsWith('slipway-registry'))
      .map((f) => `${f.rule} (${f.severity}) at ${f.where}`);
    expect(findings).toEqual([]);
  });

  it('accepts only Control Tower findings of the reviewed table, the function outside a VPC among them', () => {
    const report = JSON.parse(
      readFileSync(join(synthesized.assembly.directory, 'validation-report.json'), 'utf8'),
    ) as {
      pluginReports: {
        pluginName: string;
        suppressedViolations?: {
          ruleName: string;
          reason: string;
          violatingConstructs: { constructPath: string }[];
        }[];
      }[];
    };
    const accepted = (
      report.pluginReports.find((p) => p.pluginName === 'control-tower')?.suppressedViolations ?? []
    )
      .flatMap((v) =>
        v.violatingConstructs.map((c) => ({ control: v.ruleName, path: c.constructPath, reason: v.reason })),
      )
      .filter((a) => a.path.startsWith('slipway-registry/Trigger'));
    const reasons = new Set(CONTROL_ACKNOWLEDGEMENTS.map((a) => a.reason));
    expect(accepted.filter((a) => !reasons.has(a.reason))).toEqual([]);
    expect(accepted.map((a) => `${a.control} ${a.path}`)).toContain(
      'CT.LAMBDA.PR.3 slipway-registry/Trigger/Function/Resource',
    );
  });

  it('cfn-lint finds nothing in the template', async () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    expect(await cfnLint([registry().templateFullPath], ['us-east-1', 'af-south-1', 'eu-north-1'])).toEqual(
      [],
    );
  });
});
