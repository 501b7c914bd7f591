/*
 * The scheduled job. Scenarios and expected outcomes:
 *   - an EventBridge Scheduler schedule with the configured expression and time zone starts the
 *     state machine with `{ "trigger": "schedule" }`; `enabled: false` leaves it DISABLED
 *   - the state machine runs the task with ECS RunTask `.sync`, stops it after timeoutMinutes,
 *     retries any failure `retries` times (no Retry at 0), and lets only exit code 0 reach Succeeded
 *   - the execution's timeout covers every run and every wait between them
 *   - Spot capacity becomes the RunTask capacity provider strategy; on-demand by default
 *   - the task runs without a public IP, in its own security group (nothing in, HTTPS out)
 *   - execution logs: level ALL to a /aws/vendedlogs/ log group, encrypted with the given key; X-Ray on
 *   - one alarm on executions failed plus timed out (≥ 1 in 5 minutes) notifies the alarm topic
 *   - the state machine role may run this task definition only and pass only its two roles; the
 *     schedule's role may start this state machine only
 *   - invalid props fail at synth, all at once, naming each
 *   - cdk-nag AwsSolutions and the Control Tower controls find nothing unacknowledged, accept only
 *     the log group rows of the reviewed table, and do report a bare state machine beside the job
 */
import { jobAlarmName } from '@slipway/config/contract';
import { isolatedCluster } from '@slipway/testing/cdk';
import { constructPolicyFindings } from '@slipway/testing/policy';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { describe, expect, it } from 'vitest';
import { executionBudgetMinutes, ScheduledJob, type ScheduledJobProps } from './index.ts';

const TOPIC = 'arn:aws:sns:us-east-1:111111111111:shop-prod-alarms';

function build(stack: Stack, change: Partial<ScheduledJobProps> = {}): ScheduledJob {
  const { cluster } = isolatedCluster(stack);
  return new ScheduledJob(stack, 'Job', {
    name: 'nightly-report',
    alarmPrefix: 'shop-prod',
    cluster,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    image: ecs.ContainerImage.fromRegistry('example/app:1'),
    command: ['node', 'report.js'],
    user: '1000:1000',
    cpu: 256,
    memoryMiB: 512,
    schedule: 'cron(0 3 * * ? *)',
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', TOPIC),
    ...change,
  });
}

function synth(change: Partial<ScheduledJobProps> = {}, withKey = false) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const key = withKey ? new kms.Key(stack, 'LogsKey', { enableKeyRotation: true }) : undefined;
  build(stack, { logEncryptionKey: key, ...change });
  return Template.fromStack(stack);
}

/**
 * The state machine's definition, parsed. CDK renders it as a Fn::Join of strings and references,
 * each reference inside a JSON string: it becomes `<reference as JSON, single-quoted>` there.
 */
function definitionOf(template: Template) {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] as unknown[];
  const text = parts
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p).replaceAll('"', "'")))
    .join('');
  return JSON.parse(text) as {
    TimeoutSeconds: number;
    StartAt: string;
    States: Record<string, Record<string, unknown>>;
  };
}

function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('the schedule', () => {
  it('starts the state machine on the expression, in the time zone, with a schedule trigger', () => {
    const template = synth({ timeZone: 'Europe/Paris' });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: Match.objectLike({
        Arn: { Ref: logicalId(template, 'AWS::StepFunctions::StateMachine', 'JobStateMachine') },
        Input: JSON.stringify({ trigger: 'schedule' }),
        RetryPolicy: Match.objectLike({ MaximumEventAgeInSeconds: 3600 }),
      }),
    });
  });

  it('is DISABLED when the job is not enabled', () => {
    synth({ enabled: false }).hasResourceProperties('AWS::Scheduler::Schedule', { State: 'DISABLED' });
  });
});

describe('the state machine', () => {
  const definition = definitionOf(synth({ timeoutMinutes: 30, retries: 2 }));
  const run = definition.States.Run ?? {};

  it('runs the task and waits for it to stop (RunTask .sync)', () => {
    expect(definition.StartAt).toBe('Run');
    expect(run.Resource).toMatch(/:states:::ecs:runTask\.sync$/);
    expect(run.Parameters).toMatchObject({ LaunchType: 'FARGATE', PropagateTags: 'TASK_DEFINITION' });
  });

  it('stops a run after timeoutMinutes', () => {
    expect(run.TimeoutSeconds).toBe(30 * 60);
  });

  it('retries any failure `retries` times, one minute first, doubling up to ten', () => {
    expect(run.Retry).toEqual([
      {
        ErrorEquals: ['States.ALL'],
        MaxAttempts: 2,
        IntervalSeconds: 60,
        BackoffRate: 2,
        MaxDelaySeconds: 600,
      },
    ]);
  });

  it('does not retry by default', () => {
    expect(definitionOf(synth()).States.Run?.Retry).toBeUndefined();
  });

  it('lets only a container exit code of 0 reach Succeeded', () => {
    expect(run.Next).toBe('Exited 0?');
    expect(definition.States['Exited 0?']).toEqual({
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.Containers[0].ExitCode', IsPresent: true },
            { Variable: '$.Containers[0].ExitCode', NumericEquals: 0 },
          ],
          Next: 'Succeeded',
        },
      ],
      Default: 'Failed',
    });
    expect(definition.States.Failed).toMatchObject({ Type: 'Fail', Error: 'Job.ContainerDidNotSucceed' });
  });

  it('gives the execution time for every run and every wait between them', () => {
    // 3 runs of 30 minutes, waits of 1 and 2 minutes, 5 minutes of margin.
    expect(definition.TimeoutSeconds).toBe((3 * 30 + 1 + 2 + 5) * 60);
    expect(executionBudgetMinutes(60, 6)).toBe(7 * 60 + (1 + 2 + 4 + 8 + 10 + 10) + 5);
  });

  it('runs on Spot when the capacity says so', () => {
    const spot = definitionOf(synth({ capacity: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] }));
    expect(spot.States.Run?.Parameters).toMatchObject({
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });
    expect(spot.States.Run?.Parameters).not.toHaveProperty('LaunchType');
  });
});

describe('network', () => {
  it('runs the task in its subnets with its own security group: nothing in, HTTPS out', () => {
    const template = synth();
    const group = logicalId(template, 'AWS::EC2::SecurityGroup', 'JobSecurityGroup');
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 })],
    });
    const network = definitionOf(template).States.Run?.Parameters as {
      NetworkConfiguration: { AwsvpcConfiguration: Record<string, unknown> };
    };
    // RunTask's default is DISABLED; only `assignPublicIp: true` sets the field.
    expect(network.NetworkConfiguration.AwsvpcConfiguration).not.toHaveProperty('AssignPublicIp');
    expect(network.NetworkConfiguration.AwsvpcConfiguration.Subnets).toHaveLength(2);
    expect(JSON.stringify(network.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups)).toContain(group);
  });
});

describe('logs and tracing', () => {
  const template = synth({}, true);

  it('logs every execution event to an encrypted /aws/vendedlogs/ log group, and traces with X-Ray', () => {
    const group = logicalId(template, 'AWS::Logs::LogGroup', 'JobExecutionLogs');
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      KmsKeyId: { 'Fn::GetAtt': [logicalId(template, 'AWS::KMS::Key', 'LogsKey'), 'Arn'] },
      RetentionInDays: 30,
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: true,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [group, 'Arn'] } } }],
      },
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('the failure alarm', () => {
  it('fires on one failed or timed-out execution in 5 minutes, notifying the topic', () => {
    const template = synth();
    const machine = logicalId(template, 'AWS::StepFunctions::StateMachine', 'JobStateMachine');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: jobAlarmName('shop-prod', 'nightly-report'),
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      AlarmActions: [TOPIC],
      OKActions: [TOPIC],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(failed, 0) + FILL(timedOut, 0)', ReturnData: true }),
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/States',
              MetricName: 'ExecutionsFailed',
              Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machine } }],
            },
            Period: 300,
            Stat: 'Sum',
          }),
        }),
        Match.objectLike({
          Id: 'timedOut',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsTimedOut' }) }),
        }),
      ]),
    });
  });
});

describe('permissions', () => {
  it('lets the state machine run this task definition and pass only its task and execution roles', () => {
    const template = synth();
    const role = logicalId(template, 'AWS::IAM::Role', 'JobStateMachineRole');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    const runTask = statements.find((s) => s.Action === 'ecs:RunTask');
    expect(JSON.stringify(runTask?.Resource)).toContain(
      logicalId(template, 'AWS::ECS::TaskDefinition', 'JobTask'),
    );
    const passRole = statements.find((s) => s.Action === 'iam:PassRole');
    expect(passRole?.Resource).toEqual([
      { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'JobTaskTaskRole'), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(template, 'AWS::IAM::Role', 'JobTaskExecutionRole'), 'Arn'] },
    ]);
  });
});

describe('the schedule role', () => {
  it('may start this state machine and nothing else', () => {
    const template = synth();
    const role = logicalId(template, 'AWS::IAM::Role', 'SchedulerRoleForTarget');
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: 'states:StartExecution',
        Resource: { Ref: logicalId(template, 'AWS::StepFunctions::StateMachine', 'JobStateMachine') },
      },
    ]);
  });
});

describe('validation', () => {
  it('reports every invalid prop at once, naming each', () => {
    expect(() =>
      synth({ schedule: '0 3 * * *', timeZone: 'Mars/Olympus', timeoutMinutes: 0, retries: 11 }),
    ).toThrow(
      /schedule must be cron.*got "0 3 \* \* \*"; timeZone must be an IANA time zone.*got "Mars\/Olympus"; timeoutMinutes must be a whole number 1-1440, got 0; retries must be a whole number 0-10, got 11/,
    );
  });

  it('accepts rate and at expressions', () => {
    expect(() => synth({ schedule: 'rate(6 hours)' })).not.toThrow();
    expect(() => synth({ schedule: 'at(2027-01-01T00:00:00)' })).not.toThrow();
  });
});

describe('policy', () => {
  // The VPC and cluster are the test's scaffolding; everything else is the job's (a construct may add
  // resources at the stack's root, as the scheduler's target role is).
  const { findings, acknowledged } = constructPolicyFindings((stack) => build(stack));

  it('leaves no unacknowledged cdk-nag or Control Tower finding outside the scaffolding', () => {
    expect(findings.filter((f) => !/ at Policy\/(Vpc|Cluster)\//.test(f))).toEqual([]);
  });

  it('reports a bare state machine beside it (negative control: the checks cover state machines)', () => {
    const bare = constructPolicyFindings((stack) => {
      build(stack);
      new sfn.StateMachine(stack, 'Bare', {
        definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')),
      });
    }).findings.filter((f) => f.includes(' at Policy/Bare/'));
    expect(bare).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SF1 at Policy/Bare/Resource',
        'AwsSolutions-SF2 at Policy/Bare/Resource',
        'CT.STEPFUNCTIONS.PR.1 at Policy/Bare/Resource',
        'CT.STEPFUNCTIONS.PR.2 at Policy/Bare/Resource',
      ]),
    );
  });

  it('accepts only the log group findings of the reviewed table, with their reasons', () => {
    expect(
      acknowledged.filter((a) => a.path.startsWith('Policy/Job/')).map((a) => `${a.control} ${a.path}`),
    ).toEqual([
      'CT.CLOUDWATCH.PR.2 Policy/Job/Logs/Resource',
      'CT.CLOUDWATCH.PR.2 Policy/Job/ExecutionLogs/Resource',
      'CT.CLOUDWATCH.PR.3 Policy/Job/Logs/Resource',
      'CT.CLOUDWATCH.PR.3 Policy/Job/ExecutionLogs/Resource',
    ]);
  });
});
