import { z } from 'zod';
import { cidr, minutes } from './common.ts';

export const deployStrategy = z.enum(['rolling', 'blue-green', 'canary', 'linear']);
export const deploySchema = z.strictObject({
  /**
   * How a new task definition replaces the running one (ECS-native strategies).
   * `rolling` replaces tasks in place; `blue-green` starts a full green fleet and shifts all traffic at
   * once; `canary` shifts `stepPercent` first, then the rest; `linear` shifts `stepPercent` per step.
   * @default 'rolling' unless protected, then 'canary'
   */
  strategy: deployStrategy.optional(),
  /** Canary: percent of production traffic shifted first. Linear: percent shifted per step. @default 10 */
  stepPercent: z.number().min(0.1).max(100).optional(),
  /** Minutes to watch each canary/linear step before shifting more. @default 5 unless protected, then 10 */
  stepBakeMinutes: minutes(1440).optional(),
  /** Minutes all traffic runs on the new tasks (alarms watched) before the old ones stop. @default 0 unless protected, then 15 */
  bakeMinutes: minutes(1440).optional(),
  /** Port of the test listener that reaches the new tasks before production traffic does. @default 9000 */
  testListenerPort: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .refine((port) => port !== 80 && port !== 443, 'a port other than 80 and 443 (the production listener)')
    .default(9000),
  /** Extra CIDRs allowed to call the test listener (the smoke-test function always is). The load balancer is internal: these are addresses in the VPC or in a network connected to it (VPN, peering). @default - only the smoke-test function may call it */
  testListenerCidrs: z.array(cidr).default([]),
  /** Roll back when the new revision's 5xx share exceeds this percent. @default 5 */
  rollbackOn5xxPercent: z.number().gt(0).max(100).default(5),
  /** Roll back when the new revision's p99 latency exceeds this many ms. @default 2000 */
  rollbackOnP99Milliseconds: z.number().int().min(1).default(2000),
  /** Run `app.migrateCommand` as a one-off task before new tasks take traffic. @default true when the app has a database */
  migrate: z.boolean().optional(),
  /** Call `/ready` and `/info` through the test listener before production traffic shifts. @default true */
  smokeTest: z.boolean().default(true),
  /** Seconds between the load balancer's health checks of a task (5-300). @default 5 */
  healthCheckIntervalSeconds: z.number().int().min(5).max(300).optional(),
  /** Consecutive passed health checks before a new task takes traffic (2-10). @default 2 for rolling, 3 for blue-green, canary and linear */
  healthyThresholdCount: z.number().int().min(2).max(10).optional(),
  /** Rolling: the deployment completes once every new task is healthy; the old tasks drain and stop after it (ECS early success criteria, cleanup deferred). Ignored by the other strategies. @default true */
  earlySuccess: z.boolean().optional(),
});
