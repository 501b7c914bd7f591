/*
 * What the stacks do for AWS Control Tower's proactive controls, per environment of the shipped
 * config (the controls themselves run in src/policy/policy.test.ts):
 *   - every environment: the app container runs as 1000:1000 with the task's memory as its limit
 *   - prod (protected): the database storage under a customer-managed key, Enhanced Monitoring
 *     every 60 s, every log group under its stack's customer-managed key
 *   - dev: none of those three (the cheap defaults)
 *   - every KMS key of prod denies grants to anyone but AWS services acting for an AWS resource
 *   - prod's ALB access-log bucket sends its events to EventBridge
 */
import { ENVIRONMENTS, type Synthesized, shippedConfig, synth, templatesOf } from '@slipway/testing/synth';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
});

/** The templates of an environment's layers that exist. */
function layers(env: string): Template[] {
  const t = templatesOf(synthesized, env);
  return [t.network, t.data, t.service].filter((x): x is Template => x !== undefined);
}

function database(env: string) {
  const data = templatesOf(synthesized, env).data;
  if (!data) throw new Error(`${env} has no data stack`);
  return Object.values(data.findResources('AWS::RDS::DBInstance'))[0]?.Properties ?? {};
}

describe.each(ENVIRONMENTS)('%s app container', (env) => {
  it("runs as 1000:1000 with the task's memory as its hard limit", () => {
    const memory = synthesized.stacks[env]?.environment.service.memoryMiB;
    templatesOf(synthesized, env).service.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Memory: String(memory),
      ContainerDefinitions: [Match.objectLike({ User: '1000:1000', Memory: memory })],
    });
  });
});

describe('prod (protected)', () => {
  it('encrypts the database storage with a customer-managed key of the data stack', () => {
    expect(database('prod')).toMatchObject({
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseKey/), 'Arn'] },
    });
  });

  it('turns on Enhanced Monitoring every 60 s', () => {
    expect(database('prod')).toMatchObject({
      MonitoringInterval: 60,
      MonitoringRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/MonitoringRole/), 'Arn'] },
    });
  });

  it("encrypts every log group with its stack's logs key", () => {
    for (const t of layers('prod')) {
      for (const group of Object.values(t.findResources('AWS::Logs::LogGroup'))) {
        expect(group.Properties?.KmsKeyId).toEqual({
          'Fn::GetAtt': [expect.stringMatching(/^LogsKey/), 'Arn'],
        });
      }
    }
  });

  it('lets no one but AWS services create grants on any of its keys', () => {
    for (const t of layers('prod')) {
      for (const key of Object.values(t.findResources('AWS::KMS::Key'))) {
        expect(key.Properties?.KeyPolicy?.Statement).toContainEqual({
          Sid: 'DenyGrantsOutsideAwsServices',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: {
            BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
          },
        });
      }
    }
  });

  it('sends the access-log bucket’s events to EventBridge', () => {
    templatesOf(synthesized, 'prod').service.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });
});

describe('dev (standard)', () => {
  it('keeps the AWS-managed database key and no Enhanced Monitoring', () => {
    expect(database('dev').KmsKeyId).toBeUndefined();
    expect(database('dev').MonitoringInterval).toBeUndefined();
  });

  it('leaves its log groups on the AWS-owned key', () => {
    const keyed = layers('dev').flatMap((t) =>
      Object.values(t.findResources('AWS::Logs::LogGroup')).filter(
        (g) => g.Properties?.KmsKeyId !== undefined,
      ),
    );
    expect(keyed).toEqual([]);
  });
});
