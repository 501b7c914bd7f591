import { METRIC_NAMESPACES, monitoringName } from '@slipway/config/contract';
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { FUNCTIONS_DIR, HANDLER_LOCK_FILE } from '../../package-files.ts';
import { acknowledge } from '../../policy/index.ts';
import { denyGrantsOutsideAwsServices } from '../guardrails/index.ts';
import { handlerBundling } from '../handler-bundling.ts';
import { protectedTagPatterns } from './tags.ts';

/** An ECS cluster in this stack's account and region whose services' images are protected. */
export interface CleanupCluster {
  /** Environment name, for the function's report. */
  readonly environment: string;
  /** Cluster name (`<app>-<env>`); it may not exist yet. */
  readonly clusterName: string;
}

export interface ImageCleanupProps {
  /** The repositories to clean (every repository of the app), in this stack's account and region; at least one. */
  readonly repositories: ecr.IRepository[];
  /** Physical name of the function, e.g. `slipway-image-cleanup`. */
  readonly functionName: string;
  /**
   * EventBridge schedule expression, evaluated in UTC.
   * @default 'cron(0 3 * * ? *)' (daily at 03:00 UTC)
   */
  readonly schedule?: string;
  /**
   * Images pushed more than this many days ago are deleted unless protected (two months by default).
   * @default 60
   */
  readonly maxAgeDays?: number;
  /**
   * Plan and report only; an invocation with `{"dryRun": false}` still deletes.
   * @default false
   */
  readonly dryRun?: boolean;
  /**
   * Tag globs that protect an image; `deployed-*` and `rollback-*` are always added.
   * @default ['latest', '*-latest']
   */
  readonly protectedTags?: string[];
  /**
   * Clusters (same account and region) whose services' task definitions and running tasks
   * protect their images. Their services are listed at each run.
   * @default - only tags protect images (environments elsewhere are covered by their
   * `deployed-<env>` and `rollback-<env>` tags)
   */
  readonly clusters?: CleanupCluster[];
  /**
   * Skip a repository that does not exist instead of failing the run: in a replica registry ECR
   * creates each repository with the first image it replicates there.
   * @default false: a missing repository fails the run (and the alarm fires)
   */
  readonly skipMissingRepositories?: boolean;
  /**
   * Addresses emailed when an invocation fails.
   * @default no subscription: the alarm and its topic still exist, for the console and `slipway status`
   */
  readonly alarmEmails?: string[];
  /**
   * Days the function's log group keeps each run's summary line.
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log group and the alarm topic's key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** CloudWatch namespace of the function's EMF metrics (`Deleted`, `Kept`, `Protected`, `Errors`). */
export const IMAGE_CLEANUP_METRIC_NAMESPACE = METRIC_NAMESPACES.imageCleanup;

const ENTRY = `${FUNCTIONS_DIR}image-cleanup/index.ts`;
const SCHEDULE = /^(rate|cron)\(.+\)$/;

/**
 * The image-cleanup function (infra/functions/image-cleanup) on an EventBridge schedule, with a
 * least-privilege role, a log group with retention and an alarm on failed invocations.
 *
 * Role: DescribeImages, BatchGetImage and BatchDeleteImage on exactly these repositories; with clusters,
 * ListServices/ListTasks conditioned on those clusters, DescribeServices/DescribeTasks on their
 * services and tasks, and DescribeTaskDefinition (no resource-level permissions exist for it).
 */
export class ImageCleanup extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly rule: events.Rule;
  readonly alarm: cloudwatch.Alarm;
  readonly topic: sns.Topic;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ImageCleanupProps) {
    super(scope, id);
    const schedule = props.schedule ?? 'cron(0 3 * * ? *)';
    const maxAgeDays = props.maxAgeDays ?? 60;
    const clusters = props.clusters ?? [];
    validate(props, schedule, maxAgeDays, clusters);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}: reads and deletes images of the app's repositories`,
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'CleanAppRepositories',
        actions: ['ecr:BatchDeleteImage', 'ecr:BatchGetImage', 'ecr:DescribeImages'],
        resources: props.repositories.map((r) => r.repositoryArn),
      }),
    );
    if (clusters.length > 0) this.grantEcsReads(clusters);

    this.function = this.createFunction(props, maxAgeDays, clusters);

    this.rule = new events.Rule(this, 'Schedule', {
      description: `Runs ${props.functionName} (${schedule}, UTC)`,
      schedule: events.Schedule.expression(schedule),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2 })],
    });

    const alerting = this.createAlarm(props, removalPolicy);
    this.topic = alerting.topic;
    this.alarm = alerting.alarm;
  }

  /** The cleanup function, bundled with its SDK clients; its settings travel as variables. */
  private createFunction(
    props: ImageCleanupProps,
    maxAgeDays: number,
    clusters: readonly CleanupCluster[],
  ): nodejs.NodejsFunction {
    return new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: `Deletes images of ${props.repositories.map((r) => r.repositoryName).join(', ')} older than ${maxAgeDays} days unless protected (docs/images.md)`,
      entry: ENTRY,
      depsLockFilePath: HANDLER_LOCK_FILE,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // DescribeImages pages of 1000 and deletions of 100 per call: minutes only for huge repositories.
      timeout: Duration.minutes(5),
      role: this.role,
      logGroup: this.logGroup,
      // A scheduled run that failed is reported by the alarm; the next run retries by itself.
      retryAttempts: 0,
      environment: {
        REPOSITORY_NAMES: props.repositories.map((r) => r.repositoryName).join(','),
        MAX_AGE_DAYS: String(maxAgeDays),
        PROTECTED_TAG_PATTERNS: protectedTagPatterns(props.protectedTags ?? ['latest', '*-latest']).join(','),
        DRY_RUN: String(props.dryRun ?? false),
        ECS_CLUSTERS: JSON.stringify(
          clusters.map((c) => ({ environment: c.environment, cluster: c.clusterName })),
        ),
        METRIC_NAMESPACE: IMAGE_CLEANUP_METRIC_NAMESPACE,
        ...(props.skipMissingRepositories ? { SKIP_MISSING_REPOSITORIES: 'true' } : {}),
        // Stack traces point at the TypeScript source (the bundle is minified).
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: handlerBundling(ENTRY, { sourceMap: true, mainFields: ['module', 'main'] }),
    });
  }

  /** An alarm on any failed run, to an encrypted topic with the given email subscriptions. */
  private createAlarm(props: ImageCleanupProps, removalPolicy: RemovalPolicy) {
    // CloudWatch can publish to an encrypted topic only with a customer managed key it may use.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      description: `Encrypts the alarm topic of ${props.functionName}`,
      enableKeyRotation: true,
      removalPolicy,
    });
    denyGrantsOutsideAwsServices(key);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', {
      topicName: monitoringName(props.functionName, 'topic'),
      displayName: `${props.functionName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.alarmEmails ?? []) {
      topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    const alarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmName: monitoringName(props.functionName, 'function-alarm', 'errors'),
      alarmDescription:
        'An image-cleanup run failed (partial deletion, ECS lookup, configuration or timeout): nothing is ' +
        'deleted silently. The run\'s "image-cleanup.summary" log line says why. Runbook: docs/images.md#when-the-cleanup-fails',
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    return { topic, alarm };
  }

  private grantEcsReads(clusters: readonly CleanupCluster[]) {
    const arns = (partition: string) => {
      const base = `arn:${partition}:ecs:${Stack.of(this).region}:${Stack.of(this).account}`;
      return {
        clusters: clusters.map((c) => `${base}:cluster/${c.clusterName}`),
        services: clusters.map((c) => `${base}:service/${c.clusterName}/*`),
        tasks: clusters.map((c) => `${base}:task/${c.clusterName}/*`),
      };
    };
    const real = arns(Aws.PARTITION);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListServicesAndTasksOfTheClusters',
        actions: ['ecs:ListServices', 'ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': real.clusters } },
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeServicesOfTheClusters',
        actions: ['ecs:DescribeServices'],
        resources: real.services,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeTasksOfTheClusters',
        actions: ['ecs:DescribeTasks'],
        resources: real.tasks,
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeTaskDefinitions',
        actions: ['ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );

    const printed = arns('<AWS::Partition>');
    for (const arn of [...printed.services, ...printed.tasks]) {
      acknowledge(
        this.role,
        `AwsSolutions-IAM5[Resource::${arn}]`,
        'Services and tasks of one cluster of this app: their ids are generated at deploy and run time, and the actions only read.',
      );
    }
    acknowledge(
      this.role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecs:ListServices and ecs:ListTasks take no resource ARN (they are conditioned on the clusters with ecs:cluster); ecs:DescribeTaskDefinition supports no resource-level permissions.',
    );
  }
}

function validate(
  props: ImageCleanupProps,
  schedule: string,
  maxAgeDays: number,
  clusters: CleanupCluster[],
) {
  const errors: string[] = [];
  if (props.repositories.length === 0) {
    errors.push("repositories: got an empty list; pass at least one repository (the app's)");
  }
  if (!SCHEDULE.test(schedule)) {
    errors.push(
      `schedule: got "${schedule}"; use an EventBridge expression such as rate(1 day) or cron(0 3 * * ? *)`,
    );
  }
  if (!Number.isInteger(maxAgeDays) || maxAgeDays < 1 || maxAgeDays > 3650) {
    errors.push(`maxAgeDays: got ${maxAgeDays}; allowed a whole number of days from 1 to 3650`);
  }
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(props.functionName)) {
    errors.push(`functionName: got "${props.functionName}"; use 1-64 letters, digits, - and _`);
  }
  for (const c of clusters) {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(c.clusterName)) {
      errors.push(`clusters: got cluster name "${c.clusterName}"; use letters, digits, - and _`);
    }
  }
  for (const email of props.alarmEmails ?? []) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      errors.push(`alarmEmails: got "${email}"; expected an email address`);
  }
  if (errors.length > 0) throw new Error(`ImageCleanup: ${errors.join('; ')}`);
}
