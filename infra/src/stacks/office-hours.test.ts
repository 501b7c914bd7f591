/*
 * Office hours wired through the stacks, from each environment's resolved `officeHours` (never its name):
 *   - dev (MON-FRI 08:00-18:00 Europe/London in the shipped config): the NAT instance and the
 *     database start at 07:50 and stop at 18:05; the web service and Grafana scale up at 08:00 and
 *     to zero at 18:00, the web service to zero at the start too until the first image is released
 *   - the NAT instance's id is published for `slipway deploy`, which wakes a sleeping environment
 *   - test, staging and prod (no office hours) get no schedule of any kind
 *   - a NAT gateway environment with office hours schedules no EC2 instance; pgAdmin is scheduled with Grafana
 *   - a pull-request preview inherits its base's office hours
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let shipped: Synthesized;
beforeAll(async () => {
  shipped = synth(await shippedConfig());
});

function templates(s: Synthesized, env: string) {
  const stacks = s.stacks[env];
  if (!stacks) throw new Error(`${env} was not synthesized`);
  const of = (stack: Stack | undefined) => (stack ? Template.fromStack(stack) : undefined);
  return {
    network: of(stacks.network),
    data: of(stacks.data),
    service: of(stacks.service),
    observability: of(stacks.observability),
  };
}

const arnOf = (template: Template | undefined, action: string) =>
  Object.values(template?.findResources('AWS::Scheduler::Schedule') ?? {}).filter((r) =>
    JSON.stringify(r).includes(`aws-sdk:${action}`),
  );

const scheduledActions = (template: Template | undefined) =>
  Object.values(template?.findResources('AWS::ApplicationAutoScaling::ScalableTarget') ?? {}).flatMap(
    (r) => (r as { Properties: { ScheduledActions?: unknown[] } }).Properties.ScheduledActions ?? [],
  );

describe('office hours in the shipped dev environment', () => {
  it('starts the NAT instance before the tasks and stops it after them, limited to that instance', () => {
    const { network } = templates(shipped, 'dev');
    for (const [action, cron] of [
      ['ec2:startInstances', 'cron(50 7 ? * MON-FRI *)'],
      ['ec2:stopInstances', 'cron(5 18 ? * MON-FRI *)'],
    ] as const) {
      expect(arnOf(network, action), action).toHaveLength(1);
      network?.hasResourceProperties('AWS::Scheduler::Schedule', {
        ScheduleExpression: cron,
        ScheduleExpressionTimezone: 'Europe/London',
        Target: Match.objectLike({
          Arn: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([`:scheduler:::aws-sdk:${action}`])] }),
        }),
      });
    }
    const natId = Object.keys(network?.findResources('AWS::EC2::Instance') ?? {})[0];
    network?.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['ec2:StartInstances', 'ec2:StopInstances'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:aws:ec2:us-east-1:111111111111:instance/', { Ref: natId }]] },
          },
        ],
      },
    });
    network?.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slipway/dev/network/nat-instance-id',
      Value: { Ref: natId },
    });
  });

  it('stops and starts the RDS instance through a role scoped to it', () => {
    const { data } = templates(shipped, 'dev');
    expect(arnOf(data, 'rds:startDBInstance')).toHaveLength(1);
    expect(arnOf(data, 'rds:stopDBInstance')).toHaveLength(1);
    const dbId = Object.keys(data?.findResources('AWS::RDS::DBInstance') ?? {})[0];
    data?.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(50 7 ? * MON-FRI *)',
      Target: Match.objectLike({
        Input: { 'Fn::Join': ['', ['{"DBInstanceIdentifier":"', { Ref: dbId }, '"}']] },
      }),
    });
    // One statement per action, each on that instance's ARN alone.
    const dbArn = { 'Fn::Join': ['', Match.arrayWith([{ Ref: dbId }])] };
    data?.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: 'rds:StartDBInstance', Effect: 'Allow', Resource: dbArn },
          { Action: 'rds:StopDBInstance', Effect: 'Allow', Resource: dbArn },
        ],
      },
    });
  });

  it('scales the web service to its bounds at 08:00 (once an image exists) and to zero at 18:00', () => {
    const { service } = templates(shipped, 'dev');
    service?.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        {
          ScheduledActionName: 'WebOfficeHoursStart',
          Schedule: 'cron(0 8 ? * MON-FRI *)',
          Timezone: 'Europe/London',
          ScalableTargetAction: {
            MinCapacity: { 'Fn::If': ['HasImage', 1, 0] },
            MaxCapacity: { 'Fn::If': ['HasImage', 2, 0] },
          },
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

  it("puts Grafana's own scalable target (1 to 2 tasks) on the same hours", () => {
    const { observability } = templates(shipped, 'dev');
    observability?.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 1,
      MaxCapacity: 2,
      ScalableDimension: 'ecs:service:DesiredCount',
      ScheduledActions: [
        Match.objectLike({
          ScheduledActionName: 'GrafanaOfficeHoursStart',
          ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 2 },
        }),
        Match.objectLike({
          ScheduledActionName: 'GrafanaOfficeHoursStop',
          ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
        }),
      ],
    });
    observability?.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 1);
  });

  it.each(['test', 'staging', 'prod'])(
    'leaves %s (no office hours) always on: no schedule anywhere but the nightly job',
    (env) => {
      const t = templates(shipped, env);
      for (const template of Object.values(t)) {
        const schedules = Object.keys(template?.findResources('AWS::Scheduler::Schedule') ?? {});
        // The prune job's own schedule starts the job; it scales nothing.
        expect(schedules.filter((id) => !id.startsWith('ServicePrune'))).toEqual([]);
        expect(scheduledActions(template)).toEqual([]);
      }
    },
  );
});

describe('office hours in other shapes', () => {
  it('schedules no instance behind a NAT gateway, and pgAdmin with Grafana', async () => {
    const config = await configVariant((c) => {
      const staging = c.environments.staging;
      if (!staging) throw new Error('staging missing');
      staging.officeHours = {
        days: 'MON-FRI',
        start: '07:00',
        stop: '19:30',
        timezone: 'Africa/Johannesburg',
      };
      staging.pgadmin = { enabled: true };
    });
    const s = synth(config, { environments: ['staging'] });
    const t = templates(s, 'staging');
    t.network?.resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(arnOf(t.data, 'rds:stopDBInstance')).toHaveLength(1);
    t.data?.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(35 19 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Africa/Johannesburg',
    });
    const names = scheduledActions(t.observability).map(
      (a) => (a as { ScheduledActionName: string }).ScheduledActionName,
    );
    expect(names.sort()).toEqual([
      'GrafanaOfficeHoursStart',
      'GrafanaOfficeHoursStop',
      'PgAdminOfficeHoursStart',
      'PgAdminOfficeHoursStop',
    ]);
  });

  it("gives a pull-request preview its base's office hours", async () => {
    const s = synth(await shippedConfig(), { environments: ['pr-7'] });
    const names = scheduledActions(templates(s, 'pr-7').service).map(
      (a) => (a as { ScheduledActionName: string }).ScheduledActionName,
    );
    // Every long-running service of the preview (the job keeps its schedule).
    expect(names).toEqual([
      'WebOfficeHoursStart',
      'WebOfficeHoursStop',
      'ServiceApiOfficeHoursStart',
      'ServiceApiOfficeHoursStop',
      'ServiceWorkerOfficeHoursStart',
      'ServiceWorkerOfficeHoursStop',
    ]);
  });
});
