import { type JobTrigger, jobAlarmName } from '@slipway/config/contract';
import { Duration, Names, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
// cdk-nag's own rendering of a policy resource into a finding id (the pinned 3.x has no other export of it).
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import {
  acknowledgeTaskFindings,
  addAppContainer,
  appLogGroup,
  appTaskDefinition,
  capacityProviderStrategies,
} from '../task/index.ts';
import { type ScheduledJobProps, validate } from './scheduled-job-props.ts';

export type { ScheduledJobProps } from './scheduled-job-props.ts';

/** Wait before the first retry; each further one waits twice as long, up to `MAX_RETRY_DELAY`. */
const FIRST_RETRY_DELAY = Duration.minutes(1);
const MAX_RETRY_DELAY = Duration.minutes(10);
/** Beyond the runs and the waits between them: the execution's own steps, with room to spare. */
const EXECUTION_MARGIN = Duration.minutes(5);
/**
 * A start the scheduler could not make within this long is dropped (EventBridge Scheduler retries
 * throttled starts until then): a run far off its time is more surprising than a missed one.
 */
const MAX_START_DELAY = Duration.hours(1);

/** Minutes an execution may take: every run at its timeout and every wait between them, plus the margin. */
export function executionBudgetMinutes(timeoutMinutes: number, retries: number): number {
  let waits = 0;
  for (let i = 0; i < retries; i++)
    waits += Math.min(FIRST_RETRY_DELAY.toMinutes() * 2 ** i, MAX_RETRY_DELAY.toMinutes());
  return (retries + 1) * timeoutMinutes + waits + EXECUTION_MARGIN.toMinutes();
}

/**
 * A scheduled job: a one-off Fargate task that an EventBridge Scheduler schedule starts through a
 * Step Functions state machine, which runs it (ECS RunTask, `.sync`: it waits for the task to
 * stop), stops it after `timeoutMinutes`, retries it `retries` times, and records every run.
 * `slipway run <env> <job>` starts an execution of the same state machine.
 *
 * A run succeeds when the container exits 0. The `.sync` integration already fails the task state
 * when a container exits non-zero (States.TaskFailed, which the retry policy retries); a Choice on
 * `$.Containers[0].ExitCode` then lets only an exit code of 0 through, so a task that stopped
 * without its container exiting (it never started) fails the execution instead of passing.
 *
 * Every state transition is logged (level ALL, with the task's description: its exit code and
 * stop reason, never a secret: secrets reach the container as ECS secrets) and traced with X-Ray.
 * One alarm fires when an execution fails or times out.
 */
export class ScheduledJob extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly schedule: scheduler.Schedule;
  readonly securityGroup: ec2.ISecurityGroup;
  /** The container's log group. */
  readonly logGroup: logs.LogGroup;
  /** The state machine's execution log group. */
  readonly executionLogGroup: logs.LogGroup;
  readonly failureAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    validate(props);
    const timeoutMinutes = props.timeoutMinutes ?? 60;
    const retries = props.retries ?? 0;

    this.logGroup = appLogGroup(this, props);
    this.taskDefinition = appTaskDefinition(this, props);
    this.container = addAppContainer(this, this.taskDefinition, {
      image: props.image,
      command: props.command,
      user: props.user,
      memoryMiB: props.memoryMiB,
      environment: { ...props.environment },
      secrets: props.secrets,
      logGroup: this.logGroup,
    });
    this.securityGroup = props.securityGroup ?? this.defaultSecurityGroup(props);

    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // Under /aws/vendedlogs/: CloudWatch Logs then needs no resource policy entry per log group,
      // whose 5,120-character limit many state machines in one account would otherwise reach.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 400, separator: '-' })}`,
      retention: props.logRetentionDays ?? 30,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
      encryptionKey: props.logEncryptionKey,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: `Runs job ${props.name} once: ECS RunTask and wait, retried on failure.`,
      definitionBody: sfn.DefinitionBody.fromChainable(this.definition(props, timeoutMinutes, retries)),
      timeout: Duration.minutes(executionBudgetMinutes(timeoutMinutes, retries)),
      logs: { destination: this.executionLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });

    this.schedule = new scheduler.Schedule(this, 'Schedule', {
      description: `Starts job ${props.name}`,
      schedule: scheduler.ScheduleExpression.expression(
        props.schedule,
        props.timeZone ? TimeZone.of(props.timeZone) : undefined,
      ),
      target: new targets.StepFunctionsStartExecution(this.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' satisfies JobTrigger }),
        maxEventAge: MAX_START_DELAY,
      }),
      enabled: props.enabled ?? true,
    });

    this.failureAlarm = this.addFailureAlarm(props);
    acknowledgeTaskFindings(this.taskDefinition);
    this.acknowledgeFindings();
  }

  /** Run the task and wait (retried), then let only an exit code of 0 through. */
  private definition(props: ScheduledJobProps, timeoutMinutes: number, retries: number): sfn.IChainable {
    const run = new tasks.EcsRunTask(this, 'Run', {
      stateName: 'Run',
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({
        platformVersion: ecs.FargatePlatformVersion.LATEST,
        capacityProviderOptions: props.capacity
          ? tasks.CapacityProviderOptions.custom(capacityProviderStrategies(props.capacity))
          : undefined,
      }),
      subnets: props.subnets,
      securityGroups: [this.securityGroup],
      assignPublicIp: props.assignPublicIp ?? false,
      propagatedTagSource: ecs.PropagatedTagSource.TASK_DEFINITION,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(timeoutMinutes)),
    });
    if (retries > 0) {
      run.addRetry({
        errors: [sfn.Errors.ALL],
        maxAttempts: retries,
        interval: FIRST_RETRY_DELAY,
        backoffRate: 2,
        maxDelay: MAX_RETRY_DELAY,
      });
    }
    const exitCode = '$.Containers[0].ExitCode';
    return run.next(
      new sfn.Choice(this, 'ExitedZero', { stateName: 'Exited 0?' })
        .when(
          sfn.Condition.and(sfn.Condition.isPresent(exitCode), sfn.Condition.numberEquals(exitCode, 0)),
          new sfn.Succeed(this, 'Succeeded', { stateName: 'Succeeded' }),
        )
        .otherwise(
          new sfn.Fail(this, 'Failed', {
            stateName: 'Failed',
            error: 'Job.ContainerDidNotSucceed',
            cause:
              'The task stopped without its container exiting 0 (see the Run state output: StopCode, StoppedReason).',
          }),
        ),
    );
  }

  /** No ingress (nothing calls a job); HTTPS out to AWS APIs and the internet. */
  private defaultSecurityGroup(props: ScheduledJobProps): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Scheduled job task: no ingress, HTTPS egress only',
      allowAllOutbound: false,
    });
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS APIs and the internet');
    return group;
  }

  /** At least one execution failed or timed out within 5 minutes. */
  private addFailureAlarm(props: ScheduledJobProps): cloudwatch.Alarm {
    const period = Duration.minutes(5);
    const alarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
      alarmName: jobAlarmName(props.alarmPrefix, props.name),
      alarmDescription: `A run of job ${props.name} failed or timed out (after its retries); its execution history says why.`,
      metric: new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: {
          failed: this.stateMachine.metricFailed({ statistic: 'Sum', period }),
          timedOut: this.stateMachine.metricTimedOut({ statistic: 'Sum', period }),
        },
        period,
        label: 'Executions failed or timed out',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
    return alarm;
  }

  private acknowledgeFindings(): void {
    const role = this.stateMachine.role;
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecs:StopTask and ecs:DescribeTasks (to wait for and stop the run), X-Ray tracing and CloudWatch Logs delivery offer no resource-level permissions for these calls.',
    );
    // ecs:RunTask on `<task definition family>:*`: the finding id spells the ARN as cdk-nag renders it.
    const stack = Stack.of(this);
    const family = stack.getLogicalId(this.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition);
    const policy = role.node.findChild('DefaultPolicy') as iam.Policy;
    const document = stack.resolve(policy.document.toJSON()) as { Statement: { Resource?: unknown }[] };
    for (const statement of document.Statement) {
      for (const resource of [statement.Resource ?? []].flat()) {
        const flat = flattenCfnReference(resource);
        if (!flat.endsWith(':*') || !flat.includes(family)) continue;
        acknowledge(
          role,
          `AwsSolutions-IAM5[Resource::${flat}]`,
          'ecs:RunTask on every revision of this job’s own task definition family: each deploy registers a new revision, and the run always takes the latest.',
        );
      }
    }
  }

  /** Let the task reach a database (or any peer) on a port; adds the rule on both sides. */
  allowTo(peer: ec2.IConnectable, port: number, description: string): void {
    this.securityGroup.connections.allowTo(peer, ec2.Port.tcp(port), description);
  }
}
