/*
 * The deploy guards:
 *   - traffic guard (aws/aws-cdk#36649), on two synthesized service templates of staging (blue/green):
 *       * the same template → nothing
 *       * a changed task size (task definition only) → nothing: the production rule is untouched
 *       * a changed health check path (the rule's target groups change) → the target groups are reported
 *       * a changed rule weight (as ECS leaves it after a blue/green shift) → the rule is reported
 *       * first deploy (no deployed template) → nothing
 *   - in-progress guard: a stack in *_IN_PROGRESS or an ECS rollout IN_PROGRESS is reported; finished ones are not
 */

import { shippedAssembly, variantAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { type StackInfo, stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { inProgress, trafficChanges } from './guards.ts';

const serviceTemplate = (stacks: StackInfo[]) => {
  const t = stacks.find((s) => s.stackName.endsWith('-service'))?.template;
  if (!t) throw new Error('no service stack');
  return t;
};

describe('the traffic guard', () => {
  it('finds nothing between identical templates', async () => {
    const t = serviceTemplate(stacksOf(await shippedAssembly(), 'staging'));
    expect(trafficChanges(t, structuredClone(t))).toEqual([]);
  });

  it('finds nothing when only the task definition changes', async () => {
    const before = serviceTemplate(stacksOf(await shippedAssembly(), 'staging'));
    const { synthesized } = await variantAssembly(
      (c) => {
        const staging = c.environments.staging as { service: Record<string, unknown> };
        staging.service.cpu = 1024;
        staging.service.memoryMiB = 2048;
      },
      ['staging'],
    );
    const after = serviceTemplate(stacksOf(synthesized, 'staging'));
    expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
    expect(trafficChanges(before, after)).toEqual([]);
  });

  it('reports the target groups when their health check changes', async () => {
    const before = serviceTemplate(stacksOf(await shippedAssembly(), 'staging'));
    const { synthesized } = await variantAssembly(
      (c) => {
        const web = c.services?.web;
        if (web?.type !== 'web') throw new Error('the example has a web service named web');
        web.healthPath = '/healthz';
      },
      ['staging'],
    );
    const after = serviceTemplate(stacksOf(synthesized, 'staging'));
    const changes = trafficChanges(before, after);
    expect(changes.map((c) => c.type)).toEqual([
      'AWS::ElasticLoadBalancingV2::TargetGroup',
      'AWS::ElasticLoadBalancingV2::TargetGroup',
    ]);
    expect(changes[0]?.properties).toContain('HealthCheckPath');
  });

  it('reports the production rule when its forward weights differ', async () => {
    const deployed = serviceTemplate(stacksOf(await shippedAssembly(), 'staging'));
    const next = structuredClone(deployed) as Template;
    const ruleId = Object.keys(next.Resources ?? {}).find((id) => id.startsWith('WebProductionRule')) ?? '';
    const rule = next.Resources?.[ruleId] as unknown as {
      Properties: { Actions: { ForwardConfig: { TargetGroups: { Weight: number }[] } }[] };
    };
    const groups = rule.Properties.Actions[0]?.ForwardConfig.TargetGroups ?? [];
    for (const g of groups) g.Weight = 100 - g.Weight;
    const changes = trafficChanges(deployed, next);
    expect(changes).toEqual([
      expect.objectContaining({
        logicalId: ruleId,
        type: 'AWS::ElasticLoadBalancingV2::ListenerRule',
        impact: 'WILL_UPDATE',
      }),
    ]);
  });

  it('finds nothing on a first deploy', async () => {
    const t = serviceTemplate(stacksOf(await shippedAssembly(), 'staging'));
    expect(trafficChanges(undefined, t)).toEqual([]);
  });
});

describe('the in-progress guard', () => {
  it('reports stacks and ECS rollouts in progress, and only those', () => {
    const busy = inProgress(
      [
        { name: 'a-network', status: 'UPDATE_COMPLETE' },
        { name: 'a-service', status: 'UPDATE_ROLLBACK_IN_PROGRESS' },
      ],
      {
        name: 'web',
        status: 'ACTIVE',
        desired: 1,
        running: 1,
        pending: 0,
        deployments: [
          {
            id: 'ecs-svc/1',
            status: 'PRIMARY',
            rolloutState: 'IN_PROGRESS',
            desired: 1,
            running: 0,
            pending: 1,
          },
          {
            id: 'ecs-svc/0',
            status: 'ACTIVE',
            rolloutState: 'COMPLETED',
            desired: 1,
            running: 1,
            pending: 0,
          },
        ],
        targetGroupArns: [],
        events: [],
      },
    );
    expect(busy).toEqual([
      'stack a-service is UPDATE_ROLLBACK_IN_PROGRESS',
      'ECS service web has deployment ecs-svc/1 in progress (0/1 tasks)',
    ]);
    expect(inProgress([{ name: 'a', status: 'CREATE_COMPLETE' }], undefined)).toEqual([]);
  });
});
