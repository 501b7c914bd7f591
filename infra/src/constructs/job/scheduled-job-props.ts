import { assertServiceName } from '@slipway/config/contract';
import type { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { type CapacityShare, validateCapacity } from '../task/index.ts';

export interface ScheduledJobProps {
  /** The job's name in the config (`nightly-report`): names its alarm, and `slipway run <env> <name>` finds it by it. */
  readonly name: string;
  /** `<app>-<env>`: prefixes the alarm name (see `monitoringName`). */
  readonly alarmPrefix: string;
  /** Cluster to run in (Fargate capacity providers enabled when `capacity` names FARGATE_SPOT). */
  readonly cluster: ecs.ICluster;
  /** Subnets for the task. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give the task a public IP (only for environments without NAT, whose tasks run in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * The task's security group.
   * @default a new group with no ingress and HTTPS egress only
   */
  readonly securityGroup?: ec2.ISecurityGroup;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /**
   * The command the container runs, in exec form; it exits 0 when the job succeeded.
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
   * Plain environment variables (never secrets: those go in `secrets`).
   * @default - no variables beyond the image's own
   */
  readonly environment?: Record<string, string>;
  /**
   * Variables ECS resolves from Secrets Manager or SSM when the task starts.
   * @default - no secrets
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Fargate capacity providers and their shares. Spot costs about 70 % less and suits a job that
   * may be interrupted: an interrupted run fails and is retried like any other failure.
   * @default on-demand Fargate (launch type FARGATE)
   */
  readonly capacity?: CapacityShare[];
  /**
   * When the job runs: an EventBridge Scheduler expression, `cron(0 3 * * ? *)`, `rate(6 hours)`
   * or `at(2027-01-01T00:00:00)`.
   */
  readonly schedule: string;
  /**
   * IANA time zone the schedule expression is read in (`Europe/Paris`); cron schedules follow its
   * daylight saving time.
   * @default UTC
   */
  readonly timeZone?: string;
  /**
   * Minutes one run may take; a run still going then is stopped and counts as failed.
   * @default 60
   */
  readonly timeoutMinutes?: number;
  /**
   * Runs after a failed or timed-out one (0-10), one minute after the failure, doubling up to ten
   * minutes. The job must then be safe to run again.
   * @default 0
   */
  readonly retries?: number;
  /**
   * Whether the schedule starts runs; `false` keeps everything deployed (and `slipway run` working)
   * with the schedule DISABLED.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The topic the failure alarm notifies on ALARM and OK: the environment's alarm topic. Required:
   * an alarm nobody hears is no alarm (and Control Tower's CT.CLOUDWATCH.PR.1 rejects one).
   */
  readonly alarmTopic: sns.ITopic;
  /**
   * Days to keep the container's and the state machine's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log groups when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Encrypt the state machine's execution log group with this key.
   * @default the stack's log encryption (a customer-managed key when the environment asks for
   *   one), else CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;
}

/** The expression forms EventBridge Scheduler accepts. */
const SCHEDULE_EXPRESSION =
  /^(cron\([^()]+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\)|at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\))$/;

const wholeIn = (value: number, low: number, high: number) =>
  Number.isInteger(value) && value >= low && value <= high;

/** Every out-of-range prop, each naming the prop, the value and what is allowed; throws them at once. */
export function validate(props: ScheduledJobProps): void {
  const errors: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) errors.push(message);
  };
  try {
    assertServiceName('job', props.name);
  } catch (error) {
    errors.push(`name: ${(error as Error).message}`);
  }
  check(
    SCHEDULE_EXPRESSION.test(props.schedule),
    `schedule must be cron(<6 fields>), rate(<n> minutes|hours|days) or at(<yyyy-mm-ddThh:mm:ss>), got "${props.schedule}"`,
  );
  check(
    props.timeZone === undefined ||
      props.timeZone === 'UTC' ||
      Intl.supportedValuesOf('timeZone').includes(props.timeZone),
    `timeZone must be an IANA time zone such as Europe/Paris, got "${props.timeZone}"`,
  );
  const timeout = props.timeoutMinutes ?? 60;
  // A Step Functions standard workflow runs at most a year; a day is far beyond any sane job.
  check(wholeIn(timeout, 1, 1440), `timeoutMinutes must be a whole number 1-1440, got ${timeout}`);
  const retries = props.retries ?? 0;
  check(wholeIn(retries, 0, 10), `retries must be a whole number 0-10, got ${retries}`);
  try {
    validateCapacity('ScheduledJob', props.capacity);
  } catch (error) {
    errors.push((error as Error).message.replace(/^ScheduledJob: /, ''));
  }
  if (errors.length > 0) throw new Error(`ScheduledJob ${props.name}: ${errors.join('; ')}`);
}
