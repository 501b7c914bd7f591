import { z } from 'zod';
import { TAG_PATTERN } from '../contract/registry-trigger.ts';
import { acknowledgeSchema } from './acknowledge.ts';
import { alarmsSchema } from './alarms.ts';
import { capacitySchema } from './capacity.ts';
import { accountId, cidr, environmentName, region } from './common.ts';
import { deploySchema } from './deploy.ts';
import { environmentDomainSchema } from './domain.ts';
import { officeHoursSchema } from './office-hours.ts';
import { serviceName, serviceOverrideSchema } from './services.ts';
import { grafanaSchema, pgadminSchema } from './tools.ts';

export { capacitySchema };

export const natMode = z.enum(['none', 'instance', 'gateway', 'gateway-per-az']);

export const environmentSchema = z.strictObject({
  /** 12-digit AWS account id of this environment (placeholders in the example must be replaced). */
  account: accountId,
  /** AWS region, e.g. `us-east-1`. */
  region,
  /**
   * A protected environment is production: safe defaults (Multi-AZ, deletion protection, canary
   * deploys, WAF, access logs), it must pass the production-readiness rules (or acknowledge each
   * risk it takes, see `acknowledge`), and `slipway destroy` refuses it without `--allow-protected`.
   * @default false
   */
  protected: z.boolean().default(false),
  /**
   * Risks this protected environment takes on purpose, each with its reason (at least 10
   * characters), e.g. `{ singleAzDatabase: 'staging copy of prod data is disposable' }`. Every
   * production-readiness rule a protected environment breaks is an error unless acknowledged here
   * (docs/production-readiness.md); an acknowledgement of a risk the environment does not take is an error too.
   * @default - nothing acknowledged: a protected environment must pass every readiness rule
   */
  acknowledge: acknowledgeSchema.default({}),
  /** Git branch whose pushes deploy here (app and infra pipelines). @default - no branch deploys here; deploys are manual (`slipway deploy`, workflow dispatch) */
  branch: z.string().min(1).optional(),
  /** Deploy here only the image that passed this environment first (e.g. prod after staging). @default - any image may be deployed; none has to pass another environment first */
  promoteFrom: environmentName.optional(),
  /** Require a reviewer's approval in the pipeline (GitHub Environment protection). @default true if protected */
  approval: z.boolean().optional(),
  /**
   * Deploy this environment when an image whose tag matches `tagPattern` is pushed to the app's
   * repository, e.g. `{ tagPattern: 'rc-*' }`: an EventBridge rule of the registry stack hands the
   * push to a function that starts the app workflow's on-demand deploy (`environment`, `image-tag`)
   * as the GitHub App of `github.appId` (docs/pipelines.md, "Deploy on image push").
   * @default - off: a push to the registry deploys nothing by itself
   */
  deployOnImagePush: z
    .strictObject({
      /** Tag glob; `*` matches any run of characters (the one wildcard EventBridge has), e.g. `v*` or `rc-*`. */
      tagPattern: z
        .string()
        .regex(TAG_PATTERN, 'a tag glob of A-Z a-z 0-9 _ . - and *, e.g. "rc-*", not starting with . or -'),
    })
    .optional(),
  network: z
    .strictObject({
      /** VPC CIDR block (a /16 to /24). Environments in one account must not overlap. */
      cidr: cidr,
      /**
       * Availability zones to spread over (the ALB needs two), at most as many as the region has
       * (`config/src/regions.ts`). A protected environment runs at least this many tasks of each
       * web and backend service at rest (acknowledge.fewerTasksThanZones).
       * @default 2
       */
      azCount: z.number().int().min(2).max(6).default(2),
      /**
       * Outbound internet for private subnets.
       * `none`: tasks run in public subnets with a public IP (security groups still admit only the ALB);
       * `instance`: one t4g.nano NAT instance (about $7/month with its IPv4 address);
       * `gateway`: one NAT gateway (about $37/month in us-east-1); `gateway-per-az`: one per zone.
       * @default 'instance' unless protected, then 'gateway-per-az'
       */
      nat: natMode.optional(),
      /** Days to keep VPC flow logs. @default 14 unless protected, then 365 (the year AWS Control Tower's CT.CLOUDWATCH.PR.2 asks) */
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
      /** Target ALB requests per task per minute for autoscaling. @default - no request-count scaling; CPU and memory only */
      scaleOnRequestsPerTarget: z.number().int().min(1).optional(),
      /** Days to keep container logs (and the deployment hooks' and database's logs). @default 14 unless protected, then 365 (the year AWS Control Tower's CT.CLOUDWATCH.PR.2 asks) */
      logRetentionDays: z.number().int().min(1).optional(),
      /** Seconds the load balancer drains a deregistering task. @default 10 for rolling, 5 for blue-green, canary and linear (the old tasks have served no production traffic since the last shift) */
      deregistrationDelaySeconds: z.number().int().min(0).max(3600).optional(),
    })
    .prefault({}),
  /**
   * Per-service settings in this environment, keyed by a name under `services` (task size, task
   * counts, capacity, scaling, extra variables; a job's schedule or `enabled: false`). What a
   * service leaves unset here comes from the service, then from `service` above.
   * @default {} (every service as declared)
   */
  services: z.record(serviceName, serviceOverrideSchema).default({}),
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
      /**
       * Take a final snapshot when CloudFormation deletes or replaces the instance (the data stack
       * deleted, `slipway destroy`, a change that replaces the database); `false` deletes the
       * instance with its data and its automated backups. The snapshot stays until you delete it,
       * billed per GB-month (docs/cost.md). An environment that keeps backups for more than a day
       * keeps data worth its last state; one day of backups is the disposable profile (dev, test,
       * pull-request previews).
       * @default true if protected or backupRetentionDays is above 1, else false
       */
      snapshotOnDelete: z.boolean().optional(),
      /** Initial storage in GiB (gp3). @default 20 */
      allocatedStorageGiB: z.number().int().min(20).max(65536).default(20),
      /** Storage autoscaling ceiling in GiB. @default 100 */
      maxAllocatedStorageGiB: z.number().int().min(20).max(65536).default(100),
      /** Rotate the master password every this many days; `false` disables rotation. @default false unless protected, then 30 */
      rotationDays: z.union([z.literal(false), z.number().int().min(1).max(365)]).optional(),
      /**
       * The key that encrypts the database's storage, snapshots and backups: RDS's AWS-managed
       * `aws/rds` key, or a customer-managed KMS key of the environment. Only a customer-managed key
       * lets a snapshot be shared with or copied to another account (backups kept elsewhere); AWS
       * Control Tower's control CT.RDS.PR.30 requires one. Choose it before the first deploy:
       * changing it replaces the database (restore from a snapshot to keep the data).
       * @default 'aws-managed' unless protected, then 'customer-managed'
       * @example 'customer-managed' // one KMS key: $1 a month (docs/cost.md)
       */
      encryptionKey: z.enum(['aws-managed', 'customer-managed']).optional(),
      /**
       * RDS Enhanced Monitoring: operating-system metrics (per-process CPU and memory, disk I/O)
       * every this many seconds, to CloudWatch Logs; `0` turns it off. AWS Control Tower's control
       * CT.RDS.PR.2 requires it.
       * @default 0 (off) unless protected, then 60
       * @example 60 // ≈0.12 GiB of logs a month: about $0.06 in us-east-1 (docs/cost.md)
       */
      monitoringIntervalSeconds: z
        .union([
          z.literal(0),
          z.literal(1),
          z.literal(5),
          z.literal(10),
          z.literal(15),
          z.literal(30),
          z.literal(60),
        ])
        .optional(),
    })
    .prefault({}),
  /** The environment's name on the web (overrides the top-level `domain`); `false` for the CloudFront name only. @default `<env>.<domain.name>` (protected: `domain.name`) with the top-level `domain`, else none */
  domain: environmentDomainSchema.optional(),
  deploy: deploySchema.prefault({}),
  alarms: alarmsSchema.prefault({}),
  /** AWS WAF on the CloudFront distribution (managed rule groups and a per-IP rate limit). */
  waf: z
    .strictObject({
      /** @default false unless protected */
      enabled: z.boolean().optional(),
      /** Requests per IP per 5 minutes before WAF blocks it. @default 2000 */
      rateLimitPer5Minutes: z.number().int().min(10).max(2_000_000_000).default(2000),
      /** Days to keep the WAF log group (`aws-waf-logs-<app>-<env>`). @default 30 unless protected, then 365 (the year AWS Control Tower's CT.CLOUDWATCH.PR.2 asks) */
      logRetentionDays: z.number().int().min(1).optional(),
    })
    .prefault({}),
  /**
   * Office hours: run the tasks, the database and the NAT instance only on these days and hours
   * (about a third of the month for MON-FRI 08:00-18:00), e.g.
   * `{ days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' }`.
   * A protected environment needs `acknowledge.officeHours` to have one.
   * @default always on (no schedule)
   */
  officeHours: officeHoursSchema.optional(),
  /** Write ALB access logs to an encrypted bucket. @default true if protected */
  accessLogs: z.boolean().optional(),
  /**
   * The key CloudWatch Logs encrypts the environment's log groups with (container, hook, flow,
   * WAF and Grafana logs): an AWS-owned key, or a customer-managed KMS key per stack that holds log
   * groups, whose key policy decides who reads the logs and whose use CloudTrail records. AWS
   * Control Tower's control CT.CLOUDWATCH.PR.3 requires a customer-managed key. Switching either
   * way re-associates the log groups in place; nothing is replaced.
   * @default 'aws-owned' unless protected, then 'customer-managed'
   * @example 'customer-managed' // three keys (network, service, observability): $3 a month (docs/cost.md)
   */
  logEncryptionKey: z.enum(['aws-owned', 'customer-managed']).optional(),
  /**
   * The environment's CloudWatch dashboard ($3 a month). Grafana shows the same metrics from the
   * same catalog, so an environment that keeps Grafana may drop it to save money. @default true
   */
  dashboard: z.boolean().default(true),
  /** Grafana on Fargate, its state in PostgreSQL (or SQLite on EFS without one), reading CloudWatch. */
  grafana: grafanaSchema.prefault({}),
  /** pgAdmin on Fargate with EFS, preconfigured for the environment's database. */
  pgadmin: pgadminSchema.prefault({}),
});
