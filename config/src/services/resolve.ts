import { serviceDnsName } from '../contract/services.ts';
import type { Capacity } from '../resolve.ts';
import type {
  EnvironmentConfig,
  ServiceConfig,
  ServiceOverride,
  ServicesConfig,
  SlipwayConfig,
} from '../types.ts';
import { type ConcreteImage, concreteImage, declaredServices } from './declared.ts';

/*
 * Every service of one environment with every default applied. The order of precedence for a
 * setting: `environments.<env>.services.<name>`, then `services.<name>`, then the environment's
 * `service` (the sizing defaults of every long-running service), then `app` and the defaults table.
 */

type Of<T extends ServiceConfig['type']> = Extract<ServiceConfig, { type: T }>;

/** The defaults the environment's `protected` flag selects (from `DEFAULTS` in ../resolve.ts). */
export interface ServiceDefaults {
  readonly minTasks: number;
  readonly capacity: Capacity;
}

interface Context {
  readonly envName: string;
  readonly env: EnvironmentConfig;
  readonly config: SlipwayConfig;
  readonly services: ServicesConfig;
  readonly d: ServiceDefaults;
}

/** Settings every service type has. */
function common(ctx: Context, name: string, service: ServiceConfig, o: ServiceOverride) {
  const { env, config } = ctx;
  // An unknown or cyclic `from` is a validation error; until it is fixed, the service's own build stands in.
  const found = concreteImage(ctx.services, name) ?? { image: DEFAULT_IMAGE, owner: name };
  return {
    name,
    image: found.image as ConcreteImage,
    /** The service whose image this is: itself, or the one its `image.from` leads to. */
    imageOwner: found.owner,
    command: service.command as readonly string[] | undefined,
    user: service.user,
    cpu: o.cpu ?? service.cpu ?? env.service.cpu ?? config.app.cpu,
    memoryMiB: o.memoryMiB ?? service.memoryMiB ?? env.service.memoryMiB ?? config.app.memoryMiB,
    capacity: (o.capacity ?? env.service.capacity ?? ctx.d.capacity) as Capacity,
    environment: { ...service.environment, ...o.environment },
    secrets: service.secrets,
    // A preview runs without RDS (`app.database` false): no service gets a database there.
    database: service.database && config.app.database !== false,
    calls: service.calls as readonly string[],
    migrate: service.migrate as readonly string[] | undefined,
  };
}

const DEFAULT_IMAGE: ConcreteImage = { build: { context: '.', dockerfile: 'app/Dockerfile' } };

/** Task counts of a service that takes requests (web, backend). */
function requestTasks(ctx: Context, o: ServiceOverride) {
  const { env } = ctx;
  const minTasks = o.minTasks ?? env.service.minTasks ?? ctx.d.minTasks;
  const maxTasks =
    o.maxTasks ?? env.service.maxTasks ?? (env.protected ? Math.max(4, minTasks) : minTasks + 1);
  return { minTasks, maxTasks };
}

/** The container health check: node's probe by default only where the image is built here. */
function healthCheckOf(service: Of<'web'> | Of<'backend'>, image: ConcreteImage) {
  return (service.healthCheck ?? ('build' in image ? 'node' : false)) as 'node' | false | readonly string[];
}

function resolveWeb(ctx: Context, name: string, service: Of<'web'>, o: ServiceOverride) {
  const base = common(ctx, name, service, o);
  return {
    ...base,
    type: 'web' as const,
    ...requestTasks(ctx, o),
    scaling: {
      cpuPercent: o.scaleOnCpuPercent ?? ctx.env.service.scaleOnCpuPercent,
      memoryPercent: o.scaleOnMemoryPercent ?? ctx.env.service.scaleOnMemoryPercent,
      /** ALB requests per task per minute; undefined: CPU and memory only. */
      requestsPerTarget: o.scaleOnRequestsPerTarget ?? ctx.env.service.scaleOnRequestsPerTarget,
    },
    port: service.port,
    healthPath: service.healthPath,
    healthCheck: healthCheckOf(service, base.image),
    readyPath: service.readyPath,
    shutdownSeconds: service.shutdownSeconds,
    hstsMaxAgeSeconds: service.hstsMaxAgeSeconds,
    /** Which requests reach it; undefined: the default web service (every request no route matches). */
    route: service.route && {
      paths: service.route.paths as readonly string[] | undefined,
      hosts: service.route.hosts as readonly string[] | undefined,
    },
    /**
     * Its name in the environment's Cloud Map namespace. The `app` shorthand's service keeps `app`,
     * the name it registered under before services existed (renaming it would replace the registration).
     */
    discoveryName: ctx.config.services === undefined ? 'app' : name,
  };
}

function resolveBackend(ctx: Context, name: string, service: Of<'backend'>, o: ServiceOverride) {
  const base = common(ctx, name, service, o);
  return {
    ...base,
    type: 'backend' as const,
    ...requestTasks(ctx, o),
    scaling: {
      cpuPercent: o.scaleOnCpuPercent ?? ctx.env.service.scaleOnCpuPercent,
      memoryPercent: o.scaleOnMemoryPercent ?? ctx.env.service.scaleOnMemoryPercent,
    },
    port: service.port,
    healthPath: service.healthPath,
    healthCheck: healthCheckOf(service, base.image),
    shutdownSeconds: service.shutdownSeconds,
    /** Its name in the environment's Cloud Map namespace. */
    discoveryName: name,
    /** Where callers reach it: `<service>.<env>.internal`. */
    dnsName: serviceDnsName(name, ctx.envName),
  };
}

function resolveWorker(ctx: Context, name: string, service: Of<'worker'>, o: ServiceOverride) {
  const { env } = ctx;
  // Scale to zero when nothing is queued, except in production, where one task avoids a cold start.
  const minTasks = o.minTasks ?? (env.protected ? 1 : 0);
  const maxTasks = o.maxTasks ?? (env.protected ? Math.max(4, minTasks) : minTasks + 1);
  const messagesPerTask = o.messagesPerTask ?? service.queue.messagesPerTask;
  return {
    ...common(ctx, name, service, o),
    type: 'worker' as const,
    minTasks,
    maxTasks,
    scaling: { messagesPerTask },
    queue: { ...service.queue, messagesPerTask },
  };
}

function resolveJob(ctx: Context, name: string, service: Of<'job'>, o: ServiceOverride) {
  return {
    ...common(ctx, name, service, o),
    type: 'job' as const,
    command: service.command as readonly string[],
    schedule: o.schedule ?? service.schedule,
    /** False: the schedule exists but is off in this environment. */
    enabled: o.enabled ?? true,
    timeoutMinutes: service.timeoutMinutes,
    retries: service.retries,
  };
}

export type ResolvedWebService = ReturnType<typeof resolveWeb>;
export type ResolvedBackendService = ReturnType<typeof resolveBackend>;
export type ResolvedWorkerService = ReturnType<typeof resolveWorker>;
export type ResolvedJobService = ReturnType<typeof resolveJob>;
/** One service of an environment with every default applied, by `type`. */
export type ResolvedService =
  | ResolvedWebService
  | ResolvedBackendService
  | ResolvedWorkerService
  | ResolvedJobService;

const NO_OVERRIDE: ServiceOverride = { environment: {} };

/** The environment's services in declaration order, every default applied. */
export function resolveServices(
  envName: string,
  env: EnvironmentConfig,
  config: SlipwayConfig,
  d: ServiceDefaults,
): ResolvedService[] {
  const services = declaredServices(config);
  const ctx: Context = { envName, env, config, services, d };
  return Object.entries(services).map(([name, service]) => {
    const o = env.services?.[name] ?? NO_OVERRIDE;
    switch (service.type) {
      case 'web':
        return resolveWeb(ctx, name, service, o);
      case 'backend':
        return resolveBackend(ctx, name, service, o);
      case 'worker':
        return resolveWorker(ctx, name, service, o);
      default:
        return resolveJob(ctx, name, service, o);
    }
  });
}
