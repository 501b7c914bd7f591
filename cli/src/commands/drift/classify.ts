import type { PropertyDifference, StackResourceDrift } from '../../aws/drift-api.ts';
import { EXPECTED_DRIFT, type ExpectedDrift } from './expected.ts';

/** The allow-list entry a difference matched, as the report and the JSON carry it. */
export type ExpectedMatch = Pick<ExpectedDrift, 'id' | 'reason' | 'condition'>;

/** One difference or resource status, real or expected. */
export interface Finding {
  readonly stack: string;
  readonly logicalId: string;
  readonly resourceType: string;
  /** StackResourceDriftStatus: MODIFIED, DELETED, or a status CloudFormation could not decide. */
  readonly status: string;
  /** CloudFormation's PropertyDifference, as DescribeStackResourceDrifts returned it. */
  readonly difference?: PropertyDifference;
  /** The allow-list entry, when the difference is expected. */
  readonly expected?: ExpectedMatch;
  /** Why a finding is real when it is not a plain difference (or nearly matched an entry). */
  readonly note?: string;
}

export interface StackClassification {
  readonly real: Finding[];
  readonly expected: Finding[];
  readonly inSync: number;
  /** Resources CloudFormation did not check (its docs say NOT_CHECKED is not returned today). */
  readonly notChecked: string[];
}

type Base = Pick<Finding, 'stack' | 'logicalId' | 'resourceType' | 'status'>;

/** The findings of one MODIFIED resource: each property difference, expected or real. */
function classifyDifferences(
  base: Base,
  resource: StackResourceDrift,
  drifts: readonly StackResourceDrift[],
  out: StackClassification,
): void {
  const differences = resource.PropertyDifferences ?? [];
  if (differences.length === 0) {
    out.real.push({ ...base, note: 'MODIFIED without property differences' });
  }
  for (const difference of differences) {
    const candidates = EXPECTED_DRIFT.filter(
      (e) =>
        e.resourceType === base.resourceType &&
        e.path.test(difference.PropertyPath ?? '') &&
        e.differenceTypes.includes(difference.DifferenceType ?? ''),
    );
    const misses: string[] = [];
    const match = candidates.find((e) => {
      const why = e.check({ difference, resource, stack: drifts });
      if (why !== undefined) misses.push(`not ${e.id}: ${why}`);
      return why === undefined;
    });
    if (match) {
      const expected = { id: match.id, reason: match.reason, condition: match.condition };
      out.expected.push({ ...base, difference, expected });
    } else {
      out.real.push({ ...base, difference, note: misses.length > 0 ? misses.join('; ') : undefined });
    }
  }
}

/** Sorts every resource drift of one stack into real and expected findings. */
export function classifyStack(stack: string, drifts: readonly StackResourceDrift[]): StackClassification {
  const out = { real: [] as Finding[], expected: [] as Finding[], inSync: 0, notChecked: [] as string[] };
  for (const resource of drifts) {
    const base: Base = {
      stack,
      logicalId: resource.LogicalResourceId ?? '?',
      resourceType: resource.ResourceType ?? '?',
      status: resource.StackResourceDriftStatus ?? 'UNKNOWN',
    };
    switch (base.status) {
      case 'IN_SYNC':
        out.inSync++;
        break;
      case 'NOT_CHECKED':
        out.notChecked.push(base.logicalId);
        break;
      case 'DELETED':
        out.real.push({ ...base, note: 'deleted outside CloudFormation' });
        break;
      case 'MODIFIED':
        classifyDifferences(base, resource, drifts, out);
        break;
      default:
        out.real.push({
          ...base,
          note: `status ${base.status}: CloudFormation could not tell whether it drifted, so it counts as drift`,
        });
    }
  }
  return out;
}
