/*
 * The cost model, on the shipped environments and on small hand-made templates:
 *   - every environment: itemized lines present, each rounded to cents, summing exactly to the total
 *   - dev prices a NAT instance and no NAT gateway; prod three NAT gateways with their Elastic IPs
 *   - each log line names the volume assumption of its logs (flow logs, tasks, the trail)
 *   - Fargate Spot share follows the capacity provider strategy (spotShare from @slipway/config)
 *   - Multi-AZ doubles the RDS instance and storage lines
 *   - RDS Enhanced Monitoring is priced as CloudWatch Logs data when on, not at all when off
 *   - a resource type with no price is reported as unpriced, never dropped
 *   - a region without a price table prices nothing and says so
 *   - the price tables carry a date, a source and the same keys in every region
 *   - office hours read from the templates (scheduled actions, Scheduler schedules): RDS instance
 *     hours, Fargate task hours, NAT instance hours and its released public IPv4 scale with the
 *     running hours; storage, volumes and always-on addresses do not; unscheduled templates price
 *     exactly as before; the lines still sum to the total
 */

import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { PRICE_TABLES } from '../pricing/index.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import { stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { estimateCost, strategyCapacity } from './model.ts';
import { cronMinutesOfWeek } from './schedule.ts';

const stack = (template: Template, region = 'us-east-1'): StackInfo => ({
  stackName: 'test-stack',
  environment: 'test',
  account: '111111111111',
  region,
  template,
  templatePath: '/dev/null',
  constructPath: 'test-stack',
  dependencies: [],
  terminationProtection: false,
});

const cents = (n: number) => Math.round(n * 100);

describe('the cost model on the shipped environments', () => {
  it.each(['dev', 'test', 'staging', 'prod'])('itemizes %s into lines that sum to the total', async (env) => {
    const cost = estimateCost(stacksOf(await shippedAssembly(), env));
    expect(cost.lines.length).toBeGreaterThan(5);
    for (const l of cost.lines) expect(cents(l.monthly) / 100).toBe(l.monthly);
    expect(cost.lines.reduce((n, l) => n + cents(l.monthly), 0)).toBe(cents(cost.total));
    const items = cost.lines.map((l) => l.item).join('\n');
    for (const expected of [
      'Application Load Balancer',
      'Fargate',
      'RDS PostgreSQL',
      'CloudWatch alarms',
      'Public IPv4',
    ]) {
      expect(items, `${env}: ${expected}`).toContain(expected);
    }
  });

  it('prices a NAT instance for dev and three NAT gateways (one per zone) for prod', async () => {
    const s = await shippedAssembly();
    const dev = estimateCost(stacksOf(s, 'dev'));
    const prod = estimateCost(stacksOf(s, 'prod'));
    expect(dev.lines.some((l) => l.item.startsWith('NAT instance t4g.nano'))).toBe(true);
    expect(dev.lines.some((l) => l.resourceType === 'AWS::EC2::NatGateway')).toBe(false);
    expect(prod.lines.find((l) => l.item.startsWith('NAT gateways'))?.item).toBe('NAT gateways (3)');
    expect(prod.lines.find((l) => l.item.startsWith('Public IPv4'))?.item).toContain('3 Elastic IPs');
  });

  it('names the log volume each log line rests on: flow logs, the tasks, the trail', async () => {
    const s = await shippedAssembly();
    const logs = (stacks: StackInfo[], name: string) =>
      estimateCost(stacks.filter((x) => x.stackName === name)).lines.find((l) =>
        l.item.startsWith('CloudWatch Logs ingestion'),
      )?.assumption;
    expect(logs(stacksOf(s, 'dev'), 'slipway-dev-network')).toBe('flowLogGiBMonth');
    expect(logs(stacksOf(s, 'dev'), 'slipway-dev-service')).toBe('logGiBPerTaskMonth');
    expect(logs(s.stacks, 'slipway-audit-111111111111')).toBe('trailLogGiBMonth');
  });

  it('prices the Multi-AZ database at twice the single-AZ rate', () => {
    const db = (multi: boolean): Template => ({
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: {
            DBInstanceClass: 'db.t4g.small',
            Engine: 'postgres',
            MultiAZ: multi,
            AllocatedStorage: '20',
          },
        },
      },
    });
    const single = estimateCost([stack(db(false))]);
    const multi = estimateCost([stack(db(true))]);
    expect(cents(multi.total)).toBe(2 * cents(single.total));
    expect(single.lines[0]?.monthly).toBe(23.36); // 730 h × $0.032
  });

  it('prices RDS Enhanced Monitoring as CloudWatch Logs, only when it is on', () => {
    const db = (interval: number): Template => ({
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { DBInstanceClass: 'db.t4g.small', Engine: 'postgres', MonitoringInterval: interval },
        },
      },
    });
    const monitoring = (interval: number) =>
      estimateCost([stack(db(interval))]).lines.filter((l) => l.item.startsWith('RDS Enhanced Monitoring'));
    expect(monitoring(0)).toEqual([]);
    // 730 h × 3600 / 60 = 43,800 samples × 3 KiB = 0.125 GiB × ($0.50 + $0.03)
    expect(monitoring(60)).toEqual([
      expect.objectContaining({ monthly: 0.07, assumption: 'rdsMonitoringKiBPerSample' }),
    ]);
    // Every second: sixty times the data.
    expect(monitoring(1)[0]?.monthly).toBeCloseTo(3.98, 1);
  });
});

describe('the cost model on small templates', () => {
  const service = (strategy: unknown, desired = 2): Template => ({
    Resources: {
      Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1024', Memory: '2048' } },
      Svc: {
        Type: 'AWS::ECS::Service',
        Properties: {
          TaskDefinition: { Ref: 'Task' },
          DesiredCount: desired,
          CapacityProviderStrategy: strategy,
        },
      },
    },
  });

  it('follows the capacity provider strategy for the Spot share', () => {
    const onDemand = estimateCost([stack(service([{ CapacityProvider: 'FARGATE', Weight: 1 }]))]);
    const spot = estimateCost([stack(service([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]))]);
    const mixed = estimateCost([
      stack(
        service([
          { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
          { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
        ]),
      ),
    ]);
    // 2 tasks × 730 h × (1 × 0.04048 + 2 × 0.004445) = 72.08
    expect(onDemand.total).toBe(72.08);
    expect(spot.total).toBe(21.62); // × 0.3
    expect(mixed.lines[0]?.item).toContain('25% Spot'); // base 1 on-demand, the second task split 1:1
    expect(strategyCapacity([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }], undefined)).toBe('spot');
  });

  it('lists a type it cannot price as unpriced', () => {
    const cost = estimateCost([
      stack({
        Resources: {
          Queue: { Type: 'AWS::MemoryDB::Cluster' },
          Queue2: { Type: 'AWS::MemoryDB::Cluster' },
          Role: { Type: 'AWS::IAM::Role' },
        },
      }),
    ]);
    expect(cost.unpriced).toEqual([
      {
        resourceType: 'AWS::MemoryDB::Cluster',
        count: 2,
        stacks: ['test-stack'],
        reason: 'no price in the model',
      },
    ]);
    expect(cost.total).toBe(0);
  });

  it('lists an instance class missing from the table as unpriced', () => {
    const cost = estimateCost([
      stack({
        Resources: {
          Db: {
            Type: 'AWS::RDS::DBInstance',
            Properties: { DBInstanceClass: 'db.r8g.48xlarge', Engine: 'postgres' },
          },
        },
      }),
    ]);
    expect(cost.unpriced.map((u) => u.resourceType)).toEqual([
      'AWS::RDS::DBInstance (postgres db.r8g.48xlarge)',
    ]);
  });

  it('prices nothing in a region without a table, and says so', () => {
    const cost = estimateCost([stack(service([{ CapacityProvider: 'FARGATE', Weight: 1 }]), 'ap-east-1')]);
    expect(cost.total).toBe(0);
    expect(cost.unpriced[0]?.reason).toContain('no price table for ap-east-1');
  });
});

describe('office hours in the cost model', () => {
  // MON-FRI 08:00-18:00: 50 h a week, 50 × 730 / 168 = 217.26 h a month. The instances start 10
  // minutes before and stop 5 after: 51.25 h a week, 222.69 h a month.
  const TASK_HOURS = (50 * 730) / 168;
  const INSTANCE_HOURS = (51.25 * 730) / 168;
  const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
  const sdk = (action: string) => join('arn:', { Ref: 'AWS::Partition' }, `:scheduler:::aws-sdk:${action}`);
  const schedule = (expression: string, action: string, input: unknown) => ({
    Type: 'AWS::Scheduler::Schedule',
    Properties: {
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: 'Europe/London',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: sdk(action), Input: input, RoleArn: 'arn:aws:iam::111111111111:role/x' },
    },
  });

  /** A service (2 tasks, on-demand), a database and a NAT instance with a public IP; scheduled or not. */
  function environment(scheduled: boolean): Template {
    const dbInput = join('{"DBInstanceIdentifier":"', { Ref: 'Db' }, '"}');
    const natInput = join('{"InstanceIds":["', { Ref: 'Nat' }, '"]}');
    return {
      Resources: {
        Task: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1024', Memory: '2048' } },
        Svc: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: { Ref: 'Task' },
            DesiredCount: 2,
            CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }],
          },
        },
        Target: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: {
            ResourceId: join('service/cluster/', { 'Fn::GetAtt': ['Svc', 'Name'] }),
            MinCapacity: 2,
            MaxCapacity: 4,
            ...(scheduled
              ? {
                  ScheduledActions: [
                    {
                      ScheduledActionName: 'WebOfficeHoursStart',
                      Schedule: 'cron(0 8 ? * MON-FRI *)',
                      Timezone: 'Europe/London',
                      ScalableTargetAction: {
                        MinCapacity: { 'Fn::If': ['HasImage', 2, 0] },
                        MaxCapacity: { 'Fn::If': ['HasImage', 4, 0] },
                      },
                    },
                    {
                      ScheduledActionName: 'WebOfficeHoursStop',
                      Schedule: 'cron(0 18 ? * MON-FRI *)',
                      Timezone: 'Europe/London',
                      ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
                    },
                  ],
                }
              : {}),
          },
        },
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: { DBInstanceClass: 'db.t4g.micro', Engine: 'postgres', AllocatedStorage: '20' },
        },
        Nat: {
          Type: 'AWS::EC2::Instance',
          Properties: {
            InstanceType: 't4g.nano',
            SourceDestCheck: false,
            NetworkInterfaces: [{ AssociatePublicIpAddress: true, DeviceIndex: '0' }],
          },
        },
        ...(scheduled
          ? {
              StartDb: schedule('cron(50 7 ? * MON-FRI *)', 'rds:startDBInstance', dbInput),
              StopDb: schedule('cron(5 18 ? * MON-FRI *)', 'rds:stopDBInstance', dbInput),
              StartNat: schedule('cron(50 7 ? * MON-FRI *)', 'ec2:startInstances', natInput),
              StopNat: schedule('cron(5 18 ? * MON-FRI *)', 'ec2:stopInstances', natInput),
            }
          : {}),
      },
    };
  }

  const line = (cost: ReturnType<typeof estimateCost>, start: string) => {
    const found = cost.lines.find((l) => l.item.startsWith(start));
    if (!found)
      throw new Error(`no line starting "${start}" in ${cost.lines.map((l) => l.item).join(' | ')}`);
    return found;
  };

  it('prices scheduled resources for their running hours and says how many', () => {
    const always = estimateCost([stack(environment(false))]);
    const office = estimateCost([stack(environment(true))]);
    const scaled = (item: string, hours: number) => {
      const full = line(always, item).monthly;
      expect(line(office, item).monthly, item).toBeCloseTo((full * hours) / 730, 2);
      expect(line(office, item).monthly, item).toBeLessThan(full / 3);
    };
    scaled('RDS PostgreSQL', INSTANCE_HOURS);
    scaled('NAT instance t4g.nano', INSTANCE_HOURS);
    scaled('Fargate', TASK_HOURS);
    scaled('Public IPv4', INSTANCE_HOURS); // the instance's auto-assigned address is released while stopped
    expect(line(office, 'RDS PostgreSQL').item).toContain('office hours: 222.7 h of 730');
    expect(line(office, 'RDS PostgreSQL').detail).toBe(
      '222.7 h (MON-FRI 07:50-18:05 Europe/London) × $0.016/h',
    );
    expect(line(office, 'Fargate').item).toContain('2 tasks');
    expect(line(office, 'Fargate').item).toContain('office hours: 217.3 h of 730');
    expect(line(office, 'NAT instance').detail).toContain('222.7 h (MON-FRI 07:50-18:05 Europe/London)');
  });

  it('keeps storage, volumes and always-on lines whole', () => {
    const always = estimateCost([stack(environment(false))]);
    const office = estimateCost([stack(environment(true))]);
    for (const item of ['RDS gp3 storage', 'EBS gp3 root volume'])
      expect(line(office, item).monthly, item).toBe(line(always, item).monthly);
  });

  it('prices an unscheduled template exactly as before: 730 h, no office-hours note', () => {
    const always = estimateCost([stack(environment(false))]);
    expect(line(always, 'RDS PostgreSQL').monthly).toBe(11.68); // 730 h × $0.016
    expect(line(always, 'NAT instance').monthly).toBe(3.07); // 730 h × $0.0042
    expect(line(always, 'Fargate').monthly).toBe(72.08); // 2 × 730 h × (0.04048 + 2 × 0.004445)
    expect(line(always, 'Public IPv4').monthly).toBe(3.65);
    expect(always.lines.some((l) => l.item.includes('office hours'))).toBe(false);
  });

  it('still adds the lines up to the total', () => {
    const office = estimateCost([stack(environment(true))]);
    expect(office.lines.reduce((n, l) => n + cents(l.monthly), 0)).toBe(cents(office.total));
    expect(office.unpriced).toEqual([]); // the schedules themselves cost under a cent
  });

  it('mixes always-on and released addresses on the public IPv4 line', () => {
    const template = environment(true);
    const withAlb: Template = {
      Resources: {
        ...template.Resources,
        Alb: {
          Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          Properties: { Type: 'application', Subnets: ['a', 'b'] },
        },
      },
    };
    const ip = line(estimateCost([stack(withAlb)]), 'Public IPv4');
    expect(ip.detail).toBe('(2 × 730 h + 1 × 222.7 h) × $0.005/h');
    expect(ip.monthly).toBeCloseTo((2 * 730 + INSTANCE_HOURS) * 0.005, 2);
  });

  it('prices the shipped dev on office hours and leaves test, in the same account, always on', async () => {
    const s = await shippedAssembly();
    const dev = estimateCost(stacksOf(s, 'dev'));
    const test = estimateCost(stacksOf(s, 'test'));
    for (const item of ['RDS PostgreSQL', 'NAT instance', 'Fargate Web', 'Fargate Grafana'])
      expect(line(dev, item).item, item).toMatch(/office hours: 2\d\d\.\d h of 730/);
    expect(test.lines.some((l) => l.item.includes('office hours'))).toBe(false);
    expect(line(test, 'RDS PostgreSQL').monthly).toBe(11.68);
    expect(dev.total).toBeLessThan(test.total);
  });

  it('reads only cron(min hour ? * days *) schedules, and keeps anything else running all month', () => {
    expect(cronMinutesOfWeek('cron(0 8 ? * MON-FRI *)')).toEqual([1, 2, 3, 4, 5].map((d) => d * 1440 + 480));
    expect(cronMinutesOfWeek('cron(55 23 ? * SUN,THU *)')).toEqual([1435, 4 * 1440 + 1435]);
    expect(cronMinutesOfWeek('cron(0 8 * * ? *)')).toHaveLength(7);
    expect(cronMinutesOfWeek('rate(1 day)')).toBeUndefined();
    expect(cronMinutesOfWeek('cron(0 8,12 ? * MON-FRI *)')).toBeUndefined();
    expect(cronMinutesOfWeek('cron(0 8 1 * ? *)')).toBeUndefined();
    const template = environment(true);
    const odd: Template = {
      Resources: {
        ...template.Resources,
        StartDb: schedule(
          'rate(1 day)',
          'rds:startDBInstance',
          join('{"DBInstanceIdentifier":"', { Ref: 'Db' }, '"}'),
        ),
      },
    };
    expect(line(estimateCost([stack(odd)]), 'RDS PostgreSQL').monthly).toBe(11.68);
  });
});

describe('the price tables', () => {
  it('carry a date and a source, and the same keys in every region', () => {
    const keys = (o: object) => Object.keys(o).sort();
    const reference = keys(PRICE_TABLES['us-east-1']?.prices ?? {});
    for (const [region, table] of Object.entries(PRICE_TABLES)) {
      expect(table.region).toBe(region);
      expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(table.source.length).toBeGreaterThan(20);
      expect(keys(table.prices), region).toEqual(reference);
      expect(keys(table.prices.ec2Hour), region).toEqual(
        keys(PRICE_TABLES['us-east-1']?.prices.ec2Hour ?? {}),
      );
      for (const e of table.estimates)
        expect(reference, `${region} estimate ${e}`).toContain(e.split('.')[0]);
    }
  });
});
