import { z } from 'zod';
import { percent } from './common.ts';

const alarmRule = <T extends z.ZodRawShape>(shape: T) => z.union([z.literal(false), z.strictObject(shape)]);

export const alarmsSchema = z.strictObject({
  /** Addresses subscribed to the environment's alarm topic (each must confirm the subscription). @default - no email; alarms go only to the SNS topic */
  email: z.array(z.email()).default([]),
  /**
   * Per-alarm thresholds; `false` turns one off. Defaults are in `ALARM_DEFAULTS` (resolve.ts).
   * @default every alarm in protected environments; otherwise http5xx, unhealthyHosts,
   * tasksBelowDesired and dbStorageLow (about $0.70/month in us-east-1, 2026-11)
   */
  rules: z
    .strictObject({
      /** Share of ALB requests answered 5xx by the targets, in percent over 5 minutes. */
      http5xx: alarmRule({ percent: percent }).optional(),
      /** p99 target response time in milliseconds over 5 minutes. */
      latencyP99: alarmRule({ milliseconds: z.number().int().min(1).max(120000) }).optional(),
      /** Unhealthy targets behind the load balancer for 3 minutes. */
      unhealthyHosts: alarmRule({ count: z.number().int().min(1) }).optional(),
      /** Service CPU utilization in percent for 15 minutes. */
      cpuHigh: alarmRule({ percent: percent }).optional(),
      /** Service memory utilization in percent for 15 minutes. */
      memoryHigh: alarmRule({ percent: percent }).optional(),
      /** Running tasks below desired for 10 minutes (Container Insights). */
      tasksBelowDesired: alarmRule({ minutes: z.number().int().min(1).max(60) }).optional(),
      /** Database CPU utilization in percent for 15 minutes. */
      dbCpuHigh: alarmRule({ percent: percent }).optional(),
      /** Database free storage below this many GiB. */
      dbStorageLow: alarmRule({ freeGiB: z.number().min(1) }).optional(),
      /** Database connections above this count for 10 minutes. */
      dbConnectionsHigh: alarmRule({ count: z.number().int().min(1) }).optional(),
    })
    .prefault({}),
});
