import { z } from 'zod';
import { accountId, environmentName, region } from './common.ts';

export const registrySchema = z.strictObject({
  /** Account holding the image repository. @default the first environment's account */
  account: accountId.optional(),
  /** Region holding the image repository. @default the first environment's region */
  region: region.optional(),
  /**
   * Copy every pushed image to each other account and region that runs an environment (ECR
   * replication), so tasks pull from their own region; false: every environment pulls from the
   * registry itself. See docs/images.md, "Regional images".
   * @default true when an environment is in another account or region than the registry, else false
   */
  replication: z.boolean().optional(),
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
  /**
   * App ID of the GitHub App (repository permission Actions: write, installed on this repository)
   * that the registry trigger starts workflows as; its private key goes in the secret the registry
   * stack creates (docs/pipelines.md, "Deploy on image push").
   * @default - no App: no environment can set `deployOnImagePush` (SW170)
   */
  appId: z.number().int().positive().optional(),
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
