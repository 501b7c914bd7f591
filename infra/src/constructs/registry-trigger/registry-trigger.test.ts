/*
 * The registry trigger in the registry stack (the shipped config with `test` deploying rc-* pushes):
 *   - off by default: the shipped registry stack has no rule, secret or trigger function
 *   - the EventBridge rule matches the ECR Image Action event shape: source aws.ecr, PUSH, SUCCESS,
 *     the app's repository, the tag glob as EventBridge `wildcard` (an exact tag as itself), and
 *     invokes the function with retries
 *   - least privilege: the role may only GetSecretValue on the one secret and write its own log
 *     group; the secret is created with a generated placeholder, named by the contract, retained
 *     with a protected environment
 *   - the function's variables carry the App ID, repository, workflow and targets, and no key
 *   - the stack outputs the secret's name for the setup
 */
import { registryTriggerFunctionName, registryTriggerSecretName } from '@slipway/config/contract';
import { configVariant, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { imagePushPattern } from './index.ts';

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Effect: string };

let template: Template;
beforeAll(async () => {
  const config = await configVariant((c) => {
    c.github = { owner: 'example-org', repository: 'slipway', appId: 123456 };
    (c.environments.test as { deployOnImagePush?: unknown }).deployOnImagePush = { tagPattern: 'rc-*' };
  });
  const app = synth(config, { environments: ['test'] });
  const registry = app.accountStacks.find((s) => s.stackName === 'slipway-registry');
  if (!registry) throw new Error('no registry stack');
  template = Template.fromStack(registry);
});

/** Logical id of the one resource of `type` whose id starts with `prefix`. */
function idOf(type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids, `${type} ${prefix}`).toHaveLength(1);
  return ids[0] as string;
}

describe('registry trigger', () => {
  it('is off by default: the shipped registry stack has no rule on pushes and no secret', async () => {
    const shipped = synth(await shippedConfig(), { environments: ['test'] });
    const registry = shipped.accountStacks.find((s) => s.stackName === 'slipway-registry');
    const t = Template.fromStack(registry as never);
    t.resourceCountIs('AWS::SecretsManager::Secret', 0);
    expect(JSON.stringify(t.toJSON())).not.toContain('ECR Image Action');
  });

  it('matches a successful push of an rc-* tag to the app repository and invokes the function', () => {
    const fn = idOf('AWS::Lambda::Function', 'TriggerFunction');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ecr'],
        'detail-type': ['ECR Image Action'],
        detail: {
          'action-type': ['PUSH'],
          result: ['SUCCESS'],
          'repository-name': [{ Ref: Match.stringLikeRegexp('^Images') }],
          'image-tag': [{ wildcard: 'rc-*' }],
        },
      },
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [fn, 'Arn'] },
          RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [fn, 'Arn'] },
    });
  });

  it('keeps exact tags exact and lists each glob once', () => {
    const pattern = imagePushPattern('shop', [
      { environment: 'test', tagPattern: 'rc-*' },
      { environment: 'dev', tagPattern: 'rc-*' },
      { environment: 'qa', tagPattern: 'qa' },
    ]);
    expect(pattern.detail?.['image-tag']).toEqual([{ wildcard: 'rc-*' }, 'qa']);
  });

  it('lets the role read only the one secret, and write only its own logs', () => {
    const secret = idOf('AWS::SecretsManager::Secret', 'TriggerPrivateKey');
    const role = idOf('AWS::IAM::Role', 'TriggerRole');
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(role),
    );
    const statements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    expect(actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue']);
    expect(statements.find((s) => s.Sid === 'ReadTheGitHubAppKey')?.Resource).toEqual({ Ref: secret });
    expect(statements.every((s) => s.Effect === 'Allow' && !JSON.stringify(s.Resource).includes('"*"'))).toBe(
      true,
    );
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('creates the secret with a generated placeholder under the contract name, retained with prod in the config', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: { Name: registryTriggerSecretName('slipway'), GenerateSecretString: {} },
      DeletionPolicy: 'Retain',
    });
    const outputs = Object.entries(template.findOutputs('*')).filter(([id]) =>
      id.startsWith('TriggerSecretName'),
    );
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.[1].Description).toContain('aws secretsmanager put-secret-value --secret-id <this>');
  });

  it('configures the function with names and ids only, never the key', () => {
    const fn =
      template.findResources('AWS::Lambda::Function')[idOf('AWS::Lambda::Function', 'TriggerFunction')];
    expect(fn?.Properties.FunctionName).toBe(registryTriggerFunctionName('slipway'));
    expect(fn?.Properties.Runtime).toBe('nodejs24.x');
    const variables = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables).toMatchObject({
      SECRET_ID: { Ref: idOf('AWS::SecretsManager::Secret', 'TriggerPrivateKey') },
      GITHUB_APP_ID: '123456',
      GITHUB_OWNER: 'example-org',
      GITHUB_REPOSITORY: 'slipway',
      WORKFLOW: 'app.yml',
      TARGETS: '[{"environment":"test","tagPattern":"rc-*"}]',
    });
    expect(JSON.stringify(variables)).not.toMatch(/PRIVATE KEY|SecretString/);
  });
});
