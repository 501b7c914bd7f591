import { z } from 'zod';

/**
 * A written reason for a risk a protected environment takes on purpose. Ten characters is the
 * least that can say why ("ok", "n/a" or "todo" cannot); the reason is printed by `slipway plan`.
 */
const reason = z.string().trim().min(10);

/*
 * One key per production-readiness rule (`../validate/readiness.ts` holds the rules, keyed by these
 * names, so a rule without a key here, or a key without a rule, does not compile).
 */
export const acknowledgeSchema = z.strictObject({
  /** Why this protected environment may run its database without deletion protection (`database.deletionProtection: false`). */
  noDeletionProtection: reason.optional(),
  /** Why this protected environment may run its database in one availability zone (`database.multiAz: false`). */
  singleAzDatabase: reason.optional(),
  /** Why this protected environment may run fewer than two tasks at rest (`service.minTasks` 0 or 1). */
  singleTask: reason.optional(),
  /** Why this protected environment may leave an availability zone without a task at rest (`service.minTasks` below `network.azCount`, with three or more zones). */
  fewerTasksThanZones: reason.optional(),
  /** Why this protected environment may run every task on Fargate Spot (`service.capacity` `'spot'`, or `mixed.base` 0). */
  allSpot: reason.optional(),
  /** Why this protected environment may send its alarms to nobody (`alarms.email` empty). */
  noAlarmEmail: reason.optional(),
  /** Why this protected environment may serve without AWS WAF (`waf.enabled: false`). */
  noWaf: reason.optional(),
  /** Why this protected environment may deploy without a reviewer's approval (`approval: false`). */
  noApproval: reason.optional(),
  /** Why this protected environment may stop outside its `officeHours`. */
  officeHours: reason.optional(),
});

export type AcknowledgeKey = keyof z.output<typeof acknowledgeSchema>;
