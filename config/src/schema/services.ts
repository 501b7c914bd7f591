import { z } from 'zod';
import { SERVICE_NAME_PATTERN } from '../contract/services.ts';
import { imageSchema } from './app.ts';
import { capacitySchema } from './capacity.ts';
import { envVarName, secretRef } from './common.ts';
import {
  command,
  containerPort,
  containerUser,
  healthCheck,
  hstsMaxAgeSeconds,
  shutdownSeconds,
  urlPath,
} from './container.ts';

/*
 * `services`: the app's services by name, each of one type (the four Copilot users know):
 * `web` behind the load balancer, `backend` reachable only inside the VPC through Cloud Map,
 * `worker` fed by its own SQS queue, `job` run on a schedule. Cross-service rules (names that must
 * exist, one default web service, one owner of the migrations) live in `../validate/services.ts`.
 */

export const serviceName = z
  .string()
  .regex(
    SERVICE_NAME_PATTERN,
    'lowercase letters, digits and hyphens, starting with a letter, at most 20 characters',
  );

/** The image of a service: built here, pulled by URI, or another service's. */
export const serviceImageSchema = z.union([
  ...imageSchema.options,
  z.strictObject({
    /** Run the image another service builds or names (a worker sharing the web service's code). */
    from: serviceName,
  }),
]);

/** Keys every service type has. */
const common = {
  /** The image to run: `{ build: { context, dockerfile } }`, `{ uri }`, or `{ from: '<service>' }` for another service's image. */
  image: serviceImageSchema,
  /** The command the container runs instead of the image's `CMD`, without a shell. @default the image's CMD */
  command: command.optional(),
  /** The user the container runs as, never root (as `app.user`). @default '1000:1000' */
  user: containerUser,
  /** Task CPU units (256 = 0.25 vCPU). @default `environments.<env>.service.cpu`, else 256 */
  cpu: z.number().int().optional(),
  /** Task memory in MiB; a Fargate size for the CPU. @default `environments.<env>.service.memoryMiB`, else 512 */
  memoryMiB: z.number().int().optional(),
  /** Plain environment variables. Secret-looking names are rejected: use `secrets`. @default {} */
  environment: z.record(envVarName, z.string()).default({}),
  /** Secrets injected by ECS from Secrets Manager or SSM. @default {} */
  secrets: z.record(envVarName, secretRef).default({}),
  /** Give this service the database: its secret as `DB_*` variables and a way through the database's security group. @default false */
  database: z.boolean().default(false),
  /**
   * Services this one calls: backends (a way through their security group; they answer at
   * `<service>.<env>.internal`) and workers it sends messages to (it gets `<WORKER>_QUEUE_URL`
   * and may send to that queue).
   * @default [] (calls no other service)
   */
  calls: z.array(serviceName).default([]),
  /**
   * The command that applies database migrations, run in this service's image as a one-off task
   * before new tasks start. At most one service declares it: the one that owns the schema, with
   * `database: true`.
   * @default - this service runs no migrations
   */
  migrate: command.optional(),
  /**
   * The folder of the migrations `migrate` applies, relative to the config file (e.g.
   * `'app/migrations'`). A deploy of an image built from the checked-out commit records the
   * folder's content hash, and the migrate hook skips its one-off task when that hash is the one it
   * last applied (docs/deployments.md, "The migrations digest").
   * @default - no hash is recorded: the migrate hook runs its task at every deploy
   */
  migrationsPath: z.string().min(1).optional(),
};

/** The settings of a service that answers HTTP (web and backend). */
const http = {
  /** Web and backend: port the container listens on (it reads `PORT`). @default 3000 */
  port: containerPort,
  /** Web and backend: liveness path the load balancer or the container health check asks. @default '/health' */
  healthPath: urlPath.default('/health'),
  /** Web and backend: the container health check ECS runs inside the image (as `app.healthCheck`). @default 'node' for an image built here, false for an image `uri` */
  healthCheck: healthCheck.optional(),
  /** Web and backend: seconds the service needs to finish in-flight requests after SIGTERM (it reads `SHUTDOWN_TIMEOUT_MS`). @default 10 */
  shutdownSeconds,
};

/** An ALB path pattern (`*` and `?` are wildcards), e.g. `/api/*`. */
const pathPattern = z
  .string()
  .regex(/^\/[\w\-.$/~"'@:+&*?]{0,127}$/, 'a path pattern starting with / such as /api/*');
/** An ALB host header pattern (`*` and `?` are wildcards), e.g. `api.example.com`. */
const hostPattern = z
  .string()
  .regex(/^[a-zA-Z0-9*?]([a-zA-Z0-9\-.*?]{0,126}[a-zA-Z0-9*?])?$/, 'a host name such as api.example.com');

export const webServiceSchema = z.strictObject({
  /** `web`: behind the load balancer, reached from the internet. */
  type: z.literal('web'),
  ...common,
  ...http,
  /** Web: readiness path (dependencies reachable) the deploy smoke test asks. @default '/ready' */
  readyPath: urlPath.default('/ready'),
  /** Web: `Strict-Transport-Security` max-age in seconds (as `app.hstsMaxAgeSeconds`). @default 31536000 (one year) */
  hstsMaxAgeSeconds,
  /**
   * Web: which requests the load balancer sends here: paths and/or host names. Exactly one web service
   * has no route: it takes every request no other route matches.
   * @default - the default web service: every request no other route matches
   * @example { paths: ['/api/*'] }
   */
  route: z
    .strictObject({
      /** Path patterns, e.g. `['/api/*']`. @default - any path */
      paths: z.array(pathPattern).min(1).optional(),
      /** Host names, e.g. `['api.example.com']`. @default - any host */
      hosts: z.array(hostPattern).min(1).optional(),
    })
    .refine((r) => r.paths !== undefined || r.hosts !== undefined, 'paths or hosts (or both)')
    .optional(),
});

export const backendServiceSchema = z.strictObject({
  /** `backend`: reached only by the services that call it, at `<service>.<env>.internal` (Cloud Map). */
  type: z.literal('backend'),
  ...common,
  ...http,
});

export const workerServiceSchema = z.strictObject({
  /** `worker`: consumes its own SQS queue (URL in `QUEUE_URL`), scaled on the queue's backlog. */
  type: z.literal('worker'),
  ...common,
  /** Worker: its SQS queue and that queue's dead-letter queue. */
  queue: z
    .strictObject({
      /** Seconds a received message stays hidden from other consumers; longer than the worker needs for one. @default 60 */
      visibilityTimeoutSeconds: z.number().int().min(0).max(43200).default(60),
      /** Receives before a message moves to the dead-letter queue. @default 5 */
      maxReceiveCount: z.number().int().min(1).max(1000).default(5),
      /** Days SQS keeps an unconsumed message (both queues). @default 4 */
      retentionDays: z.number().int().min(1).max(14).default(4),
      /** Visible messages per running task the worker scales to. @default 10 */
      messagesPerTask: z.number().int().min(1).max(100000).default(10),
    })
    .prefault({}),
});

export const jobServiceSchema = z.strictObject({
  /** `job`: a task EventBridge Scheduler starts on a schedule, which runs to completion. */
  type: z.literal('job'),
  ...common,
  /** Job: required. */
  command,
  /**
   * Job: when it runs, an EventBridge Scheduler expression in UTC.
   * @example 'cron(0 3 * * ? *)' // daily at 03:00 UTC
   * @example 'rate(15 minutes)'
   */
  schedule: z.string().min(1),
  /** Job: minutes a run may take before it is stopped. @default 60 */
  timeoutMinutes: z.number().int().min(1).max(2880).default(60),
  /** Job: times a failed run is started again. @default 2 */
  retries: z.number().int().min(0).max(10).default(2),
});

export const serviceSchema = z.discriminatedUnion('type', [
  webServiceSchema,
  backendServiceSchema,
  workerServiceSchema,
  jobServiceSchema,
]);

export const servicesSchema = z.record(serviceName, serviceSchema);

/** `environments.<env>.services.<name>`: one service's settings in one environment. */
export const serviceOverrideSchema = z.strictObject({
  /** Task CPU units. @default the service's `cpu` */
  cpu: z.number().int().optional(),
  /** Task memory in MiB. @default the service's `memoryMiB` */
  memoryMiB: z.number().int().optional(),
  /** Fewest running tasks (not jobs). @default `service.minTasks` for web and backend; 0 for a worker unless protected, then 1 */
  minTasks: z.number().int().min(0).max(1000).optional(),
  /** Most running tasks autoscaling may start (not jobs). @default `service.maxTasks` for web and backend; minTasks + 1 for a worker unless protected, then 4 */
  maxTasks: z.number().int().min(1).max(1000).optional(),
  /** Fargate capacity. @default `service.capacity` */
  capacity: capacitySchema.optional(),
  /** Target CPU utilization, percent (web and backend). @default `service.scaleOnCpuPercent` */
  scaleOnCpuPercent: z.number().int().min(10).max(95).optional(),
  /** Target memory utilization, percent (web and backend). @default `service.scaleOnMemoryPercent` */
  scaleOnMemoryPercent: z.number().int().min(10).max(95).optional(),
  /** Target ALB requests per task per minute (web). @default `service.scaleOnRequestsPerTarget` */
  scaleOnRequestsPerTarget: z.number().int().min(1).optional(),
  /** Visible messages per running task (worker). @default the service's `queue.messagesPerTask` */
  messagesPerTask: z.number().int().min(1).max(100000).optional(),
  /** Variables added to (or replacing) the service's `environment` here. @default {} */
  environment: z.record(envVarName, z.string()).default({}),
  /** When the job runs here (job). @default the service's `schedule` */
  schedule: z.string().min(1).optional(),
  /** `false` keeps the job's schedule off here (job). @default true */
  enabled: z.boolean().optional(),
});
