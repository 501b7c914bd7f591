import {
  assertServiceName,
  MAX_SHUTDOWN_TIMEOUT_MS,
  WORKER_QUEUE_URL_VARIABLE,
} from '@slipway/config/contract';
import type { CfnCondition, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { type CapacityShare, validateCapacity } from '../task/index.ts';

/** The worker's queue, its dead-letter queue and the queue alarms. */
export interface WorkerQueueSettings {
  /**
   * Seconds a received message stays hidden from other tasks: longer than the worker needs for one
   * message, or a second task receives it while the first still works on it.
   * @default 30
   */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Days SQS keeps a message nobody consumed (1-14).
   * @default 4
   */
  readonly retentionDays?: number;
  /**
   * Receives after which a message that keeps failing moves to the dead-letter queue (1-1000).
   * @default 5
   */
  readonly maxReceiveCount?: number;
  /**
   * Days the dead-letter queue keeps a failed message for someone to inspect and redrive (1-14).
   * @default 14: the most SQS allows
   */
  readonly deadLetterRetentionDays?: number;
  /**
   * Minutes the oldest message may wait before the oldest-message alarm fires (the workers are
   * down, or too few for the traffic).
   * @default 10
   */
  readonly oldestMessageAlarmMinutes?: number;
  /**
   * Encrypt both queues with this KMS key (producers and the worker then need the key too, which
   * the grants add). Costs $1 a month per key plus KMS requests.
   * @default SQS-managed server-side encryption: no key to manage and no KMS cost
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * The queue's name. It must be known when the app is synthesized: the dead-letter queue admits
   * only this queue as its source (its redrive allow policy names it).
   * @default a name unique to this construct in its stack and account
   */
  readonly queueName?: string;
}

export interface WorkerServiceProps {
  /** The worker's name in the config (`email-sender`): names its alarms and its producers' variable. */
  readonly name: string;
  /** `<app>-<env>`: prefixes the alarm names (see `monitoringName`). */
  readonly alarmPrefix: string;
  /** Cluster to run in: Fargate capacity providers and Container Insights on (scaling reads its task count). */
  readonly cluster: ecs.ICluster;
  /** Subnets for the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give tasks a public IP (only for environments without NAT, whose tasks run in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * The tasks' security group.
   * @default a new group with no ingress and HTTPS egress only (AWS APIs, SQS included)
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /**
   * The command the container runs, in exec form.
   * @default the image's own `CMD`
   */
  readonly command?: readonly string[];
  /** The non-root user the container runs as (`uid:gid`). @default the image's own `USER` */
  readonly user?: string;
  /** Task CPU units (256 = 0.25 vCPU). */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memoryMiB: number;
  /**
   * Plain environment variables (never secrets: those go in `secrets`); `QUEUE_URL` is set by the worker.
   * @default - no variables beyond the queue's URL
   */
  readonly environment?: Record<string, string>;
  /**
   * Variables ECS resolves from Secrets Manager or SSM when the task starts.
   * @default - no secrets
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Fewest running tasks; 0 lets the worker scale to zero when the queue is empty (the first
   * message then waits a few minutes for a task: SQS and Container Insights report every minute,
   * and a task takes about a minute to start).
   * @default 0
   */
  readonly minTasks?: number;
  /** Most running tasks autoscaling may start. */
  readonly maxTasks: number;
  /**
   * Visible messages per running task that autoscaling keeps (backlog per task): the number of
   * messages one task gets through in the time you accept a message to wait.
   * @default 10
   */
  readonly messagesPerTask?: number;
  /**
   * Fargate capacity providers and their shares (Spot suits a worker whose messages may be retried:
   * an interrupted task's message reappears after its visibility timeout).
   * @default on-demand Fargate only
   */
  readonly capacity?: CapacityShare[];
  /**
   * Seconds the worker needs after SIGTERM to finish the message in hand (`SHUTDOWN_TIMEOUT_MS`);
   * ECS waits this plus 5 s before SIGKILL.
   * @default 10
   */
  readonly shutdownSeconds?: number;
  /** The queues and their alarms. @default the defaults of each setting */
  readonly queue?: WorkerQueueSettings;
  /**
   * The topic the queue alarms notify on ALARM and OK: the environment's alarm topic. Required:
   * an alarm nobody hears is no alarm (and Control Tower's CT.CLOUDWATCH.PR.1 rejects one).
   */
  readonly alarmTopic: sns.ITopic;
  /**
   * Days to keep the container logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Name of the log group.
   * @default generated
   */
  readonly logGroupName?: string;
  /**
   * When given, the worker runs tasks only while this condition holds, and none otherwise (an
   * environment whose first image has not been pushed yet).
   * @default always runs
   */
  readonly runWhen?: CfnCondition;
}

/** A whole number within [low, high], or undefined (the default applies). */
function inRange(value: number | undefined, low: number, high: number): boolean {
  return value === undefined || (Number.isInteger(value) && value >= low && value <= high);
}

/** Every out-of-range prop, each naming the prop, the value and what is allowed; throws them at once. */
export function validate(props: WorkerServiceProps): void {
  const errors: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) errors.push(message);
  };
  try {
    assertServiceName('worker', props.name);
  } catch (error) {
    errors.push(`name: ${(error as Error).message}`);
  }
  const min = props.minTasks ?? 0;
  check(
    Number.isInteger(min) &&
      Number.isInteger(props.maxTasks) &&
      min >= 0 &&
      props.maxTasks >= 1 &&
      min <= props.maxTasks,
    `minTasks must be 0..maxTasks and maxTasks ≥ 1, got minTasks ${min}, maxTasks ${props.maxTasks}`,
  );
  const perTask = props.messagesPerTask;
  check(perTask === undefined || perTask > 0, `messagesPerTask must be above 0, got ${perTask}`);
  const q = props.queue ?? {};
  check(
    inRange(q.visibilityTimeoutSeconds, 0, 43_200),
    `queue.visibilityTimeoutSeconds must be 0-43200 (12 h), got ${q.visibilityTimeoutSeconds}`,
  );
  check(inRange(q.retentionDays, 1, 14), `queue.retentionDays must be 1-14, got ${q.retentionDays}`);
  check(
    inRange(q.deadLetterRetentionDays, 1, 14),
    `queue.deadLetterRetentionDays must be 1-14, got ${q.deadLetterRetentionDays}`,
  );
  check(
    inRange(q.maxReceiveCount, 1, 1000),
    `queue.maxReceiveCount must be 1-1000, got ${q.maxReceiveCount}`,
  );
  check(
    inRange(q.oldestMessageAlarmMinutes, 1, 20_160),
    `queue.oldestMessageAlarmMinutes must be 1-20160 (14 days), got ${q.oldestMessageAlarmMinutes}`,
  );
  check(
    q.queueName === undefined || /^[A-Za-z0-9_-]{1,80}$/.test(q.queueName),
    `queue.queueName must be 1-80 letters, digits, hyphens or underscores, got "${q.queueName}"`,
  );
  const shutdown = props.shutdownSeconds ?? 10;
  const maxShutdown = MAX_SHUTDOWN_TIMEOUT_MS / 1000;
  check(
    shutdown >= 1 && shutdown <= maxShutdown,
    `shutdownSeconds must be 1-${maxShutdown}, got ${shutdown}`,
  );
  check(
    !(WORKER_QUEUE_URL_VARIABLE in (props.environment ?? {})) &&
      !(WORKER_QUEUE_URL_VARIABLE in (props.secrets ?? {})),
    `environment and secrets must not set ${WORKER_QUEUE_URL_VARIABLE}: the worker sets it to its own queue`,
  );
  try {
    validateCapacity('WorkerService', props.capacity);
  } catch (error) {
    errors.push((error as Error).message.replace(/^WorkerService: /, ''));
  }
  if (errors.length > 0) throw new Error(`WorkerService ${props.name}: ${errors.join('; ')}`);
}
