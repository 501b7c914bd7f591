import { grafanaRepositoryName } from './contract/grafana.ts';
import { serviceNamespace } from './contract/services.ts';
import { type DeployStrategyName, STRATEGY_TIMING } from './deploy-timing.ts';
import { resolveDomain } from './domain.ts';
import { DEFAULT_TASK_MEMORY_MIB } from './fargate.ts';
import { availabilityZones, type Region } from './regions.ts';
import { appViewIn } from './services/compat.ts';
import { migrationOwner } from './services/declared.ts';
import { imageRepositories, replicaPlaces, replicationEnabled } from './services/images.ts';
import { type ResolvedService, resolveServices } from './services/resolve.ts';
import type { AppConfig, EnvironmentConfig, SlipwayConfig } from './types.ts';

/**
 * Defaults that differ between ordinary and protected (production) environments, in one table.
 * Everything an environment leaves unset is taken from the column its `protected` flag selects:
 * cheap for dev, safe for prod. Units are in the key names.
 */
export const DEFAULTS = {
  standard: {
    nat: 'instance',
    flowLogRetentionDays: 14,
    minTasks: 1,
    capacity: 'spot',
    logRetentionDays: 14,
    instanceClass: 't4g.micro',
    multiAz: false,
    backupRetentionDays: 1,
    deletionProtection: false,
    rotationDays: false,
    /** RDS Enhanced Monitoring off: dev reads the basic CloudWatch metrics. */
    databaseMonitoringSeconds: 0,
    databaseKey: 'aws-managed',
    strategy: 'rolling',
    stepPercent: 10,
    stepBakeMinutes: 5,
    bakeMinutes: 0,
    waf: false,
    wafLogRetentionDays: 30,
    accessLogs: false,
    logEncryptionKey: 'aws-owned',
    approval: false,
    /** Grafana's and pgAdmin's tasks: Spot is fine where an interruption only costs a minute of dashboards. */
    toolCapacity: 'spot',
    /** Grafana on PostgreSQL: one task, a second when CPU or memory asks for it. */
    grafanaMinTasks: 1,
    grafanaMaxTasks: 2,
  },
  protected: {
    nat: 'gateway-per-az',
    /** A year: what AWS Control Tower's CT.CLOUDWATCH.PR.2 asks of a log group. */
    flowLogRetentionDays: 365,
    minTasks: 2,
    capacity: { mixed: { base: 1, spotWeight: 1 } },
    logRetentionDays: 365,
    instanceClass: 't4g.small',
    multiAz: true,
    backupRetentionDays: 14,
    deletionProtection: true,
    rotationDays: 30,
    databaseMonitoringSeconds: 60,
    databaseKey: 'customer-managed',
    strategy: 'canary',
    stepPercent: 10,
    stepBakeMinutes: 10,
    bakeMinutes: 15,
    waf: true,
    wafLogRetentionDays: 365,
    accessLogs: true,
    logEncryptionKey: 'customer-managed',
    approval: true,
    toolCapacity: 'on-demand',
    /** Two tasks: a task replacement or a lost zone leaves Grafana up. */
    grafanaMinTasks: 2,
    grafanaMaxTasks: 4,
  },
} as const;

/**
 * Alarm thresholds used when `alarms.rules.<name>` is not set. Protected environments get every
 * alarm; others only `MINIMUM_ALARMS` (the ones that mean "broken", not "slow"), so dev stays cheap
 * ($0.10 per metric per alarm per month, us-east-1, 2026-11). An explicit rule always wins.
 */
export const ALARM_DEFAULTS = {
  http5xx: { percent: 5 },
  latencyP99: { milliseconds: 1500 },
  unhealthyHosts: { count: 1 },
  cpuHigh: { percent: 85 },
  memoryHigh: { percent: 90 },
  tasksBelowDesired: { minutes: 10 },
  dbCpuHigh: { percent: 80 },
  dbStorageLow: { freeGiB: 2 },
  dbConnectionsHigh: { count: 60 },
} as const;

export type AlarmName = keyof typeof ALARM_DEFAULTS;

/** The alarms an unprotected environment gets by default. */
export const MINIMUM_ALARMS: readonly AlarmName[] = [
  'http5xx',
  'unhealthyHosts',
  'tasksBelowDesired',
  'dbStorageLow',
];

export type Capacity = EnvironmentConfig['service']['capacity'] & {};

/** A capacity setting as the share of each Fargate capacity provider (what ECS is given). */
export function capacityProviderStrategy(
  capacity: Capacity,
): { capacityProvider: 'FARGATE' | 'FARGATE_SPOT'; base?: number; weight: number }[] {
  if (capacity === 'on-demand') return [{ capacityProvider: 'FARGATE', weight: 1 }];
  if (capacity === 'spot') return [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
  return [
    { capacityProvider: 'FARGATE', base: capacity.mixed.base, weight: 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: capacity.mixed.spotWeight },
  ];
}

/** Expected share of task-hours on Spot for a steady fleet of `tasks` tasks (used by the cost model). */
export function spotShare(capacity: Capacity, tasks: number): number {
  if (tasks <= 0) return 0;
  if (capacity === 'on-demand') return 0;
  if (capacity === 'spot') return 1;
  const rest = Math.max(0, tasks - capacity.mixed.base);
  return (rest * capacity.mixed.spotWeight) / (capacity.mixed.spotWeight + 1) / tasks;
}

type Defaults = (typeof DEFAULTS)[keyof typeof DEFAULTS];

/** The database settings of an app that has one. */
function resolveDatabase(app: AppConfig, env: EnvironmentConfig, d: Defaults) {
  const backupRetentionDays = env.database.backupRetentionDays ?? d.backupRetentionDays;
  return {
    name: app.database === false ? 'app' : app.database.name,
    engineVersion: app.database === false ? '18' : app.database.engineVersion,
    instanceClass: env.database.instanceClass ?? d.instanceClass,
    multiAz: env.database.multiAz ?? d.multiAz,
    backupRetentionDays,
    deletionProtection: env.database.deletionProtection ?? d.deletionProtection,
    allocatedStorageGiB: env.database.allocatedStorageGiB,
    maxAllocatedStorageGiB: env.database.maxAllocatedStorageGiB,
    rotationDays: env.database.rotationDays ?? d.rotationDays,
    monitoringIntervalSeconds: env.database.monitoringIntervalSeconds ?? d.databaseMonitoringSeconds,
    encryptionKey: env.database.encryptionKey ?? d.databaseKey,
    /** A final snapshot on delete, unless the environment is disposable (one day of backups). */
    snapshotOnRemoval: env.database.snapshotOnDelete ?? (env.protected || backupRetentionDays > 1),
  };
}

/** AWS WAF on the load balancer, and how long its log group is kept. */
function resolveWaf(env: EnvironmentConfig, d: Defaults) {
  return {
    enabled: env.waf.enabled ?? d.waf,
    rateLimitPer5Minutes: env.waf.rateLimitPer5Minutes,
    logRetentionDays: env.waf.logRetentionDays ?? d.wafLogRetentionDays,
  };
}

/** Each alarm's threshold, or false when it is off (explicitly, or by the environment's defaults). */
function resolveAlarms(env: EnvironmentConfig, hasDatabase: boolean) {
  const rules = env.alarms.rules;
  const alarm = <K extends AlarmName>(key: K) => {
    const value = rules[key];
    if (value === false) return false as const;
    if (value === undefined && !env.protected && !MINIMUM_ALARMS.includes(key)) return false as const;
    return (value ?? ALARM_DEFAULTS[key]) as (typeof ALARM_DEFAULTS)[K];
  };
  return {
    email: env.alarms.email,
    http5xx: alarm('http5xx'),
    latencyP99: alarm('latencyP99'),
    unhealthyHosts: alarm('unhealthyHosts'),
    cpuHigh: alarm('cpuHigh'),
    memoryHigh: alarm('memoryHigh'),
    tasksBelowDesired: alarm('tasksBelowDesired'),
    dbCpuHigh: hasDatabase ? alarm('dbCpuHigh') : false,
    dbStorageLow: hasDatabase ? alarm('dbStorageLow') : false,
    dbConnectionsHigh: hasDatabase ? alarm('dbConnectionsHigh') : false,
  };
}

/** The container health check (`app.healthCheck`): node's probe by default only where the image is built here. */
export function resolveHealthCheck(app: AppConfig): 'node' | false | readonly string[] {
  return app.healthCheck ?? ('build' in app.image ? 'node' : false);
}

/**
 * The default web service's sizing, as `resolved.service` has always carried it, with the
 * environment-wide settings (log retention, deregistration delay) beside it.
 */
function defaultServiceSizing(
  env: EnvironmentConfig,
  d: Defaults,
  services: readonly ResolvedService[],
  strategy: DeployStrategyName,
) {
  // Every valid config has a default web service; an invalid one (reported by validation) falls back to the first.
  const web = services.find((s) => s.type === 'web' && s.route === undefined) ?? services[0];
  const minTasks = env.service.minTasks ?? d.minTasks;
  const scaling = web?.type === 'web' || web?.type === 'backend' ? web.scaling : undefined;
  return {
    cpu: web?.cpu ?? env.service.cpu ?? 256,
    memoryMiB: web?.memoryMiB ?? env.service.memoryMiB ?? DEFAULT_TASK_MEMORY_MIB,
    minTasks: web && 'minTasks' in web ? web.minTasks : minTasks,
    maxTasks: web && 'maxTasks' in web ? web.maxTasks : (env.service.maxTasks ?? minTasks + 1),
    capacity: web?.capacity ?? ((env.service.capacity ?? d.capacity) as Capacity),
    scaleOnCpuPercent: scaling?.cpuPercent ?? env.service.scaleOnCpuPercent,
    scaleOnMemoryPercent: scaling?.memoryPercent ?? env.service.scaleOnMemoryPercent,
    scaleOnRequestsPerTarget:
      web?.type === 'web' ? web.scaling.requestsPerTarget : env.service.scaleOnRequestsPerTarget,
    logRetentionDays: env.service.logRetentionDays ?? d.logRetentionDays,
    deregistrationDelaySeconds:
      env.service.deregistrationDelaySeconds ?? STRATEGY_TIMING[strategy].deregistrationDelaySeconds,
    /** The service's name in the Cloud Map namespace (`app.<env>.internal` for the `app` shorthand). */
    discoveryName: web?.type === 'web' ? web.discoveryName : 'app',
  };
}

/** One environment with every default applied: what constructs receive. They never test the name. */
export function resolveEnvironment(name: string, env: EnvironmentConfig, config: SlipwayConfig) {
  const d = env.protected ? DEFAULTS.protected : DEFAULTS.standard;
  const app: AppConfig = appViewIn(config, env);
  const hasDatabase = app.database !== false;
  const strategy = env.deploy.strategy ?? d.strategy;
  const services = resolveServices(name, env, config, { minTasks: d.minTasks, capacity: d.capacity });
  // Without `services`, the app's migrations run whenever it has a database; with them, when a service declares `migrate`.
  const migrates =
    hasDatabase && (config.services === undefined || migrationOwner(config.services) !== undefined);
  return {
    name,
    app,
    account: env.account,
    region: env.region as Region,
    protected: env.protected,
    branch: env.branch,
    promoteFrom: env.promoteFrom,
    approval: env.approval ?? d.approval,
    /** Prefix of every stack and physical name: `<app>-<env>`. */
    prefix: `${app.name}-${name}`,
    /** Root of the SSM parameters this environment writes and reads: `/<app>/<env>`. */
    parameterPath: `/${app.name}/${name}`,
    network: {
      cidr: env.network.cidr,
      azCount: env.network.azCount,
      availabilityZones: availabilityZones(env.region as Region, env.network.azCount),
      nat: env.network.nat ?? d.nat,
      flowLogRetentionDays: env.network.flowLogRetentionDays ?? d.flowLogRetentionDays,
      /** Where the VPC's SSM parameters live: this environment's own, or a preview's base's. */
      parameterPath: `/${app.name}/${name}`,
      /** The Cloud Map private DNS namespace the services register in. */
      namespaceName: serviceNamespace(name),
    },
    /** The default web service's task settings (every service's are in `services`). */
    service: defaultServiceSizing(env, d, services, strategy),
    /** Every service of the app in declaration order, every default applied (the `app` shorthand: one, `web`). */
    services,
    database: hasDatabase ? resolveDatabase(app, env, d) : undefined,
    domain: resolveDomain(name, env, config), // undefined: the CloudFront name only
    /** Risks this environment takes on purpose, with their reasons (the readiness rules read them). */
    acknowledge: env.acknowledge,
    deploy: {
      strategy,
      stepPercent: env.deploy.stepPercent ?? d.stepPercent,
      stepBakeMinutes: env.deploy.stepBakeMinutes ?? d.stepBakeMinutes,
      bakeMinutes: env.deploy.bakeMinutes ?? d.bakeMinutes,
      testListenerPort: env.deploy.testListenerPort,
      testListenerCidrs: env.deploy.testListenerCidrs,
      rollbackOn5xxPercent: env.deploy.rollbackOn5xxPercent,
      rollbackOnP99Milliseconds: env.deploy.rollbackOnP99Milliseconds,
      migrate: env.deploy.migrate ?? migrates,
      smokeTest: env.deploy.smokeTest,
      healthCheckIntervalSeconds:
        env.deploy.healthCheckIntervalSeconds ?? STRATEGY_TIMING[strategy].healthCheckIntervalSeconds,
      healthyThresholdCount:
        env.deploy.healthyThresholdCount ?? STRATEGY_TIMING[strategy].healthyThresholdCount,
      earlySuccess: env.deploy.earlySuccess ?? STRATEGY_TIMING[strategy].earlySuccess,
    },
    alarms: resolveAlarms(env, hasDatabase),
    waf: resolveWaf(env, d),
    accessLogs: env.accessLogs ?? d.accessLogs,
    logEncryptionKey: env.logEncryptionKey ?? d.logEncryptionKey,
    /** Office hours; undefined: always on. */
    officeHours: env.officeHours,
    dashboard: env.dashboard,
    grafana: resolveGrafana(env, d, hasDatabase),
    pgadmin: {
      ...env.pgadmin,
      // pgAdmin needs the database; validation rejects enabling it without one.
      enabled: env.pgadmin.enabled && hasDatabase,
      email: env.pgadmin.email ?? `admin@${app.name}.internal`,
    },
  };
}

export type ResolvedEnvironment = ReturnType<typeof resolveEnvironment>;

/**
 * Grafana's settings: PostgreSQL where the app has a database and the network has NAT (the
 * bootstrap function reaches Secrets Manager through it), SQLite on EFS with exactly one task
 * otherwise. Validation reports explicit settings the environment cannot honour (SW177, SW178).
 */
function resolveGrafana(env: EnvironmentConfig, d: Defaults, hasDatabase: boolean) {
  const nat = env.network.nat ?? d.nat;
  const database = env.grafana.database ?? (hasDatabase && nat !== 'none' ? 'postgres' : 'sqlite');
  const single = database === 'sqlite';
  const minTasks = env.grafana.minTasks ?? (single ? 1 : d.grafanaMinTasks);
  return {
    ...env.grafana,
    database,
    minTasks,
    maxTasks: env.grafana.maxTasks ?? (single ? 1 : Math.max(d.grafanaMaxTasks, minTasks)),
    capacity: env.grafana.capacity ?? d.toolCapacity,
  };
}

/**
 * Whether the environment serves HTTPS to its users. Always: CloudFront terminates TLS in front of
 * every environment, on the environment's own `domain` or on its cloudfront.net name. Checks that
 * care ask this one function, so an environment that could serve plain HTTP changes only this.
 */
export function servesHttps(_env: Pick<ResolvedEnvironment, 'domain'>): boolean {
  return true;
}

/** Where the image repositories live: explicit, or the first environment's account and region. */
export function resolveRegistry(config: SlipwayConfig) {
  const first = Object.values(config.environments)[0];
  if (!first) throw new Error('resolveRegistry: the config has no environments');
  const everyAlarmEmail = Object.values(config.environments).flatMap((env) => env.alarms.email);
  const account = config.registry.account ?? first.account;
  const region = (config.registry.region ?? first.region) as Region;
  const places = { registry: { account, region }, environments: config.environments };
  const replication = replicationEnabled(config.registry.replication, places);
  return {
    ...config.registry,
    account,
    region,
    /** Images are copied to every other account and region of the environments (ECR replication). */
    replication,
    /** Where they are copied to: empty without replication. */
    replicas: replication ? replicaPlaces(places) : [],
    /** The app's repository, `<app>` (the default web service's image). */
    repositoryName: config.app.name,
    /** Every repository: the app's first, then `<app>-<owner>` per other built image. */
    repositories: imageRepositories(config),
    /** Grafana's image repository `<app>-grafana`, where any environment runs Grafana. */
    grafanaRepository: Object.values(config.environments).some((env) => env.grafana.enabled)
      ? grafanaRepositoryName(config.app.name)
      : undefined,
    cleanup: {
      ...config.registry.cleanup,
      alarmEmail: config.registry.cleanup.alarmEmail ?? [...new Set(everyAlarmEmail)],
    },
  };
}

export type ResolvedRegistry = ReturnType<typeof resolveRegistry>;
