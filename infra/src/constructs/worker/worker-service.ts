import {
  CONTAINER_VARIABLES,
  stopTimeoutSeconds,
  WORKER_QUEUE_URL_VARIABLE,
  type WorkerAlarm,
  workerAlarmName,
} from '@slipway/config/contract';
import { ArnFormat, Duration, Names, Stack } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  acknowledgeTaskFindings,
  addAppContainer,
  appLogGroup,
  appTaskDefinition,
  runOnlyWhen,
  serviceBaseProps,
} from '../task/index.ts';
import { validate, type WorkerServiceProps } from './worker-service-props.ts';

export type { WorkerQueueSettings, WorkerServiceProps } from './worker-service-props.ts';

/** Seconds between scaling actions in each direction: out quickly, in only after the backlog stayed low. */
const SCALE_OUT_COOLDOWN_SECONDS = 60;
const SCALE_IN_COOLDOWN_SECONDS = 300;
/**
 * The wake-from-zero step adds one task, then waits this long: Container Insights reports the new
 * task as running a minute or two after it starts, and the alarm must not add a second one meanwhile.
 */
const WAKE_COOLDOWN_SECONDS = 300;
const MINUTE = Duration.minutes(1);

/**
 * A queue worker: a Fargate service without a port or load balancer that consumes the SQS queue
 * it creates. The queue moves a message that failed `maxReceiveCount` times to a dead-letter queue
 * which only it may use; both require TLS and are encrypted at rest. The task role may consume
 * this queue and nothing else; producers get `grantSend`. The container finds its queue in
 * `QUEUE_URL`.
 *
 * Scaling keeps the backlog per task (visible messages ÷ running tasks, read from Container
 * Insights) near `messagesPerTask` with target tracking on that metric math, and scales in to
 * `minTasks`, 0 by default. Target tracking cannot wake a worker from zero tasks (the ratio has no
 * value while nothing runs), so a step policy adds the first task when messages are visible and no
 * task runs.
 *
 * Alarms: a message in the dead-letter queue, and the oldest message waiting longer than
 * `oldestMessageAlarmMinutes`; both notify `alarmTopic` on ALARM and OK.
 */
export class WorkerService extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly logGroup: logs.LogGroup;
  readonly scaling: ecs.ScalableTaskCount;
  readonly alarms: Readonly<Record<WorkerAlarm, cloudwatch.Alarm>>;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    validate(props);
    const minTasks = props.minTasks ?? 0;

    [this.queue, this.deadLetterQueue] = this.createQueues(props);

    this.logGroup = appLogGroup(this, props);
    this.taskDefinition = appTaskDefinition(this, props);
    const shutdownSeconds = props.shutdownSeconds ?? 10;
    this.container = addAppContainer(this, this.taskDefinition, {
      image: props.image,
      command: props.command,
      user: props.user,
      memoryMiB: props.memoryMiB,
      environment: {
        ...props.environment,
        [WORKER_QUEUE_URL_VARIABLE]: this.queue.queueUrl,
        [CONTAINER_VARIABLES.SHUTDOWN_TIMEOUT_MS]: String(shutdownSeconds * 1000),
      },
      secrets: props.secrets,
      stopTimeout: Duration.seconds(stopTimeoutSeconds(shutdownSeconds)),
      logGroup: this.logGroup,
    });
    this.queue.grantConsumeMessages(this.taskDefinition.taskRole);

    this.securityGroup = props.securityGroup ?? this.defaultSecurityGroup(props);
    this.service = new ecs.FargateService(
      this,
      'Service',
      serviceBaseProps({ ...props, taskDefinition: this.taskDefinition, securityGroup: this.securityGroup }),
    );

    this.scaling = this.service.autoScaleTaskCount({ minCapacity: minTasks, maxCapacity: props.maxTasks });
    this.trackBacklogPerTask(props.messagesPerTask ?? 10);
    this.wakeFromZero();
    if (props.runWhen)
      runOnlyWhen(this.service, this.scaling, props.runWhen, { minTasks, maxTasks: props.maxTasks });

    this.alarms = this.addAlarms(props);
    acknowledgeTaskFindings(this.taskDefinition);
  }

  /** The queue and its dead-letter queue, which admits only this queue as its source. */
  private createQueues(props: WorkerServiceProps): [sqs.Queue, sqs.Queue] {
    const q = props.queue ?? {};
    const encryption = q.encryptionKey
      ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: q.encryptionKey }
      : { encryption: sqs.QueueEncryption.SQS_MANAGED };
    // The dead-letter queue must name its source before the source exists (the source names the
    // dead-letter queue): a name known at synth time breaks the cycle.
    const queueName = q.queueName ?? Names.uniqueResourceName(this, { maxLength: 80, separator: '-' });
    const sourceArn = Stack.of(this).formatArn({
      service: 'sqs',
      resource: queueName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: Duration.days(q.deadLetterRetentionDays ?? 14),
      redriveAllowPolicy: {
        redrivePermission: sqs.RedrivePermission.BY_QUEUE,
        sourceQueues: [sqs.Queue.fromQueueArn(this, 'Source', sourceArn)],
      },
    });
    const queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      queueName,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(q.visibilityTimeoutSeconds ?? 30),
      retentionPeriod: Duration.days(q.retentionDays ?? 4),
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: q.maxReceiveCount ?? 5 },
    });
    return [queue, deadLetterQueue];
  }

  /** No ingress (nothing calls a worker); HTTPS out to SQS, the other AWS APIs and the internet. */
  private defaultSecurityGroup(props: WorkerServiceProps): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Queue worker tasks: no ingress, HTTPS egress only',
      allowAllOutbound: false,
    });
    group.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to SQS, other AWS APIs and the internet',
    );
    return group;
  }

  /** Visible messages (SQS) and running tasks (Container Insights), per minute. */
  private backlogMetrics() {
    const queue = { name: 'QueueName', value: this.queue.queueName };
    const service = [
      { name: 'ClusterName', value: this.service.cluster.clusterName },
      { name: 'ServiceName', value: this.service.serviceName },
    ];
    return { queue, service };
  }

  /**
   * Target tracking on visible messages ÷ running tasks. The L2 policy takes a single metric only;
   * Application Auto Scaling takes metric math, written here on the CloudFormation resource.
   */
  private trackBacklogPerTask(messagesPerTask: number): void {
    const d = this.backlogMetrics();
    const target = this.scaling.node.findChild('Target') as appscaling.ScalableTarget;
    new appscaling.CfnScalingPolicy(this, 'BacklogPerTask', {
      policyName: Names.uniqueResourceName(this, { maxLength: 240, separator: '-' }).concat('-backlog'),
      policyType: 'TargetTrackingScaling',
      scalingTargetId: target.scalableTargetId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: messagesPerTask,
        scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
        scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
        customizedMetricSpecification: {
          metrics: [
            {
              id: 'visible',
              metricStat: {
                metric: {
                  namespace: 'AWS/SQS',
                  metricName: 'ApproximateNumberOfMessagesVisible',
                  dimensions: [d.queue],
                },
                stat: 'Sum',
              },
              returnData: false,
            },
            {
              id: 'running',
              metricStat: {
                metric: {
                  namespace: 'ECS/ContainerInsights',
                  metricName: 'RunningTaskCount',
                  dimensions: d.service,
                },
                stat: 'Average',
              },
              returnData: false,
            },
            {
              id: 'backlogPerTask',
              expression: 'visible / running',
              label: 'Backlog per task',
              returnData: true,
            },
          ],
        },
      },
    });
  }

  /** One task when messages wait and none runs: the step target tracking cannot take. */
  private wakeFromZero(): void {
    const d = this.backlogMetrics();
    const action = new appscaling.StepScalingAction(this, 'WakeFromZero', {
      scalingTarget: this.scaling,
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      cooldown: Duration.seconds(WAKE_COOLDOWN_SECONDS),
      metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
    });
    action.addAdjustment({ adjustment: 1, lowerBound: 0 });
    const idleWithWork = new cloudwatch.Alarm(this, 'WakeAlarm', {
      alarmDescription: 'Messages are waiting and no worker task runs: the wake-from-zero step adds one.',
      metric: new cloudwatch.MathExpression({
        // No running-task datapoints while the service has no task: FILL reads that as 0.
        expression: 'IF(visible > 0 AND FILL(running, 0) == 0, 1, 0)',
        usingMetrics: {
          visible: new cloudwatch.Metric({
            namespace: 'AWS/SQS',
            metricName: 'ApproximateNumberOfMessagesVisible',
            dimensionsMap: { QueueName: this.queue.queueName },
            statistic: 'Maximum',
            period: MINUTE,
          }),
          running: new cloudwatch.Metric({
            namespace: 'ECS/ContainerInsights',
            metricName: 'RunningTaskCount',
            dimensionsMap: Object.fromEntries(d.service.map((x) => [x.name, x.value])),
            statistic: 'Maximum',
            period: MINUTE,
          }),
        },
        period: MINUTE,
        label: 'Idle with messages waiting',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    idleWithWork.addAlarmAction(new actions.ApplicationScalingAction(action));
  }

  /** A message in the dead-letter queue; the oldest message waiting too long. */
  private addAlarms(props: WorkerServiceProps): Record<WorkerAlarm, cloudwatch.Alarm> {
    const minutes = props.queue?.oldestMessageAlarmMinutes ?? 10;
    const alarm = (name: WorkerAlarm, meaning: string, metric: cloudwatch.IMetric, threshold: number) => {
      const created = new cloudwatch.Alarm(this, name, {
        alarmName: workerAlarmName(props.alarmPrefix, props.name, name),
        alarmDescription: meaning,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      created.addOkAction(new actions.SnsAction(props.alarmTopic));
      return created;
    };
    return {
      deadLetters: alarm(
        'deadLetters',
        `Messages of worker ${props.name} failed ${props.queue?.maxReceiveCount ?? 5} times and wait in its dead-letter queue.`,
        this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          statistic: 'Maximum',
          period: MINUTE,
        }),
        0,
      ),
      oldestMessage: alarm(
        'oldestMessage',
        `The oldest message of worker ${props.name} has waited more than ${minutes} minutes (workers down or too few).`,
        this.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period: MINUTE }),
        minutes * 60,
      ),
    };
  }

  /** Lets `grantee` send messages to the worker's queue (and use its key, when it has one). */
  grantSend(grantee: iam.IGrantable): iam.Grant {
    return this.queue.grantSendMessages(grantee);
  }

  /** Let the tasks reach a database (or any peer) on a port; adds the rule on both sides. */
  allowTo(peer: ec2.IConnectable, port: number, description: string): void {
    this.securityGroup.connections.allowTo(peer, ec2.Port.tcp(port), description);
  }
}
