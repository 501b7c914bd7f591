import { CONTAINER_VARIABLES } from '@slipway/config/contract';
import { type CfnCondition, Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

export type DeployStrategy = 'rolling' | 'blue-green' | 'canary' | 'linear';
export const DEPLOY_STRATEGIES: readonly DeployStrategy[] = ['rolling', 'blue-green', 'canary', 'linear'];

export interface CapacityShare {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly base?: number;
  readonly weight: number;
}

export interface WebServiceDeployment {
  /**
   * How a new revision replaces the running one.
   * @default 'rolling'
   */
  readonly strategy?: DeployStrategy;
  /**
   * Canary: percent of production traffic shifted first; linear: percent per step (multiples of 0.1).
   * @default 10
   */
  readonly stepPercent?: number;
  /**
   * Minutes to watch each canary/linear step.
   * @default 5
   */
  readonly stepBakeMinutes?: number;
  /**
   * Minutes the new revision serves all traffic before the old tasks stop (blue/green, canary, linear).
   * @default 0
   */
  readonly bakeMinutes?: number;
}

export interface WebServiceProps {
  /** Cluster to run in (Fargate capacity providers enabled). */
  readonly cluster: ecs.ICluster;
  /** Subnets for the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give tasks a public IP (only for environments without NAT, whose tasks run in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /** Port the container listens on (passed as `PORT`). */
  readonly port: number;
  /** Liveness path the load balancer checks. */
  readonly healthPath: string;
  /** Task CPU units (256 = 0.25 vCPU). */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memoryMiB: number;
  /**
   * Plain environment variables (never secrets: those go in `secrets`).
   * @default none
   */
  readonly environment?: Record<string, string>;
  /**
   * Variables ECS resolves from Secrets Manager or SSM when the task starts.
   * @default none
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /** Fewest running tasks. */
  readonly minTasks: number;
  /** Most running tasks autoscaling may start. */
  readonly maxTasks: number;
  /**
   * Fargate capacity providers and their shares.
   * @default on-demand Fargate only
   */
  readonly capacity?: CapacityShare[];
  /**
   * Target CPU utilization (percent) for autoscaling.
   * @default 70
   */
  readonly scaleOnCpuPercent?: number;
  /**
   * Target memory utilization (percent) for autoscaling.
   * @default 80
   */
  readonly scaleOnMemoryPercent?: number;
  /**
   * Target ALB requests per task per minute for autoscaling.
   * @default no request-count scaling
   */
  readonly scaleOnRequestsPerTarget?: number;
  /** The listener production traffic arrives on; the service gets a `/*` rule on it. */
  readonly productionListener: elbv2.ApplicationListener;
  /**
   * The listener smoke tests reach new tasks through (needed by every strategy but rolling).
   * @default none
   */
  readonly testListener?: elbv2.ApplicationListener;
  /**
   * Seconds the load balancer drains a deregistering task before ECS stops it.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Seconds the container needs after SIGTERM to finish in-flight requests; ECS waits this plus
   * 5 s before SIGKILL (at most 120 s on Fargate).
   * @default 10
   */
  readonly shutdownSeconds?: number;
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
   * Register the tasks in a Cloud Map namespace as `<name>.<namespace>` (A records).
   * @default not registered
   */
  readonly discovery?: { readonly namespace: servicediscovery.INamespace; readonly name: string };
  /** Deployment strategy and safety nets. @default rolling with circuit breaker */
  readonly deployment?: WebServiceDeployment;
  /**
   * When given, the service runs tasks only while this condition holds, and none otherwise (an
   * environment whose first image has not been pushed yet).
   * @default always runs `minTasks`
   */
  readonly runWhen?: CfnCondition;
}

const CONTAINER_NAME = 'app';
// Rule priority of the service's catch-all route; tools (Grafana, pgAdmin) take lower numbers.
export const SERVICE_RULE_PRIORITY = 1000;

/**
 * A load-balanced Fargate service built from L2 constructs (not ecs-patterns, which cannot express
 * ECS-native deployment strategies): task definition with a read-only root filesystem, blue and
 * green target groups behind one production listener rule, autoscaling, circuit breaker, and the
 * deployment strategy.
 *
 * The production listener rule never changes after it is created, whatever the strategy or the
 * image: ECS rewrites its weights during blue/green, canary and linear deployments, and a
 * CloudFormation update of the rule would re-apply the template's weights and send traffic back
 * to the old target group (aws/aws-cdk#36649). See docs/deployments.md.
 */
export class WebService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  /** The target group that serves production traffic on the first deployment. */
  readonly blueTargetGroup: elbv2.ApplicationTargetGroup;
  /** The target group new revisions start in during blue/green, canary and linear deployments. */
  readonly greenTargetGroup: elbv2.ApplicationTargetGroup;
  readonly productionRule: elbv2.ApplicationListenerRule;
  readonly testRule: elbv2.ApplicationListenerRule | undefined;
  readonly scaling: ecs.ScalableTaskCount;
  readonly containerName = CONTAINER_NAME;
  readonly strategy: DeployStrategy;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const deployment = props.deployment ?? {};
    const strategy = deployment.strategy ?? 'rolling';
    this.strategy = strategy;
    validate(props, strategy);
    const shutdownSeconds = props.shutdownSeconds ?? 10;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      retention: props.logRetentionDays ?? 30,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    // The root filesystem is read-only; /tmp is the one writable place (task-local storage).
    this.taskDefinition.addVolume({ name: 'tmp' });

    this.container = this.taskDefinition.addContainer(CONTAINER_NAME, {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: props.port, name: 'http', appProtocol: ecs.AppProtocol.http }],
      environment: {
        ...props.environment,
        [CONTAINER_VARIABLES.PORT]: String(props.port),
        [CONTAINER_VARIABLES.SHUTDOWN_TIMEOUT_MS]: String(shutdownSeconds * 1000),
      },
      secrets: props.secrets,
      stopTimeout: Duration.seconds(Math.min(shutdownSeconds + 5, 120)),
      linuxParameters: new ecs.LinuxParameters(this, 'Linux', { initProcessEnabled: true }),
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'app',
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });
    this.container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Service tasks: ingress only from the load balancer on the container port',
      allowAllOutbound: false,
    });
    // Tasks call AWS APIs (ECR, Secrets Manager, CloudWatch Logs) and the internet over HTTPS.
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs and the internet',
    );

    const targetGroup = (name: string) =>
      new elbv2.ApplicationTargetGroup(this, name, {
        vpc: props.cluster.vpc,
        port: props.port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targetType: elbv2.TargetType.IP,
        deregistrationDelay: Duration.seconds(props.deregistrationDelaySeconds ?? 30),
        healthCheck: {
          path: props.healthPath,
          interval: Duration.seconds(10),
          timeout: Duration.seconds(5),
          healthyThresholdCount: 2,
          unhealthyThresholdCount: 2,
          healthyHttpCodes: '200',
        },
      });
    this.blueTargetGroup = targetGroup('Blue');
    this.greenTargetGroup = targetGroup('Green');

    // Both target groups are always present and weighted, whatever the strategy, so that changing
    // the strategy never modifies this rule (see the class comment).
    this.productionRule = new elbv2.ApplicationListenerRule(this, 'ProductionRule', {
      listener: props.productionListener,
      priority: SERVICE_RULE_PRIORITY,
      conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
      action: elbv2.ListenerAction.weightedForward([
        { targetGroup: this.blueTargetGroup, weight: 100 },
        { targetGroup: this.greenTargetGroup, weight: 0 },
      ]),
    });
    this.testRule = props.testListener
      ? new elbv2.ApplicationListenerRule(this, 'TestRule', {
          listener: props.testListener,
          priority: SERVICE_RULE_PRIORITY,
          conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
          action: elbv2.ListenerAction.weightedForward([
            { targetGroup: this.blueTargetGroup, weight: 100 },
            { targetGroup: this.greenTargetGroup, weight: 0 },
          ]),
        })
      : undefined;

    const native = strategy !== 'rolling';
    this.service = new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: props.assignPublicIp ?? false,
      securityGroups: [this.securityGroup],
      capacityProviderStrategies: (props.capacity ?? [{ capacityProvider: 'FARGATE', weight: 1 }]).map(
        (c) => ({
          capacityProvider: c.capacityProvider,
          base: c.base,
          weight: c.weight,
        }),
      ),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(30),
      enableExecuteCommand: true,
      cloudMapOptions: props.discovery
        ? {
            cloudMapNamespace: props.discovery.namespace,
            name: props.discovery.name,
            dnsRecordType: servicediscovery.DnsRecordType.A,
            dnsTtl: Duration.seconds(10),
          }
        : undefined,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      deploymentStrategy: {
        rolling: ecs.DeploymentStrategy.ROLLING,
        'blue-green': ecs.DeploymentStrategy.BLUE_GREEN,
        canary: ecs.DeploymentStrategy.CANARY,
        linear: ecs.DeploymentStrategy.LINEAR,
      }[strategy],
      bakeTime: native ? Duration.minutes(deployment.bakeMinutes ?? 0) : undefined,
      canaryConfiguration:
        strategy === 'canary'
          ? {
              stepPercent: deployment.stepPercent ?? 10,
              stepBakeTime: Duration.minutes(deployment.stepBakeMinutes ?? 5),
            }
          : undefined,
      linearConfiguration:
        strategy === 'linear'
          ? {
              stepPercent: deployment.stepPercent ?? 10,
              stepBakeTime: Duration.minutes(deployment.stepBakeMinutes ?? 5),
            }
          : undefined,
    });

    this.blueTargetGroup.addTarget(
      this.service.loadBalancerTarget({
        containerName: CONTAINER_NAME,
        containerPort: props.port,
        alternateTarget: native
          ? new ecs.AlternateTarget('Green', {
              alternateTargetGroup: this.greenTargetGroup,
              productionListener: ecs.ListenerRuleConfiguration.applicationListenerRule(this.productionRule),
              testListener: this.testRule
                ? ecs.ListenerRuleConfiguration.applicationListenerRule(this.testRule)
                : undefined,
            })
          : undefined,
      }),
    );
    // The green target group forwards to the same tasks' port during blue/green; let the load
    // balancer reach them through it as well.
    for (const listener of [props.productionListener, props.testListener]) {
      if (!listener) continue;
      for (const sg of listener.connections.securityGroups) {
        this.securityGroup.connections.allowFrom(
          sg,
          ec2.Port.tcp(props.port),
          'Load balancer to the container port',
        );
      }
    }

    this.scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    this.scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.scaleOnCpuPercent ?? 70,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });
    this.scaling.scaleOnMemoryUtilization('Memory', {
      targetUtilizationPercent: props.scaleOnMemoryPercent ?? 80,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });
    if (props.scaleOnRequestsPerTarget !== undefined) {
      this.scaling.scaleOnRequestCount('Requests', {
        requestsPerTarget: props.scaleOnRequestsPerTarget,
        targetGroup: this.blueTargetGroup,
        scaleInCooldown: Duration.seconds(120),
        scaleOutCooldown: Duration.seconds(60),
      });
    }

    if (props.runWhen) this.runOnlyWhen(props.runWhen, props.minTasks, props.maxTasks);
    this.acknowledgeFindings();
  }

  private acknowledgeFindings() {
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      'Only non-secret settings are plain variables (the config schema rejects secret-looking names); secrets use ECS secrets.',
    );
    acknowledge(
      this.taskDefinition.taskRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ECS Exec (slipway exec) needs ssmmessages channel actions, which IAM offers only on resource "*".',
    );
    if (this.taskDefinition.executionRole) {
      acknowledge(
        this.taskDefinition.executionRole,
        'AwsSolutions-IAM5[Resource::*]',
        'ecr:GetAuthorizationToken has no resource-level permissions; image pulls themselves are scoped to the repository.',
      );
    }
    const infrastructureRole = this.service.node.tryFindChild('GreenRole');
    if (infrastructureRole) {
      acknowledge(
        infrastructureRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
        'The ECS infrastructure role for blue/green traffic shifting; AWS maintains this policy as ECS gains load-balancer features.',
      );
    }
  }

  /** Scale to zero tasks (service and autoscaling bounds) while `condition` is false. */
  private runOnlyWhen(condition: CfnCondition, minTasks: number, maxTasks: number) {
    const cfnService = this.service.node.defaultChild as ecs.CfnService;
    cfnService.desiredCount = Token.asNumber(Fn.conditionIf(condition.logicalId, minTasks, 0));
    const target = this.scaling.node.findChild('Target') as appscaling.ScalableTarget;
    const cfnTarget = target.node.defaultChild as appscaling.CfnScalableTarget;
    cfnTarget.minCapacity = Token.asNumber(Fn.conditionIf(condition.logicalId, minTasks, 0));
    cfnTarget.maxCapacity = Token.asNumber(Fn.conditionIf(condition.logicalId, maxTasks, 0));
  }

  /** Let the tasks reach a database (or any peer) on a port; adds the rule on both sides. */
  allowTo(peer: ec2.IConnectable, port: number, description: string) {
    this.securityGroup.connections.allowTo(peer, ec2.Port.tcp(port), description);
  }
}

function validate(props: WebServiceProps, strategy: DeployStrategy) {
  const fail = (message: string) => {
    throw new Error(`WebService: ${message}`);
  };
  if (!DEPLOY_STRATEGIES.includes(strategy))
    fail(`deployment.strategy must be one of ${DEPLOY_STRATEGIES.join(', ')}, got "${strategy}"`);
  if (props.minTasks < 0 || props.maxTasks < 1 || props.minTasks > props.maxTasks)
    fail(
      `minTasks must be 0..maxTasks and maxTasks ≥ 1, got minTasks ${props.minTasks}, maxTasks ${props.maxTasks}`,
    );
  if (!props.healthPath.startsWith('/')) fail(`healthPath must start with "/", got "${props.healthPath}"`);
  const step = props.deployment?.stepPercent;
  if (step !== undefined) {
    const low = strategy === 'linear' ? 3 : 0.1;
    if (step < low || step > 100 || Math.abs(step * 10 - Math.round(step * 10)) > 1e-9)
      fail(
        `deployment.stepPercent must be a multiple of 0.1 from ${low} to 100 for ${strategy}, got ${step}`,
      );
  }
  for (const [key, value] of [
    ['bakeMinutes', props.deployment?.bakeMinutes],
    ['stepBakeMinutes', props.deployment?.stepBakeMinutes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 1440))
      fail(`deployment.${key} must be a whole number of minutes from 0 to 1440, got ${value}`);
  }
  const shutdown = props.shutdownSeconds ?? 10;
  if (!(shutdown >= 1 && shutdown <= 115))
    fail(`shutdownSeconds must be 1-115 (Fargate stops at 120 s), got ${shutdown}`);
}
