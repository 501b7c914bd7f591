/**
 * Configuration of the migrate hook, read from environment variables at cold start.
 */
import { type Env, EnvReader } from '../shared/config.ts';

export interface MigrateHookConfig {
  /** Cluster (name or ARN) the one-off migration task runs in. */
  cluster: string;
  /** Private subnets for the task (awsvpc). */
  subnetIds: string[];
  /** Security groups for the task; must reach the database. */
  securityGroupIds: string[];
  /** Give the task a public IP: only for environments without NAT, whose workloads run in public subnets. */
  assignPublicIp: boolean;
  /** The application container in the task definition; its command is overridden. */
  containerName: string;
  /** The command that runs the migrations and exits 0 on success. */
  migrateCommand: string[];
  /** Budget for the whole migration, counted from the task's creation. */
  timeoutSeconds: number;
  /** Budget for the task to reach RUNNING (image pull, ENI attach), counted from its creation. */
  startTimeoutSeconds: number;
  /** How long ECS waits before invoking the hook again while the task runs. */
  callBackDelaySeconds: number;
  /** Region, for the CloudWatch Logs console link. */
  region: string;
  /** Log group for the console link when the container's log configuration does not name one. */
  logGroupName: string | undefined;
  /** awslogs stream prefix for the console link when the container's log configuration does not name one. */
  logStreamPrefix: string | undefined;
  /**
   * The SSM parameters of the release's migrations digest and of the last applied one; both set:
   * the hook skips its task when they match (see digests.ts). Unset: it always migrates.
   */
  digestParameters: { release: string; applied: string } | undefined;
}

export const MIGRATE_HOOK_DEFAULTS = {
  containerName: 'app',
  migrateCommand: ['node', 'dist/main.js', 'migrate'],
  /** seconds */
  timeoutSeconds: 900,
  /** seconds; a small image on Fargate usually starts well within a minute. */
  startTimeoutSeconds: 300,
  /** seconds; ECS's own default is 30. */
  callBackDelaySeconds: 15,
} as const;

const SUBNET = /^subnet-[0-9a-f]{8,17}$/;
const SECURITY_GROUP = /^sg-[0-9a-f]{8,17}$/;

export function loadMigrateHookConfig(env: Env): MigrateHookConfig {
  const r = new EnvReader('migrate-hook', env);
  const cluster = r.requiredString('CLUSTER', 'the ECS cluster name or ARN to run the migration task in');
  const subnetIds = r.list(
    'SUBNET_IDS',
    undefined,
    'private subnet ids such as "subnet-0abc1234,subnet-0def5678"',
  );
  for (const id of subnetIds)
    if (!SUBNET.test(id)) r.problem(`SUBNET_IDS: "${id}" is not a subnet id (subnet-…)`);
  const securityGroupIds = r.list(
    'SECURITY_GROUP_IDS',
    undefined,
    'security group ids such as "sg-0abc1234"',
  );
  for (const id of securityGroupIds) {
    if (!SECURITY_GROUP.test(id)) r.problem(`SECURITY_GROUP_IDS: "${id}" is not a security group id (sg-…)`);
  }
  const assignPublicIp = r.boolean('ASSIGN_PUBLIC_IP', false);
  const containerName = r.string('CONTAINER_NAME', MIGRATE_HOOK_DEFAULTS.containerName);
  const migrateCommand = r.json<string[]>(
    'MIGRATE_COMMAND',
    [...MIGRATE_HOOK_DEFAULTS.migrateCommand],
    (value) =>
      Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')
        ? { ok: true, value: value as string[] }
        : { ok: false, problem: 'must be a non-empty JSON array of non-empty strings' },
    '["node","dist/main.js","migrate"]',
  );
  const timeoutSeconds = r.integer('TIMEOUT_SECONDS', MIGRATE_HOOK_DEFAULTS.timeoutSeconds, {
    min: 60,
    max: 86_400,
    unit: 'seconds',
  });
  const startTimeoutSeconds = r.integer('START_TIMEOUT_SECONDS', MIGRATE_HOOK_DEFAULTS.startTimeoutSeconds, {
    min: 30,
    max: 86_400,
    unit: 'seconds',
  });
  if (startTimeoutSeconds > timeoutSeconds) {
    r.problem(
      `START_TIMEOUT_SECONDS: got ${startTimeoutSeconds}, more than TIMEOUT_SECONDS (${timeoutSeconds}); lower it or raise TIMEOUT_SECONDS`,
    );
  }
  const callBackDelaySeconds = r.integer(
    'CALLBACK_DELAY_SECONDS',
    MIGRATE_HOOK_DEFAULTS.callBackDelaySeconds,
    {
      min: 5,
      max: 300,
      unit: 'seconds',
    },
  );
  const region = r.requiredString('AWS_REGION', 'the AWS region (Lambda sets it)');
  const logGroupName = r.optionalString('LOG_GROUP_NAME');
  const logStreamPrefix = r.optionalString('LOG_STREAM_PREFIX');
  const release = r.optionalString('RELEASE_DIGEST_PARAMETER');
  const applied = r.optionalString('APPLIED_DIGEST_PARAMETER');
  if ((release === undefined) !== (applied === undefined)) {
    r.problem('RELEASE_DIGEST_PARAMETER and APPLIED_DIGEST_PARAMETER: set both or neither');
  }
  r.done();
  return {
    cluster,
    subnetIds,
    securityGroupIds,
    assignPublicIp,
    containerName,
    migrateCommand,
    timeoutSeconds,
    startTimeoutSeconds,
    callBackDelaySeconds,
    region,
    logGroupName,
    logStreamPrefix,
    digestParameters: release !== undefined && applied !== undefined ? { release, applied } : undefined,
  };
}
