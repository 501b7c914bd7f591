import { z } from 'zod';
import { cidr } from './common.ts';

/* The observability tools each environment may run on Fargate. */

/** Grafana on Fargate with EFS, reading CloudWatch. */
export const grafanaSchema = z.strictObject({
  /** @default true */
  enabled: z.boolean().default(true),
  /**
   * CIDRs allowed to open Grafana at `<url>/grafana/` (at most 4: an ALB rule evaluates at most 5
   * values, one of them the path). /8, /16, /24 or /32 blocks: the rule matches the viewer address
   * CloudFront forwards (`CloudFront-Viewer-Address`) by wildcard.
   * @default - no route; reach it by ECS Exec port forwarding (docs/observability.md)
   */
  allowedCidrs: z.array(cidr).max(4).default([]),
  /** Tag of the official `grafana/grafana` image, pinned. @default '12.2.1' */
  version: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, 'an exact version such as 12.2.1')
    .default('12.2.1'),
  /**
   * Task CPU units (256 = 0.25 vCPU). Grafana runs exactly one task (SQLite on EFS has one writer).
   * @example 256 // about $2.60/month on Spot in us-east-1 with 512 MiB (prices 2026-11)
   * @default 256
   */
  cpu: z.number().int().default(256),
  /** Task memory in MiB; must be a Fargate size for the CPU. @default 512 */
  memoryMiB: z.number().int().default(512),
  /** Fargate capacity of the one Grafana task. @default 'spot' unless protected, then 'on-demand' */
  capacity: z.enum(['on-demand', 'spot']).optional(),
});

/** pgAdmin on Fargate with EFS, preconfigured for the environment's database. */
export const pgadminSchema = z.strictObject({
  /** @default false */
  enabled: z.boolean().default(false),
  /**
   * CIDRs allowed to open pgAdmin at `<url>/pgadmin/` (at most 4; /8, /16, /24 or /32 blocks, as for Grafana).
   * @default - no route; reach it by ECS Exec port forwarding (docs/observability.md)
   */
  allowedCidrs: z.array(cidr).max(4).default([]),
  /** Login email of the pgAdmin admin user. @default admin@<app>.internal */
  email: z.email().optional(),
  /** Tag of the official `dpage/pgadmin4` image, pinned. @default '9.8' */
  version: z
    .string()
    .regex(/^\d+\.\d+(\.\d+)?$/, 'an exact version such as 9.8')
    .default('9.8'),
  /** Task CPU units (256 = 0.25 vCPU). @default 256 */
  cpu: z.number().int().default(256),
  /** Task memory in MiB; must be a Fargate size for the CPU. @default 512 */
  memoryMiB: z.number().int().default(512),
});
