/*
 * The registry stack over the shipped config (dev+test in 111111111111 us-east-1,
 * staging in 222222222222 and prod in 333333333333, both af-south-1; registry defaults to dev's
 * account and region) and variants.
 *
 * Scenarios and expected outcomes:
 *   - one stack `slipway-registry` in 111111111111/us-east-1, termination-protected (prod is protected)
 *   - pull granted to 222222222222 and 333333333333 only; push to the CI role slipway-ci-push, whose
 *     ARN comes from the CI access names (no push statements without `github`)
 *   - the cleanup function reads the dev and test clusters (same account and region), not staging/prod
 *   - dev and test service stacks depend on the registry; staging and prod (other accounts) do not
 *   - the prod service's execution role pulls from exactly its replica's ARN (af-south-1, its own
 *     account: images are replicated; registry-stack.replication.test.ts has the rest)
 *   - config flows through: keepImages, protectedTags, schedule, maxAgeDays, dryRun; alarm emails
 *     default to every environment's alarms.email
 *   - any protected environment retains the repository and logs; none: DESTROY and empty on delete
 *   - cleanup.enabled false: repository only, no function, rule, alarm or topic
 *   - registry in its own account and region: pull for all three accounts, no ECS reads, no
 *     service stack depends on it
 *   - synthesizing one environment yields the same registry template as synthesizing all
 *   - the config rejects a `?` tag pattern (ECR lifecycle rules know only `*`) and maxAgeDays > 3650
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RegistryStack } from './registry-stack.ts';

let shipped: Synthesized;
beforeAll(async () => {
  shipped = synth(await shippedConfig());
});

function registryOf(s: Synthesized): RegistryStack {
  const stacks = s.accountStacks.filter((x) => x.stackName === 'slipway-registry');
  expect(stacks).toHaveLength(1);
  return stacks[0] as RegistryStack;
}
const templateOf = (s: Synthesized) => Template.fromStack(registryOf(s));

type Statement = { Sid: string; Principal: { AWS: unknown }; Condition?: unknown };
function repositoryStatements(template: Template): Statement[] {
  const [repo] = Object.values(template.findResources('AWS::ECR::Repository')) as {
    Properties: { RepositoryPolicyText?: { Statement: Statement[] } };
  }[];
  return repo?.Properties.RepositoryPolicyText?.Statement ?? [];
}
function functionEnv(template: Template): Record<string, unknown> {
  const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }[];
  if (!fn) throw new Error('no function');
  return fn.Properties.Environment.Variables;
}
const rulesOf = (template: Template) => {
  const [repo] = Object.values(template.findResources('AWS::ECR::Repository')) as {
    Properties: { LifecyclePolicy: { LifecyclePolicyText: string } };
  }[];
  return (
    JSON.parse(repo?.Properties.LifecyclePolicy.LifecyclePolicyText ?? '{}') as {
      rules: { selection: { tagPatternList?: string[]; countNumber: number } }[];
    }
  ).rules;
};

describe('registry stack, shipped config', () => {
  it('is one stack slipway-registry in the dev account and region, termination-protected', () => {
    const stack = registryOf(shipped);
    expect({ account: stack.account, region: stack.region, protection: stack.terminationProtection }).toEqual(
      {
        account: '111111111111',
        region: 'us-east-1',
        protection: true,
      },
    );
  });

  it('lets the staging and prod accounts pull, and nobody else from outside', () => {
    const pull = repositoryStatements(templateOf(shipped)).find(
      (s) => s.Sid === 'PullFromEnvironmentAccounts',
    );
    expect(pull?.Principal.AWS).toEqual(['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root']);
  });

  it('grants push to slipway-ci-push in the registry account', () => {
    const push = repositoryStatements(templateOf(shipped)).find((s) => s.Sid === 'PushFromCiPushRole');
    expect(push?.Condition).toEqual({
      ArnEquals: {
        'aws:PrincipalArn': {
          'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:role/slipway-ci-push']],
        },
      },
    });
  });

  it('has the cleanup function read the dev and test clusters only', () => {
    expect(JSON.parse(functionEnv(templateOf(shipped)).ECS_CLUSTERS as string)).toEqual([
      { environment: 'dev', cluster: 'slipway-dev' },
      { environment: 'test', cluster: 'slipway-test' },
    ]);
  });

  it('is deployed before the dev and test service stacks, and not tied to staging and prod', () => {
    const registry = registryOf(shipped);
    const dependsOnRegistry = (env: string) => shipped.stacks[env]?.service.dependencies.includes(registry);
    expect(['dev', 'test', 'staging', 'prod'].map(dependsOnRegistry)).toEqual([true, true, false, false]);
  });

  it("is where prod's replica comes from: prod's execution role pulls from its own region", () => {
    const service = shipped.stacks.prod?.service;
    if (!service) throw new Error('prod was not synthesized');
    const prod = Template.fromStack(service);
    prod.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['ecr:BatchGetImage']),
            Resource: 'arn:aws:ecr:af-south-1:333333333333:repository/slipway',
          }),
        ]),
      },
    });
  });

  it('keeps 10 images, claims the default protected tags and runs daily, deleting after 60 days', () => {
    const template = templateOf(shipped);
    const rules = rulesOf(template);
    expect(rules.at(-1)?.selection.countNumber).toBe(10);
    expect(rules.slice(0, 4).map((r) => r.selection.tagPatternList)).toEqual([
      ['latest'],
      ['*-latest'],
      ['deployed-*'],
      ['rollback-*'],
    ]);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 3 * * ? *)' });
    expect(functionEnv(template)).toMatchObject({ MAX_AGE_DAYS: '60', DRY_RUN: 'false' });
  });

  it("emails every environment's alarm addresses when the cleanup fails", () => {
    const template = templateOf(shipped);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.com',
    });
  });

  it('retains the repository and the function logs (prod is protected)', () => {
    const template = templateOf(shipped);
    template.hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
  });

  it('names the cleanup function in the stack outputs', () => {
    templateOf(shipped).hasOutput('CleanupFunctionName', {
      Value: { Ref: Match.stringLikeRegexp('^CleanupFunction') },
    });
  });
});

describe('registry stack, config variants', () => {
  it('passes keepImages, protectedTags, schedule, maxAgeDays, dryRun and alarmEmail through', async () => {
    const config = await configVariant((c) => {
      c.registry = {
        keepImages: 30,
        cleanup: {
          schedule: 'rate(7 days)',
          maxAgeDays: 90,
          dryRun: true,
          protectedTags: ['stable', 'v*'],
          alarmEmail: ['registry@example.com'],
        },
      };
    });
    const template = templateOf(synth(config));
    const rules = rulesOf(template);
    expect(rules.map((r) => r.selection.tagPatternList)).toEqual([
      ['stable'],
      ['v*'],
      ['deployed-*'],
      ['rollback-*'],
      undefined,
      ['*'],
    ]);
    expect(rules.at(-1)?.selection.countNumber).toBe(30);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(7 days)' });
    expect(functionEnv(template)).toMatchObject({
      MAX_AGE_DAYS: '90',
      DRY_RUN: 'true',
      PROTECTED_TAG_PATTERNS: 'stable,v*,deployed-*,rollback-*',
    });
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'registry@example.com' });
  });

  it("creates only the repositories (the app's and Grafana's) when cleanup is disabled", async () => {
    const config = await configVariant((c) => {
      c.registry = { cleanup: { enabled: false } };
    });
    const template = templateOf(synth(config));
    template.resourceCountIs('AWS::ECR::Repository', 2);
    for (const type of [
      'AWS::Lambda::Function',
      'AWS::Events::Rule',
      'AWS::CloudWatch::Alarm',
      'AWS::SNS::Topic',
    ]) {
      template.resourceCountIs(type, 0);
    }
  });

  it('has no push statements without a GitHub repository (no CI push role exists)', async () => {
    const config = await configVariant((c) => {
      delete c.github;
    });
    const sids = repositoryStatements(templateOf(synth(config))).map((s) => s.Sid);
    expect(sids).toEqual(['PullFromEnvironmentAccounts']);
  });

  it('deletes and empties the repository when no environment is protected', async () => {
    const config = await configVariant((c) => {
      for (const env of Object.values(c.environments)) env.protected = false;
    });
    const s = synth(config);
    const template = templateOf(s);
    template.hasResource('AWS::ECR::Repository', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ EmptyOnDelete: true }),
    });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Delete' });
    expect(registryOf(s).terminationProtection).toBe(false);
  });

  it('in its own account and region: every environment pulls, no ECS reads, no service depends on it', async () => {
    const config = await configVariant((c) => {
      c.registry = { account: '444444444444', region: 'eu-north-1' };
    });
    const s = synth(config);
    const registry = registryOf(s);
    expect([registry.account, registry.region]).toEqual(['444444444444', 'eu-north-1']);
    const template = Template.fromStack(registry);
    const pull = repositoryStatements(template).find((x) => x.Sid === 'PullFromEnvironmentAccounts');
    expect(pull?.Principal.AWS).toEqual([
      'arn:aws:iam::111111111111:root',
      'arn:aws:iam::222222222222:root',
      'arn:aws:iam::333333333333:root',
    ]);
    expect(functionEnv(template).ECS_CLUSTERS).toBe('[]');
    const actions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) =>
      (
        p as { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
      ).Properties.PolicyDocument.Statement.flatMap((st) => st.Action),
    );
    expect(actions.filter((a) => a.startsWith('ecs:'))).toEqual([]);
    expect(Object.values(s.stacks).some((e) => e.service.dependencies.includes(registry))).toBe(false);
  });

  it('is the same stack whichever environments are synthesized', async () => {
    const onlyProd = synth(await shippedConfig(), { environments: ['prod'] });
    expect(templateOf(onlyProd).toJSON()).toEqual(templateOf(shipped).toJSON());
  });

  it.each([
    [
      { protectedTags: ['v1.?'] },
      /registry\.cleanup\.protectedTags\.0.*SW105|SW105.*registry\.cleanup\.protectedTags\.0/,
    ],
    [{ maxAgeDays: 4000 }, /registry\.cleanup\.maxAgeDays.*SW104|SW104.*registry\.cleanup\.maxAgeDays/],
  ])('the config rejects cleanup %j', async (cleanup, message) => {
    await expect(
      configVariant((c) => {
        c.registry = { cleanup };
      }),
    ).rejects.toThrow(message);
  });
});
