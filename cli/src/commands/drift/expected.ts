import type { PropertyDifference, StackResourceDrift } from '../../aws/drift-api.ts';

/** What a rule of EXPECTED_DRIFT sees: one difference, its resource, and every resource of the stack. */
export interface DifferenceContext {
  readonly difference: PropertyDifference;
  readonly resource: StackResourceDrift;
  readonly stack: readonly StackResourceDrift[];
}

/** A property AWS changes on purpose, and the only case in which its difference is not drift. */
export interface ExpectedDrift {
  /** Stable name, printed beside each difference it covers and in the JSON (`expected.id`). */
  readonly id: string;
  /** CloudFormation resource type the entry applies to (`AWS::ECS::Service`). */
  readonly resourceType: string;
  /** PropertyPath as CloudFormation reports it (a JSON pointer into the resource's properties). */
  readonly path: RegExp;
  /** DifferenceType values covered (`NOT_EQUAL`, `ADD`, `REMOVE`). */
  readonly differenceTypes: readonly string[];
  /** Who changes the property, and why that is intended. */
  readonly reason: string;
  /** The narrower condition, in words. */
  readonly condition: string;
  /** Undefined when the condition holds for this difference, else why it does not. */
  readonly check: (context: DifferenceContext) => string | undefined;
}

const LISTENER_RULE = 'AWS::ElasticLoadBalancingV2::ListenerRule';
const ECS_SERVICE = 'AWS::ECS::Service';
const SCALABLE_TARGET = 'AWS::ApplicationAutoScaling::ScalableTarget';

const WEIGHTS_REASON =
  'ECS blue/green, canary and linear deployments move traffic by rewriting the weights of the ' +
  "service's production and test listener rules; the template keeps Blue 100 / Green 0 on purpose " +
  '(docs/deployments.md "The listener rule trap", decision 0008)';
const RULE_CONDITION =
  'the rule is the production or test listener rule an ECS service of the same stack hands to ECS ' +
  '(LoadBalancers[].AdvancedConfiguration)';

/**
 * The allow-list: keep it small. Each entry names the resource type, the property path and the
 * difference types it covers, who changes that property and why, and a condition that narrows it
 * to the resources that owner actually manages. Anything not covered here is real drift.
 */
export const EXPECTED_DRIFT: readonly ExpectedDrift[] = [
  {
    id: 'listener-rule-weight',
    resourceType: LISTENER_RULE,
    path: /^\/Actions\/\d+\/ForwardConfig\/TargetGroups\/\d+\/Weight$/,
    differenceTypes: ['NOT_EQUAL'],
    reason: WEIGHTS_REASON,
    condition: `${RULE_CONDITION}, and both values are weights (whole numbers 0-999)`,
    check: ({ difference, resource, stack }) =>
      ecsManagesRule(resource, stack) ??
      (isWeight(difference.ExpectedValue) && isWeight(difference.ActualValue)
        ? undefined
        : `"${difference.ExpectedValue}" → "${difference.ActualValue}" is not a change of weight`),
  },
  {
    id: 'listener-rule-target-group-entry',
    resourceType: LISTENER_RULE,
    path: /^\/Actions\/\d+\/ForwardConfig\/TargetGroups\/\d+$/,
    differenceTypes: ['NOT_EQUAL', 'ADD', 'REMOVE'],
    reason: `${WEIGHTS_REASON}. CloudFormation may report a changed entry of this unordered list whole, or as one removal plus one addition`,
    condition: `${RULE_CONDITION}, and the entries taken out and put in name the same target groups, differing only in Weight`,
    check: ({ difference, resource, stack }) =>
      ecsManagesRule(resource, stack) ?? onlyWeightsDiffer(difference, resource),
  },
  {
    id: 'ecs-desired-count',
    resourceType: ECS_SERVICE,
    path: /^\/DesiredCount$/,
    differenceTypes: ['NOT_EQUAL'],
    reason:
      "Application Auto Scaling sets the service's task count between its scalable target's bounds " +
      '(target tracking, and the office-hours scheduled actions that scale to zero); the template value ' +
      'only seeds a new service',
    condition:
      'a scalable target of the same stack scales this service (ecs:service:DesiredCount) and the live ' +
      "count lies within that target's live MinCapacity-MaxCapacity",
    check: ({ difference, resource, stack }) => desiredCountWithinTarget(difference, resource, stack),
  },
  {
    id: 'scalable-target-bounds',
    resourceType: SCALABLE_TARGET,
    path: /^\/(MinCapacity|MaxCapacity)$/,
    differenceTypes: ['NOT_EQUAL'],
    reason:
      "The office-hours schedule (infra/src/constructs/office-hours/) is the target's own scheduled actions: " +
      'at the start and the end of office hours Application Auto Scaling sets MinCapacity and MaxCapacity ' +
      'to the values of the action that ran',
    condition: "one of the target's scheduled actions (in its template) sets this bound to the live value",
    check: ({ difference, resource }) => boundSetBySchedule(difference, resource),
  },
];

function json(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A resource's ExpectedProperties or ActualProperties (CloudFormation sends them as JSON text). */
const properties = (text: string | undefined) => record(json(text));

function isWeight(value: string | undefined): boolean {
  return value !== undefined && /^\d{1,3}$/.test(value.trim());
}

/** Undefined when an ECS service of the stack names this rule as its production or test listener rule. */
function ecsManagesRule(rule: StackResourceDrift, stack: readonly StackResourceDrift[]): string | undefined {
  const arn = rule.PhysicalResourceId;
  for (const service of stack.filter((r) => r.ResourceType === ECS_SERVICE)) {
    for (const lb of list(properties(service.ExpectedProperties)?.LoadBalancers)) {
      const advanced = record(record(lb)?.AdvancedConfiguration);
      if (arn && (advanced?.ProductionListenerRule === arn || advanced?.TestListenerRule === arn)) return;
    }
  }
  return 'no ECS service of this stack hands this rule to ECS (a rolling service never changes weights)';
}

interface TargetGroupEntry {
  readonly arn: string;
  readonly weight: unknown;
}

function entry(value: string | undefined): TargetGroupEntry | undefined {
  const o = record(json(value));
  if (!o || typeof o.TargetGroupArn !== 'string') return undefined;
  if (Object.keys(o).some((k) => k !== 'TargetGroupArn' && k !== 'Weight')) return undefined;
  return { arn: o.TargetGroupArn, weight: o.Weight };
}

/** For an entry of ForwardConfig.TargetGroups: undefined when only its weight changed. */
function onlyWeightsDiffer(difference: PropertyDifference, rule: StackResourceDrift): string | undefined {
  if (difference.DifferenceType === 'NOT_EQUAL') {
    const before = entry(difference.ExpectedValue);
    const after = entry(difference.ActualValue);
    if (before && after && before.arn === after.arn) return;
    return 'the entry changed more than its Weight';
  }
  // ADD / REMOVE: compare every entry removed from and added to the same list of this rule.
  const listPath = difference.PropertyPath?.replace(/\/\d+$/, '');
  const siblings = (rule.PropertyDifferences ?? []).filter(
    (d) => d.PropertyPath?.replace(/\/\d+$/, '') === listPath && d.DifferenceType !== 'NOT_EQUAL',
  );
  const removed = siblings.filter((d) => d.DifferenceType === 'REMOVE').map((d) => entry(d.ExpectedValue));
  const added = siblings.filter((d) => d.DifferenceType === 'ADD').map((d) => entry(d.ActualValue));
  if ([...removed, ...added].some((e) => e === undefined)) return 'an entry is not {TargetGroupArn, Weight}';
  const arns = (entries: (TargetGroupEntry | undefined)[]) =>
    entries
      .map((e) => e?.arn ?? '')
      .sort()
      .join(' ');
  if (arns(removed) !== arns(added)) return 'the target groups themselves changed, not only their weights';
  return;
}

/** For an ECS service's DesiredCount: undefined when its scalable target allows the live count. */
function desiredCountWithinTarget(
  difference: PropertyDifference,
  service: StackResourceDrift,
  stack: readonly StackResourceDrift[],
): string | undefined {
  const arn = service.PhysicalResourceId ?? '';
  const target = stack.find((r) => {
    if (r.ResourceType !== SCALABLE_TARGET) return false;
    const p = properties(r.ExpectedProperties);
    return (
      p?.ScalableDimension === 'ecs:service:DesiredCount' &&
      typeof p.ResourceId === 'string' &&
      arn.endsWith(`:${p.ResourceId}`)
    );
  });
  if (!target) return 'no scalable target of this stack scales this service';
  const live = properties(target.ActualProperties);
  const count = Number(difference.ActualValue);
  const min = Number(live?.MinCapacity);
  const max = Number(live?.MaxCapacity);
  if (!live || Number.isNaN(min) || Number.isNaN(max)) {
    return `the live bounds of ${target.LogicalResourceId} are unknown`;
  }
  if (!Number.isInteger(count) || count < min || count > max) {
    return `${difference.ActualValue} is outside ${target.LogicalResourceId}'s live bounds ${min}-${max}`;
  }
  return;
}

/** For a scalable target's bound: undefined when one of its scheduled actions sets the live value. */
function boundSetBySchedule(difference: PropertyDifference, target: StackResourceDrift): string | undefined {
  const bound = difference.PropertyPath === '/MinCapacity' ? 'MinCapacity' : 'MaxCapacity';
  const actions = list(properties(target.ExpectedProperties)?.ScheduledActions);
  if (actions.length === 0) return 'the target has no scheduled actions';
  const values = actions.map((a) => record(record(a)?.ScalableTargetAction)?.[bound]);
  if (values.some((v) => v !== undefined && String(v) === String(difference.ActualValue).trim())) return;
  return `no scheduled action sets ${bound} to ${difference.ActualValue} (they set ${values.join(', ')})`;
}
