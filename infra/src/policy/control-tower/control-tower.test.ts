/*
 * The Control Tower controls, on small templates (the whole app is checked per environment in
 * policy.test.ts):
 *   - the bundled rules are all read: 237 controls, each with its id, rule name and resource types
 *   - negative controls: a key without the grant statement, a task definition without a memory
 *     limit or user, a bucket without EventBridge each make their control fire; the fix silences it
 *   - a Lambda function whose subnets come from parameters passes only as the hook sees it
 *     (parameters resolved), not as the raw template
 *   - through CDK: the plugin's finding fails the report, an acknowledgement with a reason moves it
 *     to the acknowledged ones
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnParameter, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { denyGrantsOutsideAwsServices, sendEventsToEventBridge } from '../../constructs/guardrails/index.ts';
import { acknowledge } from '../acknowledge.ts';
import { hookView, runGuard } from './guard.ts';
import { ControlTowerChecks } from './plugin.ts';
import { controlId, controlTowerRules, rulesFor } from './rules.ts';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** Synthesizes one stack built by `build` and returns its template file. */
function templateOf(build: (stack: Stack) => void): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'slipway-ct-')) });
  const stack = new Stack(app, 'Control', { env: ENV });
  build(stack);
  return app.synth().getStackByName('Control').templateFullPath;
}

/** The controls that fire on the template, as `control logicalId` lines. */
function fired(template: string): string[] {
  return runGuard([template]).findings.map((f) => `${f.rule.control} ${f.logicalId}`);
}

describe('the bundled rules', () => {
  it('reads every Control Tower rule with its control id, rule name and resource types', () => {
    const rules = controlTowerRules();
    expect(rules.length).toBe(237);
    expect(rules.find((r) => r.control === 'CT.S3.PR.9')).toMatchObject({
      ruleName: 's3_bucket_object_lock_enabled_check',
      resourceTypes: ['AWS::S3::Bucket'],
    });
    expect(controlId('ct-elasticloadbalancing-pr-1.guard')).toBe('CT.ELASTICLOADBALANCING.PR.1');
  });

  it('gives cfn-guard only the rules about the resource types present', () => {
    const controls = rulesFor(['AWS::KMS::Key']).map((r) => r.control);
    expect(controls).toContain('CT.KMS.PR.3');
    expect(controls).not.toContain('CT.S3.PR.9');
    // CT.SQS.PR.2 follows a queue's key reference to AWS::KMS::Key but reports on queues only.
    const sqs = controlTowerRules().find((r) => r.control === 'CT.SQS.PR.2');
    expect(sqs?.resourceTypes).toContain('AWS::KMS::Key');
    expect(sqs?.reportsOn).toEqual(['AWS::SQS::Queue']);
    expect(controls).not.toContain('CT.SQS.PR.2');
    expect(rulesFor(['AWS::SQS::Queue']).map((r) => r.control)).toContain('CT.SQS.PR.2');
  });
});

describe('negative controls: each fix, removed, lets its control fire', () => {
  it('CT.KMS.PR.3 fires on a key that lets anyone create grants, not with denyGrantsOutsideAwsServices', () => {
    const bare = templateOf((s) => new kms.Key(s, 'Key', { enableKeyRotation: true }));
    const fixed = templateOf((s) =>
      denyGrantsOutsideAwsServices(new kms.Key(s, 'Key', { enableKeyRotation: true })),
    );
    expect(fired(bare)).toContain('CT.KMS.PR.3 Key961B73FD');
    expect(fired(fixed).filter((f) => f.startsWith('CT.KMS.PR.3'))).toEqual([]);
  });

  it('CT.S3.PR.4 fires on a bucket without event notifications, not with sendEventsToEventBridge', () => {
    const bare = templateOf((s) => new s3.Bucket(s, 'Bucket'));
    const fixed = templateOf((s) => sendEventsToEventBridge(new s3.Bucket(s, 'Bucket')));
    expect(fired(bare)).toContain('CT.S3.PR.4 Bucket83908E77');
    expect(fired(fixed).filter((f) => f.startsWith('CT.S3.PR.4'))).toEqual([]);
  });

  it('CT.ECS.PR.7 and CT.ECS.PR.3 fire on a container without a memory limit and user, not with them', () => {
    const task = (s: Stack, container: Partial<ecs.ContainerDefinitionOptions>) =>
      new ecs.FargateTaskDefinition(s, 'Task', { memoryLimitMiB: 512 }).addContainer('app', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
        ...container,
      });
    const bare = fired(templateOf((s) => task(s, {})));
    const fixed = fired(templateOf((s) => task(s, { memoryLimitMiB: 512, user: '1000:1000' })));
    expect(bare).toEqual(expect.arrayContaining(['CT.ECS.PR.7 Task79114B6B', 'CT.ECS.PR.3 Task79114B6B']));
    expect(fixed.filter((f) => /CT\.ECS\.PR\.(3|7) /.test(f))).toEqual([]);
  });
});

describe('the hook view', () => {
  // A function in a VPC whose subnets and security group come from parameters, as the service
  // stack reads them from SSM: a hook sees the resolved values.
  const vpcFunction = (s: Stack) => {
    const subnet = new CfnParameter(s, 'SubnetId', {
      type: 'AWS::SSM::Parameter::Value<String>',
      default: '/x/subnet',
    });
    const group = new CfnParameter(s, 'GroupId', {
      type: 'AWS::SSM::Parameter::Value<String>',
      default: '/x/sg',
    });
    new lambda.CfnFunction(s, 'Fn', {
      role: 'arn:aws:iam::111111111111:role/x',
      code: { zipFile: 'exports.handler = async () => {}' },
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      vpcConfig: { subnetIds: [subnet.valueAsString], securityGroupIds: [group.valueAsString] },
    });
  };

  it('passes a function whose VPC subnets come from parameters, which the raw template fails', () => {
    const template = templateOf(vpcFunction);
    expect(fired(template)).not.toContain('CT.LAMBDA.PR.3 Fn');
    const raw = runGuard([template], { asHook: false }).findings.map(
      (f) => `${f.rule.control} ${f.logicalId}`,
    );
    expect(raw).toContain('CT.LAMBDA.PR.3 Fn');
    expect(JSON.stringify(hookView(JSON.parse(readFileSync(template, 'utf8'))))).toContain(
      'resolved-parameter-SubnetId',
    );
  });

  it('resolves a list parameter to a list and a plain one to a string, leaving other references alone', () => {
    const view = hookView({
      Parameters: {
        Subnets: { Type: 'AWS::SSM::Parameter::Value<List<String>>' },
        Vpc: { Type: 'AWS::SSM::Parameter::Value<String>' },
      },
      Resources: {
        R: { Type: 'X::Y::Z', Properties: { A: { Ref: 'Subnets' }, B: { Ref: 'Vpc' }, C: { Ref: 'Other' } } },
      },
    } as never);
    expect(view.Resources?.R).toEqual({
      Type: 'X::Y::Z',
      Properties: { A: ['resolved-parameter-Subnets'], B: 'resolved-parameter-Vpc', C: { Ref: 'Other' } },
    });
  });

  it('leaves a function outside any VPC failing CT.LAMBDA.PR.3', () => {
    const template = templateOf(
      (s) => new ec2.Vpc(s, 'Vpc', { maxAzs: 1, natGateways: 0, restrictDefaultSecurityGroup: false }),
    );
    const outside = templateOf((s) => {
      new lambda.Function(s, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('exports.handler = async () => {}'),
      });
    });
    expect(fired(template).filter((f) => f.startsWith('CT.LAMBDA'))).toEqual([]);
    expect(fired(outside).some((f) => f.startsWith('CT.LAMBDA.PR.3 Fn'))).toBe(true);
  });
});

describe('through CDK validation', () => {
  /** The control-tower entry of the validation report of an app with one unencrypted-grant key. */
  function report(ackReason?: string) {
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-ct-'));
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'Control', { env: ENV });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    if (ackReason) acknowledge(key, 'control-tower::CT.KMS.PR.3', ackReason);
    Validations.of(app).addPlugins(new ControlTowerChecks());
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        conclusion: string;
        violations: { ruleName: string }[];
        suppressedViolations?: { ruleName: string; reason: string }[];
      }[];
    };
    return json.pluginReports.find((p) => p.pluginName === 'control-tower');
  }

  it('reports a finding as a failure', () => {
    const entry = report();
    expect(entry?.conclusion).toBe('failure');
    expect(entry?.violations.map((v) => v.ruleName)).toContain('CT.KMS.PR.3');
  });

  it('moves an acknowledged finding, with its reason, out of the failures', () => {
    const entry = report('A test key nobody grants; the acknowledgement path is what is under test.');
    expect(entry?.violations.map((v) => v.ruleName)).not.toContain('CT.KMS.PR.3');
    expect(entry?.suppressedViolations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleName: 'CT.KMS.PR.3', reason: expect.stringMatching(/test key/) }),
      ]),
    );
  });
});
