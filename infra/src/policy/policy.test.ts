/*
 * The policy rungs of the verification ladder, run once per environment here (template tests
 * synthesize with them off):
 *   - cdk-nag AwsSolutions: zero unacknowledged findings in each environment's stacks and the
 *     account-level stacks
 *   - CDK's built-in CloudFormation validation (`validateAgainstDefaultRules`): zero findings, and
 *     a clean report means it ran
 *   - cfn-lint on every synthesized template, in the environment's own region and in us-east-1,
 *     af-south-1 and eu-north-1: zero errors and warnings (.cfnlintrc.yaml ignores only W3005/W3010)
 *   - the AWS Control Tower proactive controls (cfn-guard rules run by the control-tower plugin):
 *     zero unacknowledged findings in each group, every acknowledged one with its reason, prod
 *     accepting only the controls docs/infrastructure.md lists, every row of the acknowledgement
 *     table in use, and a report that shows the controls ran
 *   - negative controls: an unencrypted bucket is reported by cdk-nag; a misspelt property by
 *     cfn-lint; prod's service template without its container memory limit by Control Tower
 *   - every acknowledgement carries a reason of substance
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CFN_LINT_INSTALL,
  cfnLint,
  cfnLintAvailable,
  requireTool,
  validationFindings,
} from '@slipway/testing/policy';
import { ENVIRONMENTS, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runGuard } from './control-tower/guard.ts';
import { acknowledge, applyPolicies, CONTROL_ACKNOWLEDGEMENTS } from './index.ts';

const LINT_REGIONS = ['us-east-1', 'af-south-1', 'eu-north-1'];
// Every configured environment plus a pull-request preview (its own, smaller service stack).
const GROUPS = [...ENVIRONMENTS, 'pr-12'];

let synthesized: Synthesized;
beforeAll(async () => {
  // One synth of every group with the policy packs on: each template is validated once.
  synthesized = synth(await shippedConfig(), { validation: true, policies: true, environments: [...GROUPS] });
});

/** The group a stack or construct path belongs to: its environment, else the account-level stacks. */
function groupOf(name: string): string {
  return GROUPS.find((g) => name.startsWith(`slipway-${g}-`)) ?? 'account-level';
}

/** The stacks of a group: an environment's own, or the account-level ones (registry, audit, CI access). */
function artifactsOf(group: string) {
  return synthesized.assembly.stacks.filter((a) => groupOf(a.stackName) === group);
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    metadata?: Record<string, string>;
    suppressedViolations?: {
      ruleName: string;
      reason: string;
      violatingConstructs: { constructPath: string }[];
    }[];
  }[];
}

function validationReport(): ValidationReport {
  return JSON.parse(readFileSync(join(synthesized.assembly.directory, 'validation-report.json'), 'utf8'));
}

/** The Control Tower findings a group accepts: `control path: reason`, one per resource. */
function acknowledgedControlsOf(group: string) {
  const entry = validationReport().pluginReports.find((p) => p.pluginName === 'control-tower');
  return (entry?.suppressedViolations ?? []).flatMap((v) =>
    v.violatingConstructs
      .filter((c) => groupOf(c.constructPath) === group)
      .map((c) => ({ control: v.ruleName, path: c.constructPath, reason: v.reason })),
  );
}

/** cdk-nag and built-in validation findings of a group; a finding no environment claims is account-level. */
function findingsOf(group: string): string[] {
  return validationFindings(synthesized.assembly.directory)
    .filter((f) => groupOf(f.where || f.stack) === group)
    .map((f) => `${f.rule} (${f.severity}) at ${f.where}`);
}

// A template with a misspelt property, linted in the same run as the real ones: the negative
// control shows that this very run reports findings.
const BROKEN = { Resources: { Topic: { Type: 'AWS::SNS::Topic', Properties: { TopicNam: 'x' } } } };
let brokenTemplate: string;

// cfn-lint over every template at once (each in its own region and LINT_REGIONS; one run per
// region set): its start-up dominates, so the groups share one run and each reads its own lines.
let linted: Promise<string[]> | undefined;
function lintAll(): Promise<string[]> {
  linted ??= (async () => {
    brokenTemplate = join(mkdtempSync(join(tmpdir(), 'slipway-lint-')), 'bad.template.json');
    writeFileSync(brokenTemplate, JSON.stringify(BROKEN));
    const templates = [
      ...synthesized.assembly.stacks.map((a) => ({ path: a.templateFullPath, region: a.environment.region })),
      { path: brokenTemplate, region: 'us-east-1' },
    ];
    const byRegions = new Map<string, string[]>();
    for (const t of templates) {
      const key = [...new Set([t.region, ...LINT_REGIONS])].join(',');
      byRegions.set(key, [...(byRegions.get(key) ?? []), t.path]);
    }
    const runs = [...byRegions].map(([regions, paths]) => cfnLint(paths, regions.split(',')));
    return (await Promise.all(runs)).flat();
  })();
  return linted;
}

/** The lines of the shared cfn-lint run about the given templates (and any not about a file). */
async function lintOf(paths: string[]): Promise<string[]> {
  const lines = await lintAll();
  return lines.filter((l) => paths.some((p) => l.startsWith(`${p}:`)) || !l.includes('.template.json:'));
}

describe.each([...GROUPS, 'account-level'])('policy checks on the %s stacks', (group) => {
  it('leaves no unacknowledged cdk-nag, Control Tower or CloudFormation validation finding', () => {
    expect(findingsOf(group)).toEqual([]);
  });

  it('gives every Control Tower finding it accepts a reason from the acknowledgement table', () => {
    const accepted = acknowledgedControlsOf(group);
    const reasons = new Set(CONTROL_ACKNOWLEDGEMENTS.map((a) => a.reason));
    expect(accepted.filter((a) => !reasons.has(a.reason))).toEqual([]);
  });

  it('cfn-lint finds nothing in its templates, in their region and in us-east-1, af-south-1 and eu-north-1', async () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    const artifacts = artifactsOf(group);
    // An environment has at least network + service; a preview its service stack alone; the
    // account-level stacks are a registry, and an audit and CI access stack per account.
    const least = group === 'account-level' ? 3 : group.startsWith('pr-') ? 1 : 2;
    expect(artifacts.length).toBeGreaterThanOrEqual(least);
    expect(await lintOf(artifacts.map((a) => a.templateFullPath))).toEqual([]);
  });
});

it('ran the built-in CloudFormation validation (a clean report must not mean nothing ran)', () => {
  const report = JSON.parse(
    readFileSync(join(synthesized.assembly.directory, 'validation-report.json'), 'utf8'),
  ) as {
    pluginReports: { pluginName: string }[];
  };
  expect(report.pluginReports.map((p) => p.pluginName)).toContain('CloudFormation Validate');
});

describe('Control Tower proactive controls', () => {
  it('ran on every template (a clean report must not mean nothing ran)', () => {
    const entry = validationReport().pluginReports.find((p) => p.pluginName === 'control-tower');
    expect(Number(entry?.metadata?.rulesEvaluated)).toBeGreaterThan(50);
    expect(Number(entry?.metadata?.templates)).toBe(synthesized.assembly.stacks.length);
  });

  it('accepts in prod only the controls docs/infrastructure.md lists', () => {
    const controls = [...new Set(acknowledgedControlsOf('prod').map((a) => a.control))].sort();
    expect(controls).toEqual([
      'CT.CLOUDFRONT.PR.1',
      'CT.CLOUDFRONT.PR.4',
      'CT.CLOUDFRONT.PR.5',
      'CT.CLOUDFRONT.PR.6',
      'CT.CLOUDFRONT.PR.7',
      'CT.CLOUDFRONT.PR.9',
      'CT.CLOUDWATCH.PR.1',
      'CT.ELASTICLOADBALANCING.PR.1',
      'CT.LAMBDA.PR.3',
      'CT.RDS.PR.20',
      'CT.S3.PR.10',
      'CT.S3.PR.2',
      'CT.S3.PR.9',
    ]);
  });

  it('uses every row of the acknowledgement table somewhere (none is stale)', () => {
    const used = new Set(
      [...GROUPS, 'account-level'].flatMap((g) =>
        acknowledgedControlsOf(g).map((a) => `${a.control} ${a.reason}`),
      ),
    );
    expect(CONTROL_ACKNOWLEDGEMENTS.filter((a) => !used.has(`${a.control} ${a.reason}`))).toEqual([]);
  });
});

describe('negative controls', () => {
  it('reports prod’s service template once its container memory limit is removed (Control Tower wiring)', () => {
    const artifact = artifactsOf('prod').find((a) => a.stackName === 'slipway-prod-service');
    if (!artifact) throw new Error('slipway-prod-service was not synthesized');
    const template = JSON.parse(readFileSync(artifact.templateFullPath, 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { ContainerDefinitions?: { Memory?: number }[] } }
      >;
    };
    const [taskId, task] =
      Object.entries(template.Resources).find(
        ([id, r]) => r.Type === 'AWS::ECS::TaskDefinition' && id.startsWith('WebTask'),
      ) ?? [];
    if (!taskId || !task) throw new Error('no web task definition in slipway-prod-service');
    // Only the control under test: the whole set ran on this template in the synth above.
    const only = { controls: ['CT.ECS.PR.7'] };
    const clean = runGuard([artifact.templateFullPath], only).findings.map(
      (f) => `${f.rule.control} ${f.logicalId}`,
    );
    for (const container of task.Properties.ContainerDefinitions ?? []) delete container.Memory;
    const broken = join(mkdtempSync(join(tmpdir(), 'slipway-ct-')), 'slipway-prod-service.template.json');
    writeFileSync(broken, JSON.stringify(template));
    const fired = runGuard([broken], only).findings.map((f) => `${f.rule.control} ${f.logicalId}`);
    expect(clean).not.toContain(`CT.ECS.PR.7 ${taskId}`);
    expect(fired).toContain(`CT.ECS.PR.7 ${taskId}`);
  });

  it('reports an unacknowledged finding (negative control for the cdk-nag wiring)', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-nag-'));
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'Control', { env: { account: '111111111111', region: 'us-east-1' } });
    new s3.Bucket(stack, 'Unencrypted', { enforceSSL: false });
    applyPolicies(app);
    app.synth();
    const rules = validationFindings(outdir).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('reports a broken template linted beside the real ones (negative control for the cfn-lint wiring)', async () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    await lintAll();
    expect((await lintOf([brokenTemplate])).join('\n')).toMatch(/E3002/);
  });
});

describe('acknowledge', () => {
  it('refuses an acknowledgement without a real reason', () => {
    const scope = new Construct(undefined as never, 'Root');
    expect(() => acknowledge(scope, 'AwsSolutions-S1', 'because')).toThrow(/give a real reason/);
  });
});
