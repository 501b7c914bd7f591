import { z } from 'zod';
import { FARGATE_CPU_UNITS } from './fargate.ts';
import { REGION_NAMES } from './regions.ts';

/*
 * The schema of `slipway.config.ts`: the only source of its types (see `types.ts`).
 *
 * Keys that have no default here are derived per environment from its `protected` flag by
 * `resolve.ts` (the defaults table `DEFAULTS`), so "safe for prod, cheap for dev" is data,
 * not `if (env === 'prod')` branches. Cross-field rules (CIDR overlap, Fargate sizes, ranges
 * that depend on each other) live in `validate.ts`, which reports every error at once.
 */

const NAME = /^[a-z][a-z0-9-]*[a-z0-9]$/;

export const appName = z
  .string()
  .regex(NAME, 'lowercase letters, digits and hyphens, starting with a letter')
  .min(2)
  .max(20);

/** An environment name becomes part of stack and resource names: short, lowercase. */
export const environmentName = z
  .string()
  .regex(NAME, 'lowercase letters, digits and hyphens, starting with a letter')
  .min(2)
  .max(12);

export const accountId = z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id');

export const region = z.enum(REGION_NAMES as [string, ...string[]], {
  error: (issue) => `unknown region ${JSON.stringify(issue.input)}`,
});

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

export const cidr = z.string().refine(
  (value) => {
    const m = IPV4_CIDR.exec(value);
    if (!m) return false;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    return octets.every((o) => o >= 0 && o <= 255) && prefix >= 0 && prefix <= 32;
  },
  { message: 'an IPv4 CIDR block such as 10.0.0.0/16' },
);

const envVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'UPPER_SNAKE_CASE');

const minutes = (max: number) => z.number().int().min(0).max(max);
const percent = z.number().min(0).max(100);

/** Where a secret comes from: a Secrets Manager secret (optionally one JSON field) or an SSM parameter. */
export const secretRef = z.union([
  z.strictObject({
    /** ARN or name of a Secrets Manager secret. */
    secretsManager: z.string().min(1),
    /** JSON key inside the secret; the whole secret string when omitted. */
    field: z.string().min(1).optional(),
  }),
  z.strictObject({
    /** Name of an SSM SecureString/String parameter, starting with `/`. */
    ssmParameter: z.string().regex(/^\//, 'a parameter name starting with /'),
  }),
]);

export const imageSchema = z.union([
  z.strictObject({
    /** Build the image from a Dockerfile in this repository (the app pipeline builds and pushes it). */
    build: z.strictObject({
      /** Docker build context, relative to the repository root. @default '.' */
      context: z.string().default('.'),
      /** Dockerfile path, relative to the repository root. @default 'app/Dockerfile' */
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
  port: z.number().int().min(1).max(65535).default(3000),
  /** Liveness path used by the load balancer and the container health check. @default '/health' */
  healthPath: z.string().regex(/^\//).default('/health'),
  /** Readiness path (database reachable, migrations current) used by deploy smoke tests. @default '/ready' */
  readyPath: z.string().regex(/^\//).default('/ready'),
  /** Command that applies database migrations, run as a one-off task before new tasks take traffic. @default ['node', 'dist/main.js', 'migrate'] */
  migrateCommand: z.array(z.string().min(1)).min(1).default(['node', 'dist/main.js', 'migrate']),
  /** Default task CPU units for every environment (256 = 0.25 vCPU). @default 256 */
  cpu: z.number().int().default(256),
  /** Default task memory in MiB for every environment. @default 512 */
  memoryMiB: z.number().int().default(512),
  /** Seconds the service needs to finish in-flight requests after SIGTERM (it reads `SHUTDOWN_TIMEOUT_MS`). @default 10 */
  shutdownSeconds: z.number().int().min(1).max(110).default(10),
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

const natMode = z.enum(['none', 'instance', 'gateway', 'gateway-per-az']);
const deployStrategy = z.enum(['rolling', 'blue-green', 'canary', 'linear']);

export const capacitySchema = z.union([
  z.enum(['on-demand', 'spot']),
  z.strictObject({
    /** Run `base` tasks on on-demand Fargate, then split the rest `spotWeight` : 1 between Spot and on-demand. */
    mixed: z.strictObject({
      /** Tasks always on on-demand Fargate (the ones a Spot interruption cannot take away). */
      base: z.number().int().min(0).max(100),
      /** Spot tasks for every on-demand task above the base. */
      spotWeight: z.number().int().min(1).max(1000),
    }),
  }),
]);

const alarmRule = <T extends z.ZodRawShape>(shape: T) => z.union([z.literal(false), z.strictObject(shape)]);

export const alarmsSchema = z.strictObject({
  /** Addresses subscribed to the environment's alarm topic (each must confirm the subscription). @default none */
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
  /** Extra CIDRs allowed to call the test listener (the smoke-test function always is). @default none */
  testListenerCidrs: z.array(cidr).default([]),
  /** Roll back when the new revision's 5xx share exceeds this percent. @default 5 */
  rollbackOn5xxPercent: z.number().gt(0).max(100).default(5),
  /** Roll back when the new revision's p99 latency exceeds this many ms. @default 2000 */
  rollbackOnP99Milliseconds: z.number().int().min(1).default(2000),
  /** Run `app.migrateCommand` as a one-off task before new tasks take traffic. @default true when the app has a database */
  migrate: z.boolean().optional(),
  /** Call `/ready` and `/info` through the test listener before production traffic shifts. @default true */
  smokeTest: z.boolean().default(true),
});

const WEEKDAY = '(SUN|MON|TUE|WED|THU|FRI|SAT)';
/** Day-of-week order of AWS cron expressions (1 = SUN ... 7 = SAT). */
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time HH:MM such as 08:00');

/**
 * Office hours: when an environment runs its tasks, database and NAT instance. Outside them the
 * ECS services scale to zero and the RDS instance and the NAT instance are stopped; the load
 * balancer, storage and everything else stay (docs/infrastructure.md, "Office hours").
 */
export const uptimeSchema = z.strictObject({
  /**
   * Days it runs, as in a cron day-of-week field: ranges in SUN..SAT order and lists, e.g.
   * `MON-FRI`, `MON,WED,FRI`, `SUN,TUE-SAT`.
   * @default 'MON-FRI'
   */
  days: z
    .string()
    .regex(
      new RegExp(`^${WEEKDAY}(-${WEEKDAY})?(,${WEEKDAY}(-${WEEKDAY})?)*$`),
      'days such as MON-FRI or MON,WED,FRI (SUN MON TUE WED THU FRI SAT)',
    )
    .refine(
      (value) =>
        value.split(',').every((part) => {
          const [from, to = from] = part.split('-') as [
            (typeof WEEKDAYS)[number],
            (typeof WEEKDAYS)[number]?,
          ];
          return WEEKDAYS.indexOf(from) <= WEEKDAYS.indexOf(to);
        }),
      'ranges in SUN..SAT order, e.g. MON-FRI; split a range across the weekend, e.g. SUN,FRI-SAT',
    )
    .default('MON-FRI'),
  /**
   * Local time the service is up from, 24-hour `HH:MM`. The database and the NAT instance start
   * 10 minutes earlier so the tasks find them running.
   * @default '08:00'
   */
  start: clockTime.default('08:00'),
  /** Local time the service scales to zero, `HH:MM`, at least an hour after `start` on the same day. @default '18:00' */
  stop: clockTime.default('18:00'),
  /** IANA time zone of `start` and `stop`, e.g. `Europe/London`; daylight saving time is followed. @default 'UTC' */
  timezone: z.string().min(1).default('UTC'),
});

export const environmentSchema = z.strictObject({
  /** 12-digit AWS account id of this environment (placeholders in the example must be replaced). */
  account: accountId,
  /** AWS region, e.g. `us-east-1`. */
  region,
  /**
   * A protected environment is production: safe defaults (Multi-AZ, deletion protection, canary
   * deploys, WAF, access logs) and `slipway destroy` refuses it without `--allow-protected`.
   * @default false
   */
  protected: z.boolean().default(false),
  /** Reasons for deliberately turning off a protected-environment safeguard. */
  waivers: z
    .strictObject({
      /** Why this protected environment may run its database without deletion protection. */
      deletionProtection: z.string().min(10).optional(),
      /** Why this protected environment may stop outside `uptime` hours. */
      uptime: z.string().min(10).optional(),
    })
    .default({}),
  /** Git branch whose pushes deploy here (app and infra pipelines). @default none (manual deploys only) */
  branch: z.string().min(1).optional(),
  /** Deploy here only the image that passed this environment first (e.g. prod after staging). @default none */
  promoteFrom: environmentName.optional(),
  /** Require a reviewer's approval in the pipeline (GitHub Environment protection). @default true if protected */
  approval: z.boolean().optional(),
  network: z
    .strictObject({
      /** VPC CIDR block (a /16 to /24). Environments in one account must not overlap. */
      cidr: cidr,
      /** Availability zones to spread over (the ALB needs two). @default 2 */
      azCount: z.number().int().min(2).max(6).default(2),
      /**
       * Outbound internet for private subnets.
       * `none`: tasks run in public subnets with a public IP (security groups still admit only the ALB);
       * `instance`: one t4g.nano NAT instance (about $7/month with its IPv4 address);
       * `gateway`: one NAT gateway (about $37/month in us-east-1); `gateway-per-az`: one per zone.
       * @default 'instance' unless protected, then 'gateway-per-az'
       */
      nat: natMode.optional(),
      /** Days to keep VPC flow logs. @default 14 unless protected, then 90 */
      flowLogRetentionDays: z.number().int().min(1).optional(),
    })
    .strict(),
  service: z
    .strictObject({
      /** Task CPU units (256 = 0.25 vCPU). @default `app.cpu` */
      cpu: z.number().int().optional(),
      /** Task memory in MiB; must be a Fargate size for the CPU. @default `app.memoryMiB` */
      memoryMiB: z.number().int().optional(),
      /** Fewest running tasks. @default 1 unless protected, then 2 */
      minTasks: z.number().int().min(0).max(1000).optional(),
      /** Most running tasks autoscaling may start. @default minTasks + 1 unless protected, then 4 */
      maxTasks: z.number().int().min(1).max(1000).optional(),
      /** Fargate capacity. @default 'spot' unless protected, then { mixed: { base: 1, spotWeight: 1 } } */
      capacity: capacitySchema.optional(),
      /** Target CPU utilization for autoscaling, percent. @default 70 */
      scaleOnCpuPercent: z.number().int().min(10).max(95).default(70),
      /** Target memory utilization for autoscaling, percent. @default 80 */
      scaleOnMemoryPercent: z.number().int().min(10).max(95).default(80),
      /** Target ALB requests per task per minute for autoscaling. @default off */
      scaleOnRequestsPerTarget: z.number().int().min(1).optional(),
      /** Days to keep container logs. @default 14 unless protected, then 90 */
      logRetentionDays: z.number().int().min(1).optional(),
      /** Seconds the load balancer drains a deregistering task. @default 30 */
      deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
    })
    .prefault({}),
  database: z
    .strictObject({
      /** RDS instance class without the `db.` prefix. @default 't4g.micro' unless protected, then 't4g.small' */
      instanceClass: z
        .string()
        .regex(/^[a-z][a-z0-9]*\.(micro|small|medium|large|\d*xlarge)$/, 'an instance class like t4g.micro')
        .optional(),
      /** Standby in a second zone with automatic failover. @default false unless protected */
      multiAz: z.boolean().optional(),
      /** Days of automated backups (1-35). @default 1 unless protected, then 14 */
      backupRetentionDays: z.number().int().min(1).max(35).optional(),
      /** Refuse to delete the instance. @default false unless protected */
      deletionProtection: z.boolean().optional(),
      /** Initial storage in GiB (gp3). @default 20 */
      allocatedStorageGiB: z.number().int().min(20).max(65536).default(20),
      /** Storage autoscaling ceiling in GiB. @default 100 */
      maxAllocatedStorageGiB: z.number().int().min(20).max(65536).default(100),
      /** Rotate the master password every this many days; `false` disables rotation. @default false unless protected, then 30 */
      rotationDays: z.union([z.literal(false), z.number().int().min(1).max(365)]).optional(),
    })
    .prefault({}),
  /** Serve on a domain with HTTPS (HTTP redirects to HTTPS). @default none: HTTP on the ALB's DNS name */
  domain: z
    .strictObject({
      /** Fully qualified name, e.g. `app.example.com`. */
      name: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'a fully qualified domain name'),
      /** ACM certificate ARN in the environment's region covering `name`. */
      certificateArn: z
        .string()
        .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/, 'an ACM certificate ARN'),
      /** Route 53 hosted zone to create the alias record in. @default no record (manage DNS yourself) */
      hostedZone: z
        .strictObject({
          id: z.string().regex(/^Z[A-Z0-9]+$/, 'a hosted zone id like Z0123456789ABC'),
          name: z.string().min(1),
        })
        .optional(),
    })
    .optional(),
  deploy: deploySchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  /** AWS WAF on the load balancer (managed rule groups and a per-IP rate limit). */
  waf: z
    .strictObject({
      /** @default false unless protected */
      enabled: z.boolean().optional(),
      /** Requests per IP per 5 minutes before WAF blocks it. @default 2000 */
      rateLimitPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(2000),
      /** Days to keep the WAF log group (`aws-waf-logs-<app>-<env>`). @default 30 */
      logRetentionDays: z.number().int().min(1).default(30),
    })
    .prefault({}),
  /**
   * Office hours: run the tasks, the database and the NAT instance only on these days and hours
   * (about a third of the month for MON-FRI 08:00-18:00), e.g.
   * `{ days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' }`.
   * A protected environment needs `waivers.uptime` to have one.
   * @default always on (no schedule)
   */
  uptime: uptimeSchema.optional(),
  /** Write ALB access logs to an encrypted bucket. @default true if protected */
  accessLogs: z.boolean().optional(),
  /**
   * The environment's CloudWatch dashboard ($3 a month). Grafana shows the same metrics from the
   * same catalog, so an environment that keeps Grafana may drop it to save money. @default true
   */
  dashboard: z.boolean().default(true),
  /** Grafana on Fargate with EFS, reading CloudWatch. */
  grafana: z
    .strictObject({
      /** @default true */
      enabled: z.boolean().default(true),
      /**
       * CIDRs allowed to open Grafana through the load balancer at `/grafana/` (at most 4: an ALB
       * rule evaluates at most 5 values, one of them the path).
       * @default none: no route; reach it by ECS Exec port forwarding (docs/observability.md)
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
    })
    .prefault({}),
  /** pgAdmin on Fargate with EFS, preconfigured for the environment's database. */
  pgadmin: z
    .strictObject({
      /** @default false */
      enabled: z.boolean().default(false),
      /**
       * CIDRs allowed to open pgAdmin through the load balancer at `/pgadmin/` (at most 4).
       * @default none: no route; reach it by ECS Exec port forwarding (docs/observability.md)
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
    })
    .prefault({}),
});

export const registrySchema = z.strictObject({
  /** Account holding the image repository. @default the first environment's account */
  account: accountId.optional(),
  /** Region holding the image repository. @default the first environment's region */
  region: region.optional(),
  /** Most recent sha-tagged images the lifecycle policy keeps. @default 10 */
  keepImages: z.number().int().min(1).max(1000).default(10),
  cleanup: z
    .strictObject({
      /** Run the cleanup function. @default true */
      enabled: z.boolean().default(true),
      /** EventBridge schedule expression. @default 'cron(0 3 * * ? *)' (daily 03:00 UTC) */
      schedule: z
        .string()
        .regex(
          /^(rate|cron)\(.+\)$/,
          'an EventBridge schedule expression like rate(1 day) or cron(0 3 * * ? *)',
        )
        .default('cron(0 3 * * ? *)'),
      /** Delete images older than this many days (unless deployed, rollback targets or protected). @default 60 */
      maxAgeDays: z.number().int().min(1).max(3650).default(60),
      /** Report what would be deleted without deleting. @default false */
      dryRun: z.boolean().default(false),
      /**
       * Tag globs whose images neither the cleanup function nor the lifecycle rules ever delete
       * (ECR lifecycle syntax: `*` is the only wildcard, at most 4 per pattern). The release tags
       * `deployed-*` and `rollback-*` are always protected as well. See docs/images.md.
       * @default ['latest', '*-latest']
       */
      protectedTags: z
        .array(
          z
            .string()
            .regex(
              /^(?=.{1,128}$)[A-Za-z0-9._-]*(\*[A-Za-z0-9._-]*){0,4}$/,
              'a tag glob of A-Z a-z 0-9 . _ - with at most four * wildcards, e.g. "release-*"',
            ),
        )
        .min(1)
        .max(10)
        .default(['latest', '*-latest']),
      /**
       * Addresses emailed when the cleanup function fails (each confirms the subscription once).
       * @default every address in any environment's `alarms.email`
       */
      alarmEmail: z.array(z.email()).optional(),
    })
    .prefault({}),
});

export const githubSchema = z.strictObject({
  /** GitHub organisation or user that owns the repository. */
  owner: z.string().regex(/^[A-Za-z0-9-]+$/),
  /** Repository name. */
  repository: z.string().regex(/^[A-Za-z0-9._-]+$/),
});

export const auditSchema = z.strictObject({
  /** One CloudTrail trail per account (multi-region, log file validation, KMS-encrypted bucket). @default true */
  cloudTrail: z.boolean().default(true),
  /** Days to keep trail logs in S3 before expiry. @default 365 */
  retentionDays: z.number().int().min(1).default(365),
  /** Days to keep the trail's copy in CloudWatch Logs (for queries and metric filters). @default 90 */
  logRetentionDays: z.number().int().min(1).default(90),
});

export const previewsSchema = z.strictObject({
  /**
   * The environment pull-request previews (`pr-<number>`) are derived from: they deploy into its
   * account and region and share its network (VPC, NAT, Cloud Map namespace), with the cheapest
   * settings (one 0.25 vCPU / 0.5 GB Spot task, rolling deploys, no RDS: the service runs on its
   * embedded in-memory database, no Grafana, no WAF).
   */
  from: environmentName,
});

export const configSchema = z.strictObject({
  app: appSchema,
  /** Deployment targets by name; the order is the promotion order. */
  environments: z.record(environmentName, z.unknown()),
  registry: registrySchema.prefault({}),
  github: githubSchema.optional(),
  audit: auditSchema.prefault({}),
  /** Pull-request previews (the `preview` workflow). @default off */
  previews: previewsSchema.optional(),
});

export { deployStrategy, FARGATE_CPU_UNITS, natMode };
