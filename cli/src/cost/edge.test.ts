/*
 * The cost of the HTTPS edge, on the shipped environments:
 *   - the internal load balancer has no public IPv4 addresses to pay for (they were $7.30 a month
 *     in dev: 2 ALB nodes × 730 h × $0.005)
 *   - CloudFront is priced (data out and HTTPS requests, from the assumptions); its VPC origin,
 *     certificate and records are free and never reported as unpriced
 *   - dev stays within its $40 monthly budget
 */
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { stacksOf } from '../synth/synthesize.ts';
import { estimateCost } from './model.ts';

describe('the cost of the HTTPS edge', () => {
  it.each(['dev', 'test', 'staging', 'prod'])('%s pays for no load balancer address', async (env) => {
    const cost = estimateCost(stacksOf(await shippedAssembly(), env));
    const ipv4 = cost.lines.filter((l) => l.item.startsWith('Public IPv4'));
    expect(ipv4.map((l) => l.item).join('\n')).not.toMatch(/ALB|load balancer/);
  });

  it.each(['dev', 'prod'])('%s prices CloudFront and leaves nothing of the edge unpriced', async (env) => {
    const cost = estimateCost(stacksOf(await shippedAssembly(), env));
    const items = cost.lines.filter((l) => l.resourceType === 'AWS::CloudFront::Distribution');
    expect(items.map((l) => l.item)).toEqual([
      'CloudFront data out (5 GiB)',
      'CloudFront HTTPS requests (1 million)',
    ]);
    expect(
      cost.unpriced.map((u) => u.resourceType).filter((t) => /CloudFront|Route53|Certificate/.test(t)),
    ).toEqual([]);
  });

  it('keeps dev within its $40 monthly budget', async () => {
    expect(estimateCost(stacksOf(await shippedAssembly(), 'dev')).total).toBeLessThan(40);
  });
});
