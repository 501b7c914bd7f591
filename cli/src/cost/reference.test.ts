/*
 * The reference architecture (a typical hand-built layout), priced by the same model as `slipway plan`:
 *   - every component is a line, nothing is unpriced, and the lines add up to the total
 *   - the NAT gateway, ALB, Fargate and RDS lines are the committed table's prices × 730 h
 *   - changing the region, or one price of the table, changes exactly the lines that use it
 *   - usage assumptions are passed through (NAT data processing follows natGiBPerGatewayMonth)
 */
import { describe, expect, it } from 'vitest';
import { PRICE_TABLES, type PriceTable } from '../pricing/index.ts';
import { referenceArchitectureCost } from './reference.ts';

const cents = (n: number) => Math.round(n * 100);
const line = (cost: ReturnType<typeof referenceArchitectureCost>, prefix: string) => {
  const found = cost.lines.filter((l) => l.item.startsWith(prefix));
  expect(found, `exactly one line starting with "${prefix}"`).toHaveLength(1);
  return found[0] as (typeof found)[number];
};

describe('the reference architecture cost', () => {
  it.each(Object.keys(PRICE_TABLES))(
    'itemizes every component in %s, with lines summing to the total',
    (region) => {
      const cost = referenceArchitectureCost(region);
      expect(cost.unpriced).toEqual([]);
      expect(cost.region).toBe(region);
      expect(cost.priceTable).toEqual({
        region,
        asOf: PRICE_TABLES[region]?.asOf,
        source: PRICE_TABLES[region]?.source,
      });
      expect(cost.lines.reduce((n, l) => n + cents(l.monthly), 0)).toBe(cents(cost.total));
      const items = cost.lines.map((l) => l.item);
      for (const expected of [
        'NAT gateways (2)',
        'NAT gateway data processing',
        'Application Load Balancer',
        'Fargate App: 1 task × 0.25 vCPU / 0.5 GB x86, 0% Spot',
        'Fargate Grafana: 1 task × 0.25 vCPU / 0.5 GB x86, 0% Spot',
        'RDS PostgreSQL db.t4g.micro single-AZ',
        'RDS gp3 storage (20 GB)',
        'EFS Standard storage (1 × 1 GiB)',
      ]) {
        expect(items).toContain(expected);
      }
      // Two Elastic IPs (one per NAT gateway) and two ALB nodes.
      expect(line(cost, 'Public IPv4 addresses').item).toBe(
        'Public IPv4 addresses (4: 2 ALB nodes, 2 Elastic IPs)',
      );
    },
  );

  it("prices NAT gateways, ALB, Fargate and RDS with the region's table entries", () => {
    for (const [region, table] of Object.entries(PRICE_TABLES)) {
      const p = table.prices;
      const cost = referenceArchitectureCost(region);
      expect(line(cost, 'NAT gateways').monthly).toBe(cents(2 * 730 * p.natGatewayHour) / 100);
      expect(line(cost, 'Application Load Balancer').monthly).toBe(cents(730 * p.albHour) / 100);
      expect(line(cost, 'RDS PostgreSQL').monthly).toBe(
        cents(730 * (p.rdsPostgresHour['db.t4g.micro'] as number)) / 100,
      );
      expect(line(cost, 'Fargate App').monthly).toBe(
        cents(730 * (0.25 * p.fargateVcpuHour.X86_64 + 0.5 * p.fargateGbHour.X86_64)) / 100,
      );
    }
  });

  it('costs more in af-south-1 than in us-east-1, starting with the NAT gateways', () => {
    const virginia = referenceArchitectureCost('us-east-1');
    const capeTown = referenceArchitectureCost('af-south-1');
    expect(line(virginia, 'NAT gateways').monthly).toBe(65.7); // 2 × 730 h × $0.045
    expect(line(capeTown, 'NAT gateways').monthly).toBe(87.6); // 2 × 730 h × $0.06
    expect(capeTown.total).toBeGreaterThan(virginia.total);
  });

  it('follows a changed price table, with no price of its own', () => {
    const base = PRICE_TABLES['us-east-1'] as PriceTable;
    const dearNat: PriceTable = { ...base, prices: { ...base.prices, natGatewayHour: 0.1 } };
    const before = referenceArchitectureCost('us-east-1');
    const after = referenceArchitectureCost('us-east-1', { prices: dearNat });
    expect(line(after, 'NAT gateways').monthly).toBe(146); // 2 × 730 h × $0.10
    const changed = after.lines.filter((l, i) => l.monthly !== before.lines[i]?.monthly).map((l) => l.item);
    expect(changed).toEqual(['NAT gateways (2)']);
    expect(cents(after.total) - cents(before.total)).toBe(cents(146 - 65.7));
  });

  it('passes usage assumptions through to the model', () => {
    const cost = referenceArchitectureCost('us-east-1', { assumptions: { natGiBPerGatewayMonth: 100 } });
    const data = line(cost, 'NAT gateway data processing');
    expect(data.monthly).toBe(9); // 2 × 100 GiB × $0.045
    expect(data.assumption).toBe('natGiBPerGatewayMonth');
    expect(cost.assumptions.natGiBPerGatewayMonth).toBe(100);
  });
});
