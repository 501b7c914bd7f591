import { z } from 'zod';
import { cidr } from './common.ts';

/* The observability tools each environment may run on Fargate. */

/** Grafana on Fargate, its state in PostgreSQL (or SQLite on EFS without one), reading CloudWatch. */
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
  /**
   * Tag of the Grafana image in the `<app>-grafana` repository, built from grafana/Dockerfile (which
   * pins the Grafana version). The app workflow pushes the default tag when grafana/ changes.
   * @default a hash of the grafana/ folder's content, computed at synth (`g-` and 16 hex digits)
   */
  imageTag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'an image tag such as g-0123456789abcdef')
    .optional(),
  /**
   * Where Grafana keeps its state: `postgres`, its own role and database on the environment's
   * PostgreSQL (several tasks can share it), or `sqlite` on EFS (exactly one task).
   * @default 'postgres' when the app has a database and the network has NAT, else 'sqlite'
   */
  database: z.enum(['postgres', 'sqlite']).optional(),
  /**
   * Fewest Grafana tasks; with more than one, a task replacement leaves no gap. Needs `database: 'postgres'` above 1.
   * @default 1 unless protected, then 2 (1 with SQLite)
   */
  minTasks: z.number().int().min(0).optional(),
  /**
   * Most Grafana tasks CPU and memory scaling may run. Needs `database: 'postgres'` above 1.
   * @default 2 unless protected, then 4 (1 with SQLite)
   */
  maxTasks: z.number().int().min(1).optional(),
  /**
   * Task CPU units (256 = 0.25 vCPU).
   * @example 256 // about $2.60/month a task on Spot in us-east-1 with 512 MiB (prices 2026-11)
   * @default 256
   */
  cpu: z.number().int().default(256),
  /** Task memory in MiB; must be a Fargate size for the CPU. @default 512 */
  memoryMiB: z.number().int().default(512),
  /** Fargate capacity of the Grafana tasks. @default 'spot' unless protected, then 'on-demand' */
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
