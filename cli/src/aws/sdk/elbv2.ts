import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Elbv2Api } from '../api.ts';

/** Target health of a target group. */
export function elbv2Api(elbv2: ElasticLoadBalancingV2Client): Elbv2Api {
  return {
    async targetHealth(targetGroupArn) {
      const out = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }));
      return (out.TargetHealthDescriptions ?? []).map((t) => ({
        id: t.Target?.Id ?? '',
        port: t.Target?.Port,
        state: t.TargetHealth?.State ?? 'unknown',
        reason: t.TargetHealth?.Reason,
      }));
    },
  };
}
