import { z } from 'zod';
import { alarmsSchema } from './alarms.ts';
import { accountId, cidr, environmentName, region } from './common.ts';
import { deploySchema } from './deploy.ts';
import { officeHoursSchema } from './office-hours.ts';
import { grafanaSchema, pgadminSchema } from './tools.ts';

export const natMode = z.enum(['none', 'instance', 'gateway', 'gateway-per-az']);

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
      /** Why this protected environment may stop outside its `officeHours`. */
      officeHours: z.string().min(10).optional(),
    })
    .default({}),
  /** Git branch whose pushes deploy here (app and infra pipelines). @default - no branch deploys here; deploys are manual (`slipway deploy`, workflow dispatch) */
  branch: z.string().min(1).optional(),
  /** Deploy here only the image that passed this environment first (e.g. prod after staging). @default - any image may be deployed; none has to pass another environment first */
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
      /** Target ALB requests per task per minute for autoscaling. @default - no request-count scaling; CPU and memory only */
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
  /** Serve on a domain with HTTPS (HTTP redirects to HTTPS). @default - no domain: HTTP on the ALB's DNS name */
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
   * A protected environment needs `waivers.officeHours` to have one.
   * @default always on (no schedule)
   */
  officeHours: officeHoursSchema.optional(),
  /** Write ALB access logs to an encrypted bucket. @default true if protected */
  accessLogs: z.boolean().optional(),
  /**
   * The environment's CloudWatch dashboard ($3 a month). Grafana shows the same metrics from the
   * same catalog, so an environment that keeps Grafana may drop it to save money. @default true
   */
  dashboard: z.boolean().default(true),
  /** Grafana on Fargate with EFS, reading CloudWatch. */
  grafana: grafanaSchema.prefault({}),
  /** pgAdmin on Fargate with EFS, preconfigured for the environment's database. */
  pgadmin: pgadminSchema.prefault({}),
});
