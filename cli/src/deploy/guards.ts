import { fullDiff, type TemplateDiff } from '@aws-cdk/cloudformation-diff';
import type { EcsServiceState, StackSummary } from '../aws/api.ts';
import { referencedId, resourcesOf, type Template } from '../synth/template.ts';

/** The logical id prefix of the production listener rule (infra/src/constructs/service/web-service.ts). */
export const PRODUCTION_RULE_PREFIX = 'WebProductionRule';

/** What is already running: a stack operation or an ECS rollout. Empty = free to deploy. */
export function inProgress(stacks: readonly StackSummary[], service: EcsServiceState | undefined): string[] {
  const busy = stacks
    .filter((s) => s.status.endsWith('_IN_PROGRESS'))
    .map((s) => `stack ${s.name} is ${s.status}`);
  for (const d of service?.deployments ?? []) {
    if (d.rolloutState === 'IN_PROGRESS') {
      busy.push(
        `ECS service ${service?.name} has deployment ${d.id} in progress (${d.running}/${d.desired} tasks)`,
      );
    }
  }
  return busy;
}

export interface TrafficChange {
  readonly logicalId: string;
  readonly type: string;
  /** WILL_UPDATE, WILL_REPLACE, MAY_REPLACE, WILL_DESTROY... */
  readonly impact: string;
  readonly properties: string[];
}

/** The production listener rules of a template and the target groups they forward to. */
function productionRuleAndTargets(template: Template | undefined): Set<string> {
  const ids = new Set<string>();
  if (!template) return ids;
  for (const rule of resourcesOf(template, 'AWS::ElasticLoadBalancingV2::ListenerRule')) {
    if (!rule.logicalId.startsWith(PRODUCTION_RULE_PREFIX)) continue;
    ids.add(rule.logicalId);
    const actions = (rule.Properties?.Actions ?? []) as {
      TargetGroupArn?: unknown;
      ForwardConfig?: { TargetGroups?: { TargetGroupArn?: unknown }[] };
    }[];
    for (const a of actions) {
      const direct = referencedId(a.TargetGroupArn);
      if (direct) ids.add(direct);
      for (const tg of a.ForwardConfig?.TargetGroups ?? []) {
        const id = referencedId(tg.TargetGroupArn);
        if (id) ids.add(id);
      }
    }
  }
  return ids;
}

/**
 * The traffic guard (aws/aws-cdk#36649): ECS-native blue/green, canary and linear deployments
 * rewrite the production listener rule's weights behind CloudFormation's back, so a template
 * update that touches that rule (or the target groups it forwards to) can send production
 * traffic back to the old target group. The templates are designed so the rule never changes;
 * this returns every change to it or its target groups between the deployed template and the
 * new one. Creating them (first deploy) is not a change.
 */
export function trafficChanges(deployed: Template | undefined, next: Template): TrafficChange[] {
  if (!deployed) return [];
  const watched = new Set([...productionRuleAndTargets(deployed), ...productionRuleAndTargets(next)]);
  if (watched.size === 0) return [];
  const diff = fullDiff(deployed, next);
  return trafficChangesIn(diff, watched);
}

export function trafficChangesIn(diff: TemplateDiff, watched: ReadonlySet<string>): TrafficChange[] {
  const out: TrafficChange[] = [];
  diff.resources.forEachDifference((logicalId, change) => {
    if (!watched.has(logicalId) || !change.isDifferent || change.isAddition) return;
    out.push({
      logicalId,
      type: change.newResourceType ?? change.oldResourceType ?? '',
      impact: change.changeImpact,
      properties: Object.keys(change.propertyUpdates),
    });
  });
  return out;
}
