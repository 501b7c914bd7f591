import { monitoringName } from '@slipway/config/contract';
import { type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import type { OriginLoadBalancer } from '../service/origin-load-balancer.ts';
import type { WebService } from '../service/web-service.ts';
import { grantMigrationsDigests, HandlerFunction } from './hook-function.ts';

export interface MigrateHookOptions {
  /** Command that applies migrations in the app container, e.g. `['node', 'dist/main.js', 'migrate']`. */
  readonly command: string[];
  /**
   * Seconds the migration may take from task creation before the deployment fails.
   * @default 900
   */
  readonly timeoutSeconds?: number;
  /**
   * The SSM parameters of the release's migrations digest (`<commit>:<sha256>`, written before the
   * deploy) and of the last applied one (written by the hook): when they match, the hook answers
   * at once and starts no task (infra/functions/migrate-hook/digests.ts).
   * @default the hook migrates on every deployment
   */
  readonly digestParameters?: { readonly release: string; readonly applied: string };
}

export interface SmokeHookOptions {
  /** Readiness path that must answer 200 through the test listener. */
  readonly readyPath: string;
  /**
   * Path answering JSON with a `commit` field that must equal the image being deployed.
   * @default '/info'
   */
  readonly infoPath?: string;
  /**
   * Seconds the smoke test keeps retrying before it fails the deployment.
   * @default 300
   */
  readonly timeoutSeconds?: number;
}

export interface DeploymentSafetyProps {
  /** The service to protect. */
  readonly web: WebService;
  /** Its load balancer (the test listener is where smoke tests reach new tasks). */
  readonly loadBalancer: OriginLoadBalancer;
  /** Subnets the migration task and the smoke-test function run in (must reach the database / the ALB). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give the migration task a public IP (environments without NAT run workloads in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /**
   * Run migrations as a one-off task of the new revision before any new task starts (ECS stage
   * PRE_SCALE_UP). Needs a blue/green, canary or linear strategy: rolling deployments have no hooks.
   * @default no migration hook
   */
  readonly migrate?: MigrateHookOptions;
  /**
   * Check `/ready` and `/info` through the test listener after test traffic shifts (ECS stage
   * POST_TEST_TRAFFIC_SHIFT). Needs a strategy other than rolling and a test listener.
   * @default no smoke test
   */
  readonly smoke?: SmokeHookOptions;
  /** Roll back when a target group's 5xx share exceeds this percent (2 of 3 minutes). */
  readonly rollbackOn5xxPercent: number;
  /** Roll back when a target group's p99 response time exceeds this many milliseconds (2 of 3 minutes). */
  readonly rollbackOnP99Milliseconds: number;
  /** Prefix of the alarm names, e.g. `slipway-prod`. */
  readonly alarmPrefix: string;
  /**
   * The service's name, for a web service other than the environment's default one: its rollback
   * alarms are then `<prefix>-rollback-<name>-blue-5xx`, … so that several services' alarms differ.
   * @default the default web service's names, `<prefix>-rollback-blue-5xx`, …
   */
  readonly serviceName?: string;
  /** Days to keep the hook functions' logs. @default 30 */
  readonly logRetentionDays?: number;
}

/** Below this many requests a minute, the 5xx share of a minute counts as 0 (too few to judge). */
const MIN_REQUESTS_PER_MINUTE = 10;

/**
 * What makes a release safe beyond the circuit breaker: alarms on both target groups that roll
 * a deployment back (ECS watches them during the deployment and its bake time), a migration
 * hook that runs the new revision's `migrate` command before any new task starts, and a smoke
 * hook that checks the new revision through the test listener before production traffic moves.
 */
export class DeploymentSafety extends Construct {
  readonly alarms: cloudwatch.Alarm[];
  readonly migrateFunction: HandlerFunction | undefined;
  readonly smokeFunction: HandlerFunction | undefined;
  private readonly props: DeploymentSafetyProps;

  constructor(scope: Construct, id: string, props: DeploymentSafetyProps) {
    super(scope, id);
    this.props = props;
    const { web } = props;
    const hooks = props.migrate !== undefined || props.smoke !== undefined;
    if (hooks && web.strategy === 'rolling') {
      throw new Error(
        'DeploymentSafety: migrate and smoke hooks need a blue-green, canary or linear strategy; ' +
          'rolling deployments have no lifecycle hooks (migrate at task start instead)',
      );
    }
    if (props.smoke && !props.loadBalancer.testListener) {
      throw new Error(
        'DeploymentSafety: smoke needs the load balancer to have a test listener (testListenerPort)',
      );
    }
    if (!(props.rollbackOn5xxPercent > 0 && props.rollbackOn5xxPercent <= 100)) {
      throw new Error(
        `DeploymentSafety: rollbackOn5xxPercent must be in (0, 100], got ${props.rollbackOn5xxPercent}`,
      );
    }

    this.alarms = this.rollbackAlarms(props);
    web.service.enableDeploymentAlarms(
      this.alarms.map((a) => a.alarmName),
      { behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM },
    );
    this.migrateFunction = props.migrate ? this.migrateHook(props, props.migrate) : undefined;
    this.smokeFunction = props.smoke ? this.smokeHook(props, props.smoke) : undefined;
  }

  /** 5xx share and p99 latency per target group: whichever one the new revision is in. */
  private rollbackAlarms(props: DeploymentSafetyProps): cloudwatch.Alarm[] {
    const groups: [string, elbv2.ApplicationTargetGroup][] = [
      ['blue', props.web.blueTargetGroup],
      ['green', props.web.greenTargetGroup],
    ];
    const owner = props.serviceName ? `${props.serviceName}-` : '';
    return groups.flatMap(([color, group]) => {
      const period = Duration.minutes(1);
      const errors = group.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, {
        period,
        statistic: 'Sum',
      });
      const requests = group.metrics.requestCount({ period, statistic: 'Sum' });
      const errorRate = new cloudwatch.MathExpression({
        expression: `IF(requests >= ${MIN_REQUESTS_PER_MINUTE}, 100 * errors / requests, 0)`,
        usingMetrics: { errors, requests },
        period,
        label: `${color} 5xx %`,
      });
      const p99 = group.metrics.targetResponseTime({ period, statistic: 'p99' });
      return [
        new cloudwatch.Alarm(this, `${color}5xx`, {
          alarmName: monitoringName(props.alarmPrefix, 'rollback-alarm', `${owner}${color}-5xx`),
          alarmDescription: `Rolls back a deployment whose ${color} target group answers more than ${props.rollbackOn5xxPercent}% 5xx`,
          metric: errorRate,
          threshold: props.rollbackOn5xxPercent,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `${color}P99`, {
          alarmName: monitoringName(props.alarmPrefix, 'rollback-alarm', `${owner}${color}-p99`),
          alarmDescription: `Rolls back a deployment whose ${color} target group p99 exceeds ${props.rollbackOnP99Milliseconds} ms`,
          // TargetResponseTime is in seconds.
          metric: p99,
          threshold: props.rollbackOnP99Milliseconds / 1000,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ];
    });
  }

  private migrateHook(props: DeploymentSafetyProps, options: MigrateHookOptions): HandlerFunction {
    const { web } = props;
    const stack = Stack.of(this);
    const timeoutSeconds = options.timeoutSeconds ?? 900;
    const subnetIds = web.service.cluster.vpc.selectSubnets(props.subnets).subnetIds;
    const fn = new HandlerFunction(this, 'Migrate', {
      handler: 'migrate-hook',
      logRetentionDays: this.props.logRetentionDays,
      environment: {
        CLUSTER: web.service.cluster.clusterName,
        SUBNET_IDS: subnetIds.join(','),
        SECURITY_GROUP_IDS: web.securityGroup.securityGroupId,
        ASSIGN_PUBLIC_IP: String(props.assignPublicIp ?? false),
        CONTAINER_NAME: web.containerName,
        MIGRATE_COMMAND: JSON.stringify(options.command),
        TIMEOUT_SECONDS: String(timeoutSeconds),
        ...(options.digestParameters
          ? {
              RELEASE_DIGEST_PARAMETER: options.digestParameters.release,
              APPLIED_DIGEST_PARAMETER: options.digestParameters.applied,
            }
          : {}),
      },
    });
    const role = fn.function.role as iam.IRole;
    this.grantMigrationTask(fn, web);
    if (options.digestParameters) grantMigrationsDigests(fn, options.digestParameters);
    this.acknowledgeFunction(role, [
      'ecs:ListTasks has no resource-level permission; the statement is limited to this cluster by the ecs:cluster condition.',
      'ecs:DescribeTaskDefinition has no resource-level permission.',
    ]);
    acknowledge(
      role,
      this.clusterScoped('task'),
      'The migration task ARN is generated at run time; the wildcard covers only tasks of this cluster.',
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:${stack.partition}:ecs:${stack.region}:${stack.account}:task-definition/${web.taskDefinition.family}:*]`,
      "Every revision of this service's own task definition family: the hook runs whichever revision is being deployed.",
    );
    this.hook(fn, 'MigrateHook', ecs.DeploymentLifecycleStage.PRE_SCALE_UP);
    return fn;
  }

  /** Lets the migrate hook run, watch and stop a task of the service's own task definition family. */
  private grantMigrationTask(fn: HandlerFunction, web: DeploymentSafetyProps['web']): void {
    const stack = Stack.of(this);
    const clusterName = web.service.cluster.clusterName;
    const arn = (resource: string) => stack.formatArn({ service: 'ecs', resource, arnFormat: undefined });
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTargetRevision',
        actions: ['ecs:DescribeServiceRevisions'],
        resources: [arn(`service-revision/${clusterName}/*`)],
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'RunMigrationTask',
        actions: ['ecs:RunTask'],
        resources: [
          `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:task-definition/${web.taskDefinition.family}:*`,
        ],
        conditions: { ArnEquals: { 'ecs:cluster': web.service.cluster.clusterArn } },
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WatchMigrationTask',
        actions: ['ecs:DescribeTasks', 'ecs:StopTask'],
        resources: [arn(`task/${clusterName}/*`)],
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'FindMigrationTask',
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnEquals: { 'ecs:cluster': web.service.cluster.clusterArn } },
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTaskDefinition',
        actions: ['ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    const passRoles = [web.taskDefinition.taskRole, web.taskDefinition.executionRole].filter(
      (r): r is iam.IRole => r !== undefined,
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PassTaskRoles',
        actions: ['iam:PassRole'],
        resources: passRoles.map((r) => r.roleArn),
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    );
  }

  private smokeHook(props: DeploymentSafetyProps, options: SmokeHookOptions): HandlerFunction {
    const { web, loadBalancer } = props;
    const testListener = loadBalancer.testListener as elbv2.ApplicationListener;
    const testPort = testListener.port;
    const securityGroup = new ec2.SecurityGroup(this, 'SmokeSecurityGroup', {
      vpc: web.service.cluster.vpc,
      description: 'Smoke-test function: reaches the test listener; AWS APIs over HTTPS',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'ECS and EC2 APIs');
    // The function calls the ALB's private addresses, so the security-group reference holds.
    securityGroup.connections.allowTo(
      loadBalancer.securityGroup,
      ec2.Port.tcp(testPort),
      'Smoke test to the test listener',
    );
    const fn = new HandlerFunction(this, 'Smoke', {
      handler: 'smoke-hook',
      logRetentionDays: this.props.logRetentionDays,
      environment: {
        LOAD_BALANCER_FULL_NAME: loadBalancer.loadBalancer.loadBalancerFullName,
        TEST_PORT: String(testPort),
        READY_PATH: options.readyPath,
        INFO_PATH: options.infoPath ?? '/info',
        CONTAINER_NAME: web.containerName,
        TIMEOUT_SECONDS: String(options.timeoutSeconds ?? 300),
      },
      vpc: { vpc: web.service.cluster.vpc, subnets: props.subnets, securityGroup },
    });
    const stack = Stack.of(this);
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTargetRevision',
        actions: ['ecs:DescribeServiceRevisions'],
        resources: [
          stack.formatArn({
            service: 'ecs',
            resource: `service-revision/${web.service.cluster.clusterName}/*`,
          }),
        ],
      }),
    );
    fn.function.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadTaskDefinition',
        actions: ['ecs:DescribeTaskDefinition'],
        resources: ['*'],
      }),
    );
    this.acknowledgeFunction(fn.function.role as iam.IRole, [
      'ecs:DescribeTaskDefinition has no resource-level permission.',
    ]);
    acknowledge(
      fn.function.role as iam.Role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'A VPC function needs to manage its network interfaces; this AWS policy grants exactly that (and DescribeNetworkInterfaces, which the ALB discovery uses).',
    );
    this.hook(fn, 'SmokeHook', ecs.DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT);
    return fn;
  }

  /** Registers the function at a lifecycle stage, invoked by ECS through a role that can invoke only it. */
  private hook(fn: HandlerFunction, id: string, stage: ecs.DeploymentLifecycleStage) {
    const role = new iam.Role(this, `${id}InvokeRole`, {
      assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
      description: `Lets ECS invoke the ${id} deployment lifecycle hook`,
    });
    fn.function.grantInvoke(role);
    const logicalId = Stack.of(this).getLogicalId(fn.function.node.defaultChild as CfnElement);
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
      'ECS may invoke any version of this one hook function; the role can invoke nothing else.',
    );
    this.props.web.service.addLifecycleHook(
      new ecs.DeploymentLifecycleLambdaTarget(fn.function, id, { lifecycleStages: [stage], role }),
    );
  }

  /** cdk-nag's id for a wildcard resource inside this cluster, e.g. `…:task/<ClusterEB0386A7>/*`. */
  private clusterScoped(kind: 'task' | 'service-revision'): string {
    const stack = Stack.of(this);
    const cluster = this.props.web.service.cluster.node.defaultChild as CfnElement;
    return `AwsSolutions-IAM5[Resource::arn:${stack.partition}:ecs:${stack.region}:${stack.account}:${kind}/<${stack.getLogicalId(cluster)}>/*]`;
  }

  private acknowledgeFunction(role: iam.IRole, starReasons: string[]) {
    acknowledge(
      role,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The basic execution policy only lets the function write its own logs.',
    );
    acknowledge(role, 'AwsSolutions-IAM5[Resource::*]', starReasons.join(' '));
    acknowledge(
      role,
      this.clusterScoped('service-revision'),
      'The revision being deployed is known only at run time; the wildcard covers revisions of this cluster only.',
    );
  }
}
