import { z } from 'zod';
import { DEFAULT_TASK_MEMORY_MIB } from '../fargate.ts';
import { appName, envVarName, secretRef } from './common.ts';
import {
  command,
  containerPort,
  containerUser,
  healthCheck,
  hstsMaxAgeSeconds,
  shutdownSeconds,
  urlPath,
} from './container.ts';

export const imageSchema = z.union([
  z.strictObject({
    /** Build the image from a Dockerfile in this repository (the app pipeline builds and pushes it). */
    build: z.strictObject({
      /** Docker build context, relative to the folder of the config file. @default '.' */
      context: z.string().default('.'),
      /** Dockerfile path, relative to the folder of the config file (not to the context). @default 'app/Dockerfile' */
      dockerfile: z.string().default('app/Dockerfile'),
    }),
  }),
  z.strictObject({
    /** Run an image built elsewhere, e.g. `public.ecr.aws/org/api:1.4.2`. Slipway never builds or tags it. */
    uri: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?\/[\w./-]+(:[\w.-]+|@sha256:[a-f0-9]{64})$/, 'an image reference'),
  }),
]);

export const appSchema = z.strictObject({
  /** Name of the app; prefixes every stack (`<name>-<env>-<layer>`), SSM path and resource. */
  name: appName,
  /** The image to run. @default build from `app/Dockerfile` with the repository root as context */
  image: imageSchema.prefault({ build: {} }),
  /** Port the container listens on (the service reads `PORT`). @default 3000 */
  port: containerPort,
  /**
   * The user the app container runs as (`uid:gid`, `uid` or a name), never root. It overrides the
   * image's `USER`, so an image that forgets one still does not run as root (AWS Control Tower's
   * control CT.ECS.PR.3 rejects a task definition without a non-root user).
   * @default '1000:1000' (the `node` user of the official Node.js image, as app/Dockerfile runs)
   */
  user: containerUser,
  /** Liveness path used by the load balancer and the container health check. @default '/health' */
  healthPath: urlPath.default('/health'),
  /**
   * The container health check ECS runs inside the image (a failing one gets the task replaced).
   * `'node'`: `GET healthPath` with Node's http module, as the default image's HEALTHCHECK does (any
   * image with `node` on its PATH). A list: that command, run without a shell, healthy when it exits 0
   * (e.g. `['curl', '-f', 'http://127.0.0.1:8080/health']`; `['CMD-SHELL', '…']` for a shell). `false`:
   * none; the load balancer's check of `healthPath` still replaces a task that stops answering.
   * @default 'node' for an image built here (`image.build`), false for an image `uri` (Slipway cannot know what it contains)
   */
  healthCheck: healthCheck.optional(),
  /** Readiness path (database reachable, migrations current) used by deploy smoke tests. @default '/ready' */
  readyPath: urlPath.default('/ready'),
  /** Command that applies database migrations, run as a one-off task before new tasks take traffic. @default ['node', 'dist/main.js', 'migrate'] */
  migrateCommand: command.default(['node', 'dist/main.js', 'migrate']),
  /** Default task CPU units for every environment (256 = 0.25 vCPU). @default 256 */
  cpu: z.number().int().default(256),
  /** Default task memory in MiB for every environment. @default 512 */
  memoryMiB: z.number().int().default(DEFAULT_TASK_MEMORY_MIB),
  /**
   * Seconds the service needs to finish in-flight requests after SIGTERM (it reads
   * `SHUTDOWN_TIMEOUT_MS`). ECS sends SIGKILL 5 s later (the container's stop timeout); the load
   * balancer has already drained the task for the deregistration delay before SIGTERM.
   * @default 10
   */
  shutdownSeconds,
  /**
   * `Strict-Transport-Security` max-age in seconds the service sends on requests that came over
   * HTTPS, in environments served over HTTPS (it reads `HSTS_MAX_AGE`); browsers then refuse plain
   * HTTP to that host name for that long. 0 sends no header. One year is what the HSTS preload list
   * asks for; start lower (300) while trying a new host name, as a browser keeps the promise even
   * if the name later drops HTTPS.
   * @default 31536000 (one year)
   */
  hstsMaxAgeSeconds,
  /** Plain environment variables for the container. Secret-looking names are rejected: use `secrets`. @default {} */
  environment: z.record(envVarName, z.string()).default({}),
  /** Secrets injected by ECS from Secrets Manager or SSM (never plain environment variables). @default {} */
  secrets: z.record(envVarName, secretRef).default({}),
  /** The PostgreSQL database. `false` runs the service without RDS. */
  database: z
    .union([
      z.literal(false),
      z.strictObject({
        /** Database name created in the instance. @default 'app' */
        name: z
          .string()
          .regex(/^[a-z][a-z0-9_]{0,62}$/)
          .default('app'),
        /** PostgreSQL major version. @default '18' */
        engineVersion: z.enum(['16', '17', '18']).default('18'),
      }),
    ])
    .prefault({}),
});
