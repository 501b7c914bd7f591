/*
 * OfficeHours: the scheduled actions on an ECS service's scalable target (bounds at the start,
 * zero at the stop, in the time zone; zero as well before the first image), the Scheduler
 * schedules that stop and start an RDS instance and an EC2 instance ahead of the tasks, a role
 * that may do exactly that to those two instances, and props that fail naming the prop.
 */
import { App, CfnCondition, CfnParameter, Fn, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { describe, expect, it } from 'vitest';
import { cronAt, OfficeHours, type OfficeHoursProps } from './office-hours.ts';

/** An ARN as CDK renders it: `arn:<partition>` and the rest (strings and references). */
const arn = (...rest: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...rest]] });
const natRef = { Ref: Match.stringLikeRegexp('^Nat') };

function setup() {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const task = new ecs.FargateTaskDefinition(stack, 'Task');
  task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/x/app:1') });
  const service = new ecs.FargateService(stack, 'Service', { cluster, taskDefinition: task });
  const scaling = service.autoScaleTaskCount({ minCapacity: 1, maxCapacity: 3 });
  const database = rds.DatabaseInstance.fromDatabaseInstanceAttributes(stack, 'Db', {
    instanceIdentifier: 'app-dev-db',
    instanceEndpointAddress: 'db.example',
    port: 5432,
    securityGroups: [],
  });
  const instance = new ec2.Instance(stack, 'Nat', {
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    instanceType: new ec2.InstanceType('t4g.nano'),
    machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
  });
  const hours: OfficeHoursProps = {
    days: 'MON-FRI',
    start: '08:00',
    stop: '18:00',
    timezone: 'Europe/London',
  };
  return { stack, scaling, database, instance, hours };
}

describe('OfficeHours', () => {
  it('scales a service to its bounds at the start and to zero at the stop, in the time zone', () => {
    const { stack, scaling, hours } = setup();
    new OfficeHours(stack, 'Hours', {
      ...hours,
      services: [{ name: 'Web', scaling, minTasks: 1, maxTasks: 3 }],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 3,
      ScheduledActions: [
        {
          ScheduledActionName: 'WebOfficeHoursStart',
          Schedule: 'cron(0 8 ? * MON-FRI *)',
          Timezone: 'Europe/London',
          ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 3 },
        },
        {
          ScheduledActionName: 'WebOfficeHoursStop',
          Schedule: 'cron(0 18 ? * MON-FRI *)',
          Timezone: 'Europe/London',
          ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
        },
      ],
    });
  });

  it('keeps a service at zero at the start while its run condition is false (no image yet)', () => {
    const { stack, scaling, hours } = setup();
    const tag = new CfnParameter(stack, 'Tag', { type: 'String' });
    const hasImage = new CfnCondition(stack, 'HasImage', {
      expression: Fn.conditionNot(Fn.conditionEquals(tag.valueAsString, 'bootstrap')),
    });
    new OfficeHours(stack, 'Hours', {
      ...hours,
      services: [{ name: 'Web', scaling, minTasks: 1, maxTasks: 3, runWhen: hasImage }],
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: Match.arrayWith([
        Match.objectLike({
          ScheduledActionName: 'WebOfficeHoursStart',
          ScalableTargetAction: {
            MinCapacity: { 'Fn::If': ['HasImage', 1, 0] },
            MaxCapacity: { 'Fn::If': ['HasImage', 3, 0] },
          },
        }),
      ]),
    });
  });

  it('starts the database and the NAT instance 10 minutes before the tasks and stops them 5 minutes after', () => {
    const { stack, database, instance, hours } = setup();
    new OfficeHours(stack, 'Hours', {
      ...hours,
      databases: [database],
      instances: [instance],
      label: 'app-dev',
    });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::Scheduler::Schedule', 4);
    const schedule = (expression: string, target: unknown, input: unknown) =>
      t.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: 'Europe/London',
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: Match.objectLike({
          Arn: target,
          Input: input,
          RetryPolicy: { MaximumEventAgeInSeconds: 1800, MaximumRetryAttempts: 2 },
        }),
      });
    const db = JSON.stringify({ DBInstanceIdentifier: 'app-dev-db' });
    const sdk = (action: string) => arn(`:scheduler:::aws-sdk:${action}`);
    schedule('cron(50 7 ? * MON-FRI *)', sdk('rds:startDBInstance'), db);
    schedule('cron(5 18 ? * MON-FRI *)', sdk('rds:stopDBInstance'), db);
    const nat = { 'Fn::Join': ['', ['{"InstanceIds":["', natRef, '"]}']] };
    schedule('cron(50 7 ? * MON-FRI *)', sdk('ec2:startInstances'), nat);
    schedule('cron(5 18 ? * MON-FRI *)', sdk('ec2:stopInstances'), nat);
  });

  it('lets the scheduler stop and start exactly those two instances, and only from this account', () => {
    const { stack, database, instance, hours } = setup();
    new OfficeHours(stack, 'Hours', { ...hours, databases: [database], instances: [instance] });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '111111111111',
                'aws:SourceArn': arn(':scheduler:us-east-1:111111111111:schedule-group/default'),
              },
            },
          }),
        ],
      },
    });
    const dbArn = arn(':rds:us-east-1:111111111111:db:app-dev-db');
    const natArn = arn(':ec2:us-east-1:111111111111:instance/', natRef);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'rds:StartDBInstance',
            Effect: 'Allow',
            Resource: dbArn,
          },
          {
            Action: 'rds:StopDBInstance',
            Effect: 'Allow',
            Resource: dbArn,
          },
          { Action: 'ec2:StartInstances', Effect: 'Allow', Resource: natArn },
          { Action: 'ec2:StopInstances', Effect: 'Allow', Resource: natArn },
        ],
      },
    });
  });

  it('moves the instances to the previous day when the lead crosses midnight', () => {
    expect(cronAt('MON-FRI', 5, -10)).toEqual({ minute: '55', hour: '23', weekDay: 'SUN-THU' });
    expect(cronAt('MON,FRI', 23 * 60 + 58, 5)).toEqual({ minute: '3', hour: '0', weekDay: 'TUE,SAT' });
    expect(cronAt('SAT', 23 * 60 + 58, 5).weekDay).toBe('SUN');
    expect(cronAt('MON-FRI', 8 * 60 + 30)).toEqual({ minute: '30', hour: '8', weekDay: 'MON-FRI' });
  });

  it.each([
    [{ days: 'weekdays' }, /days must be a cron day-of-week field/],
    [{ days: 'FRI-MON' }, /days must list ranges in SUN..SAT order/],
    [{ start: '8:00' }, /start must be a 24-hour time HH:MM/],
    [{ stop: '18:00:00' }, /stop must be a 24-hour time HH:MM/],
    [{ start: '18:00', stop: '08:00' }, /stop must be at least 60 minutes after start/],
    [{ timezone: 'Europe London' }, /timezone must be an IANA time zone name/],
    [{ leadMinutes: -5 }, /leadMinutes must be a whole number of minutes from 0 to 120/],
    [{ lagMinutes: 1.5 }, /lagMinutes must be a whole number of minutes from 0 to 120/],
  ] as [Partial<OfficeHoursProps>, RegExp][])('rejects %o naming the prop', (change, error) => {
    const { stack, database, hours } = setup();
    expect(() => new OfficeHours(stack, 'Hours', { ...hours, databases: [database], ...change })).toThrow(
      error,
    );
  });

  it('rejects a schedule with nothing to schedule, and service bounds that cannot hold', () => {
    const { stack, scaling, hours } = setup();
    expect(() => new OfficeHours(stack, 'Empty', hours)).toThrow(/nothing to schedule/);
    expect(
      () =>
        new OfficeHours(stack, 'Bad', {
          ...hours,
          services: [{ name: 'Web', scaling, minTasks: 2, maxTasks: 1 }],
        }),
    ).toThrow(/services\["Web"\] needs 0 ≤ minTasks ≤ maxTasks/);
  });
});
