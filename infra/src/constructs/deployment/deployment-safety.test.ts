/*
 * Deployment strategies and their safety nets, on the synthesized service stacks.
 * Scenarios and expected outcomes:
 *   - shipped defaults: dev/test rolling (no hooks, migrate at task start), staging blue/green,
 *     prod canary 10 % with a 10-minute step bake and 15-minute bake, both with migrate + smoke hooks
 *   - each strategy renders Strategy, BakeTimeInMinutes, Canary/LinearConfiguration, LifecycleHooks
 *     and the ALB AdvancedConfiguration (alternate target group, production + test rule, ECS role)
 *   - rollback alarms (5xx share and p99 on both target groups) are wired with Rollback: true
 *   - the test listener admits only the smoke function's security group (plus configured CIDRs)
 *   - hook roles are least privilege (RunTask on this family in this cluster, PassRole to ECS tasks only,
 *     GetParameter on the two migrations digests, PutParameter on the applied one only)
 *   - aws/aws-cdk#36649: across a second deploy (infra-only change) and a third (new image), and a
 *     strategy change, the production listener rule and its target groups are byte-identical, so
 *     CloudFormation never re-applies weights over the ones ECS set
 *   - container turnover: stop timeout 5 s above the service's drain, which follows shutdownSeconds
 */
// cspell:ignore Deploymentblue Deploymentgreen slipwayprodservice

import { configVariant, type Synthesized, shippedConfig, synth, templatesOf } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let shipped: Synthesized;
beforeAll(async () => {
  shipped = synth(await shippedConfig());
});

const service = (env: string, s: Synthesized = shipped) => templatesOf(s, env).service;

function ecsService(template: Template) {
  const [svc] = Object.values(template.findResources('AWS::ECS::Service')) as {
    Properties: {
      DeploymentConfiguration: Record<string, unknown>;
      LoadBalancers: Record<string, unknown>[];
    };
  }[];
  if (!svc) throw new Error('no ECS service');
  return svc.Properties;
}

function environmentOf(template: Template): Record<string, unknown> {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
  }[];
  return Object.fromEntries(
    (task?.Properties.ContainerDefinitions[0]?.Environment ?? []).map((e) => [e.Name, e.Value]),
  );
}

async function withDeploy(env: string, deploy: Record<string, unknown>) {
  const config = await configVariant((c) => {
    const target = c.environments[env];
    if (target) target.deploy = deploy as never;
  });
  return service(env, synth(config, { environments: [env] }));
}

describe('shipped strategy per environment', () => {
  it.each(['dev', 'test'])('%s deploys rolling, without hooks, migrating at task start', (env) => {
    const config = ecsService(service(env)).DeploymentConfiguration;
    expect(config.Strategy).toBe('ROLLING');
    expect(config.LifecycleHooks).toBeUndefined();
    expect(config.BakeTimeInMinutes).toBeUndefined();
    expect(environmentOf(service(env)).MIGRATE_ON_START).toBe('true');
    // The one function is CDK's AwsCustomResource (the edge reads CloudFront's prefix list id).
    const functions = Object.keys(service(env).findResources('AWS::Lambda::Function'));
    expect(functions.filter((id) => id.startsWith('Deployment'))).toEqual([]);
  });

  it('staging deploys blue/green with a 5-minute bake, migrate and smoke hooks', () => {
    const config = ecsService(service('staging')).DeploymentConfiguration;
    expect(config).toMatchObject({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 5 });
    expect(environmentOf(service('staging')).MIGRATE_ON_START).toBe('false');
  });

  it('prod deploys a 10 % canary, watched 10 minutes, then bakes 15 minutes', () => {
    const config = ecsService(service('prod')).DeploymentConfiguration;
    expect(config).toMatchObject({
      Strategy: 'CANARY',
      CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 },
      BakeTimeInMinutes: 15,
    });
  });

  it.each(['staging', 'prod'])(
    '%s runs migrations before scale-up and smoke tests after test traffic shifts',
    (env) => {
      const hooks = ecsService(service(env)).DeploymentConfiguration.LifecycleHooks as {
        HookTargetArn: { 'Fn::GetAtt': [string, string] };
        LifecycleStages: string[];
        RoleArn: unknown;
      }[];
      expect(
        hooks.map((h) => [h.HookTargetArn['Fn::GetAtt'][0].replace(/[0-9A-F]{8}$/, ''), h.LifecycleStages]),
      ).toEqual([
        ['DeploymentMigrateFunction', ['PRE_SCALE_UP']],
        ['DeploymentSmokeFunction', ['POST_TEST_TRAFFIC_SHIFT']],
      ]);
      service(env).hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Environment: {
          Variables: Match.objectLike({
            MIGRATE_COMMAND: '["node","dist/main.js","migrate"]',
            CONTAINER_NAME: 'app',
          }),
        },
      });
      service(env).hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({ TEST_PORT: '9000', READY_PATH: '/ready', INFO_PATH: '/info' }),
        },
        VpcConfig: Match.objectLike({ SubnetIds: Match.anyValue() }),
      });
    },
  );

  it.each(['staging', 'prod'])(
    '%s shifts traffic through the production rule with the green group as alternate',
    (env) => {
      const [lb] = ecsService(service(env)).LoadBalancers;
      expect(lb).toEqual({
        ContainerName: 'app',
        ContainerPort: 3000,
        TargetGroupArn: { Ref: expect.stringMatching(/^WebBlue/) },
        AdvancedConfiguration: {
          AlternateTargetGroupArn: { Ref: expect.stringMatching(/^WebGreen/) },
          ProductionListenerRule: { Ref: expect.stringMatching(/^WebProductionRule/) },
          TestListenerRule: { Ref: expect.stringMatching(/^WebTestRule/) },
          RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^WebServiceGreenRole/), 'Arn'] },
        },
      });
      service(env).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Principal: { Service: 'ecs.amazonaws.com' } })],
        }),
        ManagedPolicyArns: [
          Match.objectLike({
            'Fn::Join': Match.arrayWith([
              Match.arrayWith([Match.stringLikeRegexp('AmazonECSInfrastructureRolePolicyForLoadBalancers')]),
            ]),
          }),
        ],
      });
    },
  );
});

describe('every strategy', () => {
  it('linear shifts stepPercent per step with its step bake', async () => {
    const template = await withDeploy('staging', {
      strategy: 'linear',
      stepPercent: 25,
      stepBakeMinutes: 3,
      bakeMinutes: 2,
    });
    expect(ecsService(template).DeploymentConfiguration).toMatchObject({
      Strategy: 'LINEAR',
      LinearConfiguration: { StepPercent: 25, StepBakeTimeInMinutes: 3 },
      BakeTimeInMinutes: 2,
    });
  });

  it('blue/green without smoke tests registers only the migration hook', async () => {
    const template = await withDeploy('staging', { strategy: 'blue-green', smokeTest: false });
    const hooks = ecsService(template).DeploymentConfiguration.LifecycleHooks as {
      LifecycleStages: string[];
    }[];
    expect(hooks.map((h) => h.LifecycleStages)).toEqual([['PRE_SCALE_UP']]);
  });

  it('rolling still rolls back on the alarms and the circuit breaker', () => {
    expect(ecsService(service('dev')).DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Alarms: { Enable: true, Rollback: true, AlarmNames: expect.arrayContaining([expect.anything()]) },
    });
  });

  it.each(['dev', 'staging', 'prod'])(
    '%s rolls back on 5xx share and p99 latency of either target group',
    (env) => {
      const alarms = (
        ecsService(service(env)).DeploymentConfiguration.Alarms as { AlarmNames: { Ref: string }[] }
      ).AlarmNames;
      expect(alarms.map((a) => a.Ref.replace(/[0-9A-F]{8}$/, ''))).toEqual([
        'Deploymentblue5xx',
        'DeploymentblueP99',
        'Deploymentgreen5xx',
        'DeploymentgreenP99',
      ]);
      service(env).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `slipway-${env}-rollback-green-5xx`,
        Threshold: 5,
        EvaluationPeriods: 3,
        DatapointsToAlarm: 2,
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'IF(requests >= 10, 100 * errors / requests, 0)' }),
        ]),
      });
      service(env).hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `slipway-${env}-rollback-blue-p99`,
        MetricName: 'TargetResponseTime',
        ExtendedStatistic: 'p99',
        Threshold: 2,
      });
    },
  );
});

describe('test listener and hook permissions', () => {
  it('admits only the smoke function on the test listener port', () => {
    const template = service('prod');
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => p.FromPort === 9000);
    expect(ingress).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [expect.stringMatching(/^LoadBalancerSecurityGroup/), 'GroupId'] },
        SourceSecurityGroupId: {
          'Fn::GetAtt': [expect.stringMatching(/^DeploymentSmokeSecurityGroup/), 'GroupId'],
        },
      }),
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 9000,
      Protocol: 'HTTP',
      DefaultActions: [Match.objectLike({ Type: 'fixed-response' })],
    });
  });

  it('opens the test listener to configured CIDRs as well', async () => {
    const template = await withDeploy('staging', {
      strategy: 'blue-green',
      testListenerCidrs: ['203.0.113.0/24'],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Internal load balancer'),
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: '203.0.113.0/24', FromPort: 9000 })]),
    });
  });

  it('lets the migration hook run only this family in this cluster and pass roles only to ECS tasks', () => {
    const template = service('prod');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap(
        (p) =>
          (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties
            .PolicyDocument.Statement,
      )
      .filter((s) => typeof s.Sid === 'string');
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect(bySid.RunMigrationTask).toMatchObject({
      Action: 'ecs:RunTask',
      Resource: expect.stringMatching(/task-definition\/slipwayprodserviceWebTask[0-9A-F]+:\*$/),
      Condition: { ArnEquals: { 'ecs:cluster': expect.anything() } },
    });
    expect(bySid.PassTaskRoles).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(bySid.PassTaskRoles?.Resource).toHaveLength(2);
    // The migrations digests: read both parameters, write only the applied one.
    expect(bySid.ReadMigrationsDigests?.Resource).toEqual([
      'arn:aws:ssm:af-south-1:333333333333:parameter/slipway/prod/migrations/applied-digest',
      'arn:aws:ssm:af-south-1:333333333333:parameter/slipway/prod/release/migrations-digest',
    ]);
    expect(bySid.ReadMigrationsDigests).toMatchObject({ Action: 'ssm:GetParameter' });
    expect(JSON.stringify(bySid.RecordAppliedDigest?.Resource)).toEqual(
      expect.stringContaining('parameter/slipway/prod/migrations/applied-digest'),
    );
    expect(JSON.stringify(bySid.RecordAppliedDigest?.Resource)).not.toContain('release');
    expect(bySid.RecordAppliedDigest).toMatchObject({ Action: 'ssm:PutParameter' });
    const hook = Object.values(template.findResources('AWS::Lambda::Function')).find((f) =>
      JSON.stringify(f).includes('MIGRATE_COMMAND'),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } } | undefined;
    expect(hook?.Properties.Environment.Variables).toMatchObject({
      RELEASE_DIGEST_PARAMETER: '/slipway/prod/release/migrations-digest',
      APPLIED_DIGEST_PARAMETER: '/slipway/prod/migrations/applied-digest',
    });
    const anyStarAction = statements.filter((s) => JSON.stringify(s.Action).includes('*'));
    expect(anyStarAction).toEqual([]);
  });
});

describe('aws/aws-cdk#36649: later deploys keep traffic on the live target group', () => {
  // The rule, the test rule and the target groups they point at: if any of these changes in the
  // template, CloudFormation updates the rule and re-applies the template's weights.
  const TRAFFIC_TYPES = [
    'AWS::ElasticLoadBalancingV2::ListenerRule',
    'AWS::ElasticLoadBalancingV2::TargetGroup',
  ];
  const traffic = (template: Template) =>
    Object.fromEntries(TRAFFIC_TYPES.map((type) => [type, template.findResources(type)]));

  it.each(['staging', 'prod'])(
    '%s: an infra-only change, then a new image, leave the traffic resources untouched',
    async (env) => {
      const first = service(env);
      // Second deploy: infrastructure only (more memory, another variable, other alarm thresholds).
      const infraOnly = await configVariant((c) => {
        const web = c.services?.web;
        if (web) web.environment = { ...web.environment, FEATURE_FLAGS: 'search' };
        const target = c.environments[env];
        if (target) {
          target.service = { ...target.service, cpu: 1024, memoryMiB: 3072, maxTasks: 6 };
          target.deploy = { ...target.deploy, rollbackOn5xxPercent: 2 };
        }
      });
      const second = service(env, synth(infraOnly, { environments: [env] }));
      // Third deploy: a new image. The tag lives in SSM, so the template is the second one again.
      const third = service(env, synth(infraOnly, { environments: [env] }));

      expect(traffic(second)).toEqual(traffic(first));
      expect(traffic(third)).toEqual(traffic(first));
      // ...while the change really happened where it should (the task definition moved on).
      expect(JSON.stringify(second.findResources('AWS::ECS::TaskDefinition'))).not.toEqual(
        JSON.stringify(first.findResources('AWS::ECS::TaskDefinition')),
      );
      expect(JSON.stringify(third.toJSON())).toEqual(JSON.stringify(second.toJSON()));
    },
  );

  it('switching strategy (rolling → blue/green → canary) does not touch the production rule', async () => {
    const rules = [];
    for (const strategy of ['rolling', 'blue-green', 'canary']) {
      const template = await withDeploy('staging', { strategy });
      const rule = Object.entries(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule')).find(
        ([id]) => id.startsWith('WebProductionRule'),
      );
      rules.push(rule);
    }
    expect(rules[1]).toEqual(rules[0]);
    expect(rules[2]).toEqual(rules[0]);
  });

  it('changing the container port would replace the target groups (what `slipway deploy` refuses without --allow-traffic-reset)', async () => {
    const config = await configVariant((c) => {
      const web = c.services?.web;
      if (web?.type === 'web') web.port = 8080;
    });
    const changed = service('prod', synth(config, { environments: ['prod'] }));
    expect(traffic(changed)).not.toEqual(traffic(service('prod')));
  });
});

describe('container turnover settings', () => {
  it('stops the container 5 s after its 10 s drain, well inside Fargate limits', () => {
    service('prod').hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: 15,
          Environment: Match.arrayWith([{ Name: 'SHUTDOWN_TIMEOUT_MS', Value: '10000' }]),
        }),
      ],
    });
  });

  it('follows the configured drain: shutdownSeconds 20 gives a 25 s stop timeout', async () => {
    const config = await configVariant((c) => {
      const web = c.services?.web;
      if (web?.type === 'web') web.shutdownSeconds = 20;
    });
    Template.fromStack(
      synth(config, { environments: ['dev'] }).stacks.dev?.service as never,
    ).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ StopTimeout: 25 })],
    });
  });
});
