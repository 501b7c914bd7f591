/*
 * The queue worker. Scenarios and expected outcomes:
 *   - the queue is encrypted (SQS-managed by default, the given KMS key otherwise), refuses plain
 *     HTTP, and redrives a message to its dead-letter queue after maxReceiveCount receives; the
 *     dead-letter queue keeps messages 14 days and admits only this queue as its source
 *   - the container gets its queue's URL in QUEUE_URL, its drain time in SHUTDOWN_TIMEOUT_MS (stop
 *     timeout 5 s more) and no port; a user variable named QUEUE_URL fails
 *   - the tasks' own security group admits nothing and lets HTTPS out; a given group replaces it
 *   - the task role may receive, delete, change visibility and read attributes on its own queue only
 *     (nothing on the dead-letter queue, no wildcard); grantSend lets a producer send to it
 *   - alarms: a message in the dead-letter queue, the oldest message older than 10 minutes (or the
 *     configured minutes), each notifying the alarm topic on ALARM and OK
 *   - scaling: target tracking keeps visible messages ÷ running tasks at messagesPerTask; min 0 by
 *     default; a step policy adds one task when messages wait and none runs; with `runWhen` false
 *     (no image yet) the service and its scaling bounds are 0
 *   - invalid props fail at synth, all at once, naming each prop
 *   - cdk-nag AwsSolutions and the Control Tower controls find nothing unacknowledged, accept only
 *     the log group rows of the reviewed table, and do report a bare queue beside the worker
 */
import { WORKER_QUEUE_URL_VARIABLE } from '@slipway/config/contract';
import { isolatedCluster } from '@slipway/testing/cdk';
import { constructPolicyFindings } from '@slipway/testing/policy';
import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { WorkerService, type WorkerServiceProps } from './index.ts';

/** The worker in a stack of its own, with a VPC, a cluster and an alarm topic. */
function build(stack: Stack, change: Partial<WorkerServiceProps> = {}): WorkerService {
  const { cluster } = isolatedCluster(stack);
  return new WorkerService(stack, 'Worker', {
    name: 'email-sender',
    alarmPrefix: 'shop-prod',
    cluster,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    image: ecs.ContainerImage.fromRegistry('example/worker:1'),
    command: ['node', 'worker.js'],
    user: '1000:1000',
    cpu: 256,
    memoryMiB: 512,
    maxTasks: 4,
    alarmTopic: sns.Topic.fromTopicArn(stack, 'Topic', 'arn:aws:sns:us-east-1:111111111111:shop-prod-alarms'),
    ...change,
  });
}

function synth(
  change: Partial<WorkerServiceProps> = {},
  extend?: (stack: Stack, worker: WorkerService) => void,
) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const worker = build(stack, change);
  extend?.(stack, worker);
  return Template.fromStack(stack);
}

/** The logical id of the one resource of `type` whose id starts with `prefix`. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0] as string;
}

describe('queues', () => {
  const template = synth({ queue: { maxReceiveCount: 3, visibilityTimeoutSeconds: 120, retentionDays: 7 } });
  const queue = logicalId(template, 'AWS::SQS::Queue', 'WorkerQueue');
  const deadLetters = logicalId(template, 'AWS::SQS::Queue', 'WorkerDeadLetterQueue');

  it('redrives a message to the dead-letter queue after maxReceiveCount receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [deadLetters, 'Arn'] }, maxReceiveCount: 3 },
      VisibilityTimeout: 120,
      MessageRetentionPeriod: 7 * 86_400,
      SqsManagedSseEnabled: true,
    });
  });

  it('keeps dead letters 14 days and admits only the worker queue as their source', () => {
    const props = template.findResources('AWS::SQS::Queue')[deadLetters]?.Properties;
    expect(props).toMatchObject({ MessageRetentionPeriod: 14 * 86_400, SqsManagedSseEnabled: true });
    expect(props.RedriveAllowPolicy.redrivePermission).toBe('byQueue');
    expect(JSON.stringify(props.RedriveAllowPolicy.sourceQueueArns)).toContain(
      template.findResources('AWS::SQS::Queue')[queue]?.Properties.QueueName,
    );
  });

  it('refuses requests without TLS on both queues', () => {
    for (const id of [queue, deadLetters]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('encrypts both queues with the given KMS key instead of SQS-managed keys', () => {
    const stack = new Stack(new App(), 'Kms', { env: { account: '111111111111', region: 'us-east-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    build(stack, { queue: { encryptionKey: key } });
    const kmsTemplate = Template.fromStack(stack);
    const queues = Object.values(kmsTemplate.findResources('AWS::SQS::Queue'));
    expect(queues.map((q) => q.Properties.KmsMasterKeyId)).toEqual([
      { 'Fn::GetAtt': [logicalId(kmsTemplate, 'AWS::KMS::Key', 'Key'), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(kmsTemplate, 'AWS::KMS::Key', 'Key'), 'Arn'] },
    ]);
    expect(queues.map((q) => q.Properties.SqsManagedSseEnabled)).toEqual([undefined, undefined]);
  });
});

describe('the container', () => {
  it('gets its drain time in SHUTDOWN_TIMEOUT_MS and 5 s more before SIGKILL', () => {
    const template = synth({ shutdownSeconds: 40 });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: 45,
          Environment: Match.arrayWith([{ Name: 'SHUTDOWN_TIMEOUT_MS', Value: '40000' }]),
        }),
      ],
    });
  });

  it('gets its queue URL in QUEUE_URL, its command, and no port', () => {
    const template = synth();
    const queue = logicalId(template, 'AWS::SQS::Queue', 'WorkerQueue');
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'app',
          Command: ['node', 'worker.js'],
          ReadonlyRootFilesystem: true,
          User: '1000:1000',
          PortMappings: Match.absent(),
          Environment: Match.arrayWith([{ Name: WORKER_QUEUE_URL_VARIABLE, Value: { Ref: queue } }]),
        }),
      ],
    });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
  });

  it('runs on the configured capacity providers', () => {
    const template = synth({
      capacity: [
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
      ],
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      ],
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
  });
});

describe('network', () => {
  it('admits nothing in and lets HTTPS out by default', () => {
    synth().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Queue worker tasks: no ingress, HTTPS egress only',
      SecurityGroupIngress: Match.absent(),
      SecurityGroupEgress: [
        Match.objectLike({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      ],
    });
  });

  it('uses the security group it is given instead of its own', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const other = new ec2.Vpc(stack, 'Other', {
      maxAzs: 1,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
    });
    build(stack, { securityGroup: new ec2.SecurityGroup(stack, 'Given', { vpc: other }) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          SecurityGroups: [
            { 'Fn::GetAtt': [logicalId(template, 'AWS::EC2::SecurityGroup', 'Given'), 'GroupId'] },
          ],
        }),
      },
    });
  });
});

describe('permissions', () => {
  const template = synth({}, (stack, worker) => {
    const producer = new iam.Role(stack, 'Producer', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    worker.grantSend(producer);
  });
  const queue = logicalId(template, 'AWS::SQS::Queue', 'WorkerQueue');

  /** Every statement of the IAM policies attached to a role whose logical id starts with `prefix`. */
  function statementsOf(t: Template, rolePrefix: string) {
    const role = logicalId(t, 'AWS::IAM::Role', rolePrefix);
    return Object.values(t.findResources('AWS::IAM::Policy'))
      .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .map((statement) => ({ ...statement, Action: [statement.Action].flat().sort() }));
  }

  it('lets the task role consume its own queue only', () => {
    const sqsStatements = statementsOf(template, 'WorkerTaskTaskRole').filter((s) =>
      [s.Action].flat().some((a) => a.startsWith('sqs:')),
    );
    expect(sqsStatements).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'sqs:ChangeMessageVisibility',
          'sqs:DeleteMessage',
          'sqs:GetQueueAttributes',
          'sqs:GetQueueUrl',
          'sqs:ReceiveMessage',
        ],
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
    ]);
  });

  it('lets a producer granted with grantSend send to the queue, and nothing more', () => {
    expect(statementsOf(template, 'Producer')).toEqual([
      {
        Effect: 'Allow',
        Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
      },
    ]);
  });
});

describe('alarms', () => {
  const template = synth({ queue: { oldestMessageAlarmMinutes: 15 } });
  const topic = 'arn:aws:sns:us-east-1:111111111111:shop-prod-alarms';

  it('fires when a message reaches the dead-letter queue, notifying the topic on ALARM and OK', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-prod-alarm-worker-email-sender-dead-letters',
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'WorkerDeadLetter'), 'QueueName'] },
        },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [topic],
      OKActions: [topic],
    });
  });

  it('fires when the oldest message waited longer than the configured minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-prod-alarm-worker-email-sender-oldest-message',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Statistic: 'Maximum',
      Threshold: 15 * 60,
      AlarmActions: [topic],
    });
  });

  it('waits 10 minutes by default', () => {
    synth().hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 600,
    });
  });
});

describe('scaling', () => {
  const template = synth({ messagesPerTask: 25 });

  it('scales between 0 and maxTasks by default', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 0,
      MaxCapacity: 4,
    });
  });

  it('tracks visible messages per running task at messagesPerTask', () => {
    const queue = logicalId(template, 'AWS::SQS::Queue', 'WorkerQueue');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 25,
        CustomizedMetricSpecification: {
          Metrics: [
            Match.objectLike({
              Id: 'visible',
              MetricStat: {
                Metric: Match.objectLike({
                  Namespace: 'AWS/SQS',
                  MetricName: 'ApproximateNumberOfMessagesVisible',
                  Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }],
                }),
                Stat: 'Sum',
              },
              ReturnData: false,
            }),
            Match.objectLike({
              Id: 'running',
              MetricStat: Match.objectLike({
                Metric: Match.objectLike({
                  Namespace: 'ECS/ContainerInsights',
                  MetricName: 'RunningTaskCount',
                }),
              }),
            }),
            Match.objectLike({ Id: 'backlogPerTask', Expression: 'visible / running', ReturnData: true }),
          ],
        },
      },
    });
  });

  it('wakes from zero with one task when messages wait and none runs', () => {
    const policy = logicalId(template, 'AWS::ApplicationAutoScaling::ScalingPolicy', 'WorkerWakeFromZero');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({
        AdjustmentType: 'ChangeInCapacity',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: policy }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)', ReturnData: true }),
      ]),
    });
  });
});

describe('an environment without its first image', () => {
  it('runs no task, and lets autoscaling start none, while the condition is false', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const tag = new CfnParameter(stack, 'Tag', { type: 'String', default: '' });
    const runWhen = new CfnCondition(stack, 'HasImage', {
      expression: Fn.conditionNot(Fn.conditionEquals(tag, '')),
    });
    build(stack, { minTasks: 1, runWhen });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: { 'Fn::If': ['HasImage', 1, 0] } });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: { 'Fn::If': ['HasImage', 1, 0] },
      MaxCapacity: { 'Fn::If': ['HasImage', 4, 0] },
    });
  });
});

describe('validation', () => {
  it('reports every invalid prop at once, naming each', () => {
    expect(() =>
      synth({
        minTasks: 5,
        maxTasks: 2,
        environment: { [WORKER_QUEUE_URL_VARIABLE]: 'x' },
        queue: { maxReceiveCount: 0, retentionDays: 30 },
      }),
    ).toThrow(
      /minTasks must be 0\.\.maxTasks.*got minTasks 5, maxTasks 2; .*queue\.retentionDays must be 1-14, got 30; .*queue\.maxReceiveCount must be 1-1000, got 0; .*must not set QUEUE_URL/,
    );
  });

  it('rejects a worker name that cannot name variables and alarms', () => {
    expect(() => synth({ name: 'Email_Sender' })).toThrow(
      /WorkerService Email_Sender: name: worker name must be lower-case/,
    );
  });

  it('rejects a capacity strategy ECS would refuse', () => {
    expect(() =>
      synth({
        capacity: [
          { capacityProvider: 'FARGATE', base: 1, weight: 1 },
          { capacityProvider: 'FARGATE_SPOT', base: 1, weight: 1 },
        ],
      }),
    ).toThrow(/capacity may give a base to one provider only/);
  });
});

describe('policy', () => {
  // The VPC and cluster are the test's scaffolding; everything else is the worker's (a construct may add
  // resources at the stack's root, as the scheduler's target role is).
  const { findings, acknowledged } = constructPolicyFindings((stack) => build(stack));

  it('leaves no unacknowledged cdk-nag or Control Tower finding outside the scaffolding', () => {
    expect(findings.filter((f) => !/ at Policy\/(Vpc|Cluster)\//.test(f))).toEqual([]);
  });

  it('reports a bare queue beside it (negative control: the checks cover queues)', () => {
    const bare = constructPolicyFindings((stack) => {
      build(stack);
      new sqs.Queue(stack, 'Bare', { encryption: sqs.QueueEncryption.UNENCRYPTED });
    }).findings.filter((f) => f.includes(' at Policy/Bare/'));
    expect(bare).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS2 at Policy/Bare/Resource',
        'AwsSolutions-SQS3 at Policy/Bare/Resource',
        'AwsSolutions-SQS4 at Policy/Bare/Resource',
        'CT.SQS.PR.1 at Policy/Bare/Resource',
        'CT.SQS.PR.2 at Policy/Bare/Resource',
      ]),
    );
  });

  it('accepts only the log group findings of the reviewed table, with their reasons', () => {
    expect(acknowledged.filter((a) => a.path.startsWith('Policy/Worker/'))).toEqual([
      expect.objectContaining({ control: 'CT.CLOUDWATCH.PR.2', path: 'Policy/Worker/Logs/Resource' }),
      expect.objectContaining({ control: 'CT.CLOUDWATCH.PR.3', path: 'Policy/Worker/Logs/Resource' }),
    ]);
  });
});
