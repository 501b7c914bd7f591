/*
 * The cost model, on the shipped environments and on small hand-made templates:
 *   - every environment: itemized lines present, each rounded to cents, summing exactly to the total
 *   - dev prices a NAT instance and no NAT gateway; prod two NAT gateways with their Elastic IPs
 *   - Fargate Spot share follows the capacity provider strategy (spotShare from @slipway/config)
 *   - Multi-AZ doubles the RDS instance and storage lines
 *   - a resource type with no price is reported as unpriced, never dropped
 *   - a region without a price table prices nothing and says so
 *   - the price tables carry a date, a source and the same keys in every region
 */
import { describe, expect, it } from 'vitest';
import { PRICE_TABLES } from '../pricing/index.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import { stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { shippedAssembly } from '../testing/fixtures.ts';
import { estimateCost, strategyCapacity } from './model.ts';

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

  it('prices a NAT instance for dev and two NAT gateways for prod', async () => {
    const s = await shippedAssembly();
    const dev = estimateCost(stacksOf(s, 'dev'));
    const prod = estimateCost(stacksOf(s, 'prod'));
    expect(dev.lines.some((l) => l.item.startsWith('NAT instance t4g.nano'))).toBe(true);
    expect(dev.lines.some((l) => l.resourceType === 'AWS::EC2::NatGateway')).toBe(false);
    expect(prod.lines.find((l) => l.item.startsWith('NAT gateways'))?.item).toBe('NAT gateways (2)');
    expect(prod.lines.find((l) => l.item.startsWith('Public IPv4'))?.item).toContain('2 Elastic IPs');
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
          Queue: { Type: 'AWS::SQS::Queue' },
          Queue2: { Type: 'AWS::SQS::Queue' },
          Role: { Type: 'AWS::IAM::Role' },
        },
      }),
    ]);
    expect(cost.unpriced).toEqual([
      { resourceType: 'AWS::SQS::Queue', count: 2, stacks: ['test-stack'], reason: 'no price in the model' },
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
