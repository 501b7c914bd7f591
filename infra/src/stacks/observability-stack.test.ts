/*
 * Observability layer, per environment of the shipped config and for variants of it:
 *   - a stack `<app>-<env>-observability` that deploys after the service stack
 *   - the alarm topic: KMS-encrypted with a rotated key CloudWatch may use, TLS-only, email
 *     subscribers from config (prod: oncall@example.com; dev: none); its ARN written to SSM
 *   - the alarm pack: every alarm in protected prod, the minimum four in dev/test/staging;
 *     thresholds from config; names from monitoringName; every alarm notifies the topic on ALARM and OK
 *   - one CloudWatch dashboard `<app>-<env>-service` with an alarm status widget
 *   - Grafana's service, state and scaling: observability-grafana.test.ts
 *   - with allowed CIDRs: a listener rule at priority 10 for /grafana/* limited to those CIDRs, a
 *     target group health-checking /grafana/api/health, the ALB admitted on port 3000
 *   - pgAdmin: absent by default; when enabled, a one-task service with its own access point, a
 *     server entry for the environment's database, ingress to the database on 5432
 *   - an environment without Grafana and pgAdmin has no ECS service, file system or task role
 */

import { configVariant, ENVIRONMENTS, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

// Synthesizing the whole app takes seconds, far longer on a busy CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
}, SYNTH_TIMEOUT_MS);

const observability = (env: string, s: Synthesized = synthesized) => {
  const stack = s.stacks[env]?.observability;
  if (!stack) throw new Error(`no observability stack for ${env}`);
  return Template.fromStack(stack);
};

/** The environment's own alarms (the alarm pack's); per-service ones are observability-services.test.ts's. */
const alarmNames = (t: Template) =>
  Object.values(t.findResources('AWS::CloudWatch::Alarm'))
    .map((r) => (r as { Properties: { AlarmName: string } }).Properties.AlarmName)
    .filter((name) => !/-alarm-(web|backend|worker|job)-/.test(name))
    .sort();

describe.each(ENVIRONMENTS)('%s observability', (env) => {
  it('is its own stack deployed after the service stack', () => {
    const stacks = synthesized.stacks[env];
    expect(stacks?.observability?.stackName).toBe(`slipway-${env}-observability`);
    expect(stacks?.observability?.dependencies.map((d) => d.stackName)).toContain(`slipway-${env}-service`);
  });

  it('sends alarms to a KMS-encrypted, TLS-only topic whose ARN is in SSM', () => {
    const t = observability(env);
    t.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: `slipway-${env}-alarms`,
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AlarmsTopicKey'), 'Arn'] },
    });
    t.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      }),
    });
    t.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      }),
    });
    t.hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/slipway/${env}/service/alarm-topic-arn`,
      Value: { Ref: Match.stringLikeRegexp('^AlarmsTopic') },
    });
  });

  it('subscribes exactly the configured alarm emails', () => {
    const t = observability(env);
    const emails = synthesized.stacks[env]?.environment.alarms.email ?? [];
    t.resourceCountIs('AWS::SNS::Subscription', emails.length);
    for (const email of emails)
      t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
  });

  it('notifies the topic on ALARM and on OK from every alarm', () => {
    const t = observability(env);
    for (const alarm of Object.values(t.findResources('AWS::CloudWatch::Alarm'))) {
      const p = (
        alarm as { Properties: { AlarmActions: unknown[]; OKActions: unknown[]; AlarmDescription: string } }
      ).Properties;
      expect(p.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmsTopic/) }]);
      expect(p.OKActions).toEqual(p.AlarmActions);
      expect(p.AlarmDescription).toMatch(/Runbook: docs\/observability\.md#[a-z0-9]+$/);
    }
  });

  it('has one CloudWatch dashboard named by monitoringName, with an alarm status widget (unless dashboard: false)', () => {
    const t = observability(env);
    if (synthesized.stacks[env]?.environment.dashboard === false) {
      // dev (shipped config): Grafana shows the same metrics; the $3 dashboard is off.
      expect(env).toBe('dev');
      t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
      t.resourceCountIs('AWS::ECS::Service', 1);
      return;
    }
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: `slipway-${env}-service`,
      DashboardBody: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('"type":"alarm"')])]),
      }),
    });
  });
});

describe('alarm pack thresholds', () => {
  it('gives protected prod every alarm', () => {
    expect(alarmNames(observability('prod'))).toEqual(
      [
        'cpu-high',
        'db-connections-high',
        'db-cpu-high',
        'db-storage-low',
        'http5xx',
        'latency-p99',
        'memory-high',
        'tasks-below-desired',
        'unhealthy-hosts',
      ].map((n) => `slipway-prod-alarm-${n}`),
    );
  });

  it.each(['dev', 'test', 'staging'])('gives %s only the minimum alarms (it stays cheap)', (env) => {
    expect(alarmNames(observability(env))).toEqual(
      ['db-storage-low', 'http5xx', 'tasks-below-desired', 'unhealthy-hosts'].map(
        (n) => `slipway-${env}-alarm-${n}`,
      ),
    );
  });

  it('alarms when more than 5 % of requests fail over 5 minutes, from the 5xx and request counts', () => {
    observability('prod').hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-http5xx',
      Threshold: 5,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(requests > 0, 100 * errors / requests, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'HTTPCode_Target_5XX_Count' }),
            Period: 300,
            Stat: 'Sum',
          }),
        }),
      ]),
    });
  });

  it('alarms on p99 latency in seconds and on free storage in bytes', () => {
    const t = observability('prod');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-latency-p99',
      Threshold: 1.5,
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'TargetResponseTime' }),
            Stat: 'p99',
          }),
        }),
      ],
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-db-storage-low',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 2 * 1024 ** 3,
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ MetricName: 'FreeStorageSpace' }),
            Stat: 'Minimum',
          }),
        }),
      ],
    });
  });

  it('alarms when running tasks stay below desired for the configured minutes', () => {
    observability('prod').hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-tasks-below-desired',
      EvaluationPeriods: 10,
      DatapointsToAlarm: 10,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'desired - running' })]),
    });
  });

  it(
    'takes thresholds from config and leaves out an alarm set to false',
    async () => {
      const s = synth(
        await configVariant((c) => {
          const dev = c.environments.dev as { alarms?: unknown };
          dev.alarms = { rules: { cpuHigh: { percent: 60 }, http5xx: false } };
        }),
        { environments: ['dev'] },
      );
      const t = observability('dev', s);
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'slipway-dev-alarm-cpu-high',
        Threshold: 60,
      });
      expect(alarmNames(t)).not.toContain('slipway-dev-alarm-http5xx');
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe('Grafana behind the load balancer (allowed CIDRs configured)', () => {
  let t: Template;
  beforeAll(async () => {
    const s = synth(
      await configVariant((c) => {
        (c.environments.prod as { grafana?: unknown }).grafana = { allowedCidrs: ['203.0.113.0/24'] };
      }),
      { environments: ['prod'] },
    );
    t = observability('prod', s);
  }, SYNTH_TIMEOUT_MS);

  it("routes /grafana/* from the allowed CIDRs only (the viewer's address CloudFront forwards), below the app catch-all", () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10,
      ListenerArn: { Ref: Match.stringLikeRegexp('listenerarn') },
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/grafana/*'] } },
        {
          Field: 'http-header',
          HttpHeaderConfig: { HttpHeaderName: 'CloudFront-Viewer-Address', Values: ['203.0.113.*'] },
        },
      ],
    });
  });

  it('health-checks /grafana/api/health and serves from the /grafana/ sub-path of the service URL', () => {
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/grafana/api/health',
      Port: 3000,
      TargetType: 'ip',
    });
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([
            {
              Name: 'GF_SERVER_ROOT_URL',
              Value: { 'Fn::Join': ['', [{ Ref: Match.stringLikeRegexp('serviceurl') }, '/grafana/']] },
            },
            { Name: 'GF_SERVER_SERVE_FROM_SUB_PATH', Value: 'true' },
          ]),
        }),
      ],
    });
  });

  it('lets the load balancer reach Grafana on 3000, and nothing else new', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 3000,
      ToPort: 3000,
      SourceSecurityGroupId: { Ref: Match.stringLikeRegexp('loadbalancersecuritygroupid') },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { Ref: Match.stringLikeRegexp('loadbalancersecuritygroupid') },
      FromPort: 3000,
      ToPort: 3000,
    });
  });
});

describe('pgAdmin when enabled', () => {
  let t: Template;
  beforeAll(async () => {
    const s = synth(
      await configVariant((c) => {
        (c.environments.staging as { pgadmin?: unknown }).pgadmin = {
          enabled: true,
          allowedCidrs: ['198.51.100.7/32'],
        };
      }),
      { environments: ['staging'] },
    );
    t = observability('staging', s);
  }, SYNTH_TIMEOUT_MS);

  it('runs the pinned official image as one task with its own access point and login secret', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'pgadmin',
          Image: 'dpage/pgadmin4:9.8',
          User: '5050:0',
          Secrets: [
            {
              Name: 'PGADMIN_DEFAULT_PASSWORD',
              ValueFrom: { Ref: Match.stringLikeRegexp('^PgAdminLoginPassword') },
            },
          ],
          Environment: Match.arrayWith([
            { Name: 'PGADMIN_DEFAULT_EMAIL', Value: 'admin@slipway.internal' },
            { Name: 'SCRIPT_NAME', Value: '/pgadmin' },
          ]),
        }),
      ],
    });
    t.hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '5050', Gid: '0' } });
    t.resourceCountIs('AWS::ECS::Service', 2);
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'pgadmin' });
  });

  it("preconfigures a server entry for the environment's database, TLS required", () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'pgadmin',
          Environment: Match.arrayWith([
            {
              Name: 'SLIPWAY_SERVERS_JSON',
              Value: {
                'Fn::Join': [
                  '',
                  [
                    Match.stringLikeRegexp('"Name":"slipway-staging".*"Host":"$'),
                    { Ref: Match.stringLikeRegexp('dbendpoint') },
                    Match.stringLikeRegexp(
                      '"Port":5432,"MaintenanceDB":"app","Username":"app_admin","SSLMode":"require"',
                    ),
                  ],
                ],
              },
            },
          ]),
        }),
      ],
    });
  });

  it('opens the database to pgAdmin on 5432 and routes /pgadmin/* from the allowed CIDR', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { Ref: Match.stringLikeRegexp('dbsecuritygroupid') },
      FromPort: 5432,
      SourceSecurityGroupId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('^PgAdminSecurityGroup'), 'GroupId'],
      },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 20,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/pgadmin/*'] } },
        {
          Field: 'http-header',
          HttpHeaderConfig: { HttpHeaderName: 'CloudFront-Viewer-Address', Values: ['198.51.100.7:*'] },
        },
      ],
    });
  });
});

describe('an environment without Grafana or pgAdmin (test)', () => {
  it('has only the dashboard, alarms and topic: no service, file system or task role', () => {
    const t = observability('test');
    t.resourceCountIs('AWS::ECS::Service', 0);
    t.resourceCountIs('AWS::EFS::FileSystem', 0);
    t.resourceCountIs('AWS::IAM::Role', 0);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
