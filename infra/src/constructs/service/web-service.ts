import {
  CONTAINER_VARIABLES,
  SERVICE_HEALTH_CHECK,
  serviceHealthCommand,
  stopTimeoutSeconds,
} from '@slipway/config/contract';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import {
  APP_CONTAINER_NAME,
  acknowledgeTaskFindings,
  addAppContainer,
  appLogGroup,
  applyEarlySuccess,
  appTaskDefinition,
  deploymentProps,
  runOnlyWhen,
  scaleOnCpuAndMemory,
  serviceBaseProps,
} from '../task/index.ts';
import {
  type DeployStrategy,
  validate,
  type WebServiceDeployment,
  type WebServiceProps,
  type WebServiceRoute,
} from './web-service-props.ts';

export {
  type CapacityShare,
  DEPLOY_STRATEGIES,
  type DeployStrategy,
  type WebServiceDeployment,
  type WebServiceProps,
  type WebServiceRoute,
} from './web-service-props.ts';

const CONTAINER_NAME = APP_CONTAINER_NAME;

/** Seconds a new task may take to answer its health path (measured; the contract says how). */
export const START_SECONDS = SERVICE_HEALTH_CHECK.startSeconds;
/** The health check command: node's probe of the path, or the user's list in exec form unless it names its form. */
function healthCommand(check: 'node' | readonly string[], healthPath: string): string[] {
  if (check === 'node') return serviceHealthCommand(healthPath);
  // CDK runs a list that starts with neither CMD nor CMD-SHELL through a shell.
  return check[0] === 'CMD' || check[0] === 'CMD-SHELL' ? [...check] : ['CMD', ...check];
}

/** The container's health check: the default image's HEALTHCHECK on the configured path, or the user's command. */
export function containerHealthCheck(
  props: Pick<WebServiceProps, 'healthCheck' | 'healthPath'>,
): ecs.HealthCheck | undefined {
  const check = props.healthCheck ?? 'node';
  if (check === false) return undefined;
  return {
    command: healthCommand(check, props.healthPath),
    interval: Duration.seconds(SERVICE_HEALTH_CHECK.intervalSeconds),
    timeout: Duration.seconds(SERVICE_HEALTH_CHECK.timeoutSeconds),
    retries: SERVICE_HEALTH_CHECK.retries,
    startPeriod: Duration.seconds(START_SECONDS),
  };
}

/**
 * The load balancer's target health check unless the deployment settings say otherwise: every
 * 5 s, 2 passes to turn healthy (the strategy's defaults are in the config, `STRATEGY_TIMING`),
 * 2 failures to turn unhealthy.
 */
const TARGET_CHECK = { intervalSeconds: 5, healthy: 2, unhealthy: 2 } as const;

/** The target health check of a deployment's settings, with its timeout below the interval. */
export function targetCheck(deployment: WebServiceDeployment = {}) {
  const intervalSeconds = deployment.healthCheckIntervalSeconds ?? TARGET_CHECK.intervalSeconds;
  const healthy = deployment.healthyThresholdCount ?? TARGET_CHECK.healthy;
  return {
    intervalSeconds,
    healthy,
    unhealthy: TARGET_CHECK.unhealthy,
    timeoutSeconds: Math.min(5, intervalSeconds - 1),
  };
}

/**
 * ECS ignores failing load balancer and container checks this long after a task starts: the start
 * budget plus the checks the load balancer needs to call a started task healthy (interval ×
 * healthy threshold), so a task that starts within its budget is never replaced for having been slow.
 */
export function graceSeconds(deployment: WebServiceDeployment = {}): number {
  const check = targetCheck(deployment);
  return START_SECONDS + check.healthy * check.intervalSeconds;
}
// Rule priority of the service's catch-all route; tools (Grafana, pgAdmin) and routed services
// take lower numbers.
export const SERVICE_RULE_PRIORITY = 1000;

/** A route's listener conditions: its paths and/or hosts, or every path for the catch-all. */
export function routeConditions(route: WebServiceRoute | undefined): elbv2.ListenerCondition[] {
  if (!route) return [elbv2.ListenerCondition.pathPatterns(['/*'])];
  const conditions: elbv2.ListenerCondition[] = [];
  if (route.hosts?.length) conditions.push(elbv2.ListenerCondition.hostHeaders([...route.hosts]));
  if (route.paths?.length) conditions.push(elbv2.ListenerCondition.pathPatterns([...route.paths]));
  return conditions;
}

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

    this.logGroup = appLogGroup(this, props);
    this.taskDefinition = appTaskDefinition(this, props);
    this.container = this.addAppContainer(props);

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

    this.blueTargetGroup = this.targetGroup('Blue', props);
    this.greenTargetGroup = this.targetGroup('Green', props);
    // Both target groups are always present and weighted, whatever the strategy, so that changing
    // the strategy never modifies this rule (see the class comment).
    this.productionRule = this.listenerRule('ProductionRule', props.productionListener, props);
    this.testRule = props.testListener ? this.listenerRule('TestRule', props.testListener, props) : undefined;

    this.service = this.createService(props, strategy, deployment);
    this.attachTargets(props, strategy !== 'rolling');
    this.scaling = this.addScaling(props);

    if (props.runWhen) runOnlyWhen(this.service, this.scaling, props.runWhen, props);
    this.acknowledgeFindings();
  }

  /**
   * The app container: read-only root filesystem, /tmp mounted, probed like the image's HEALTHCHECK,
   * SIGTERM given its drain plus 5 s before SIGKILL (the load balancer drained the task before).
   */
  private addAppContainer(props: WebServiceProps): ecs.ContainerDefinition {
    const shutdownSeconds = props.shutdownSeconds ?? 10;
    const hstsMaxAge = props.hstsMaxAgeSeconds ?? 0;
    return addAppContainer(this, this.taskDefinition, {
      image: props.image,
      user: props.user,
      command: props.command,
      memoryMiB: props.memoryMiB,
      portMappings: [{ containerPort: props.port, name: 'http', appProtocol: ecs.AppProtocol.http }],
      environment: {
        ...props.environment,
        [CONTAINER_VARIABLES.PORT]: String(props.port),
        [CONTAINER_VARIABLES.SHUTDOWN_TIMEOUT_MS]: String(shutdownSeconds * 1000),
        ...(hstsMaxAge > 0 ? { [CONTAINER_VARIABLES.HSTS_MAX_AGE]: String(hstsMaxAge) } : {}),
      },
      secrets: props.secrets,
      healthCheck: containerHealthCheck(props),
      stopTimeout: Duration.seconds(stopTimeoutSeconds(shutdownSeconds)),
      logGroup: this.logGroup,
    });
  }

  private targetGroup(name: string, props: WebServiceProps): elbv2.ApplicationTargetGroup {
    const check = targetCheck(props.deployment);
    return new elbv2.ApplicationTargetGroup(this, name, {
      vpc: props.cluster.vpc,
      port: props.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(props.deregistrationDelaySeconds ?? 30),
      healthCheck: {
        path: props.healthPath,
        interval: Duration.seconds(check.intervalSeconds),
        timeout: Duration.seconds(check.timeoutSeconds),
        healthyThresholdCount: check.healthy,
        unhealthyThresholdCount: check.unhealthy,
        healthyHttpCodes: '200',
      },
    });
  }

  /** The service's rule (its route, or the catch-all), all traffic to blue at first; ECS moves the weights during deployments. */
  private listenerRule(
    id: string,
    listener: elbv2.ApplicationListener,
    props: WebServiceProps,
  ): elbv2.ApplicationListenerRule {
    return new elbv2.ApplicationListenerRule(this, id, {
      listener,
      priority: props.rulePriority ?? SERVICE_RULE_PRIORITY,
      conditions: routeConditions(props.route),
      action: elbv2.ListenerAction.weightedForward([
        { targetGroup: this.blueTargetGroup, weight: 100 },
        { targetGroup: this.greenTargetGroup, weight: 0 },
      ]),
    });
  }

  /** The Fargate service with its deployment strategy; ECS-native strategies bake after shifting. */
  private createService(
    props: WebServiceProps,
    strategy: DeployStrategy,
    deployment: WebServiceDeployment,
  ): ecs.FargateService {
    const service = new ecs.FargateService(this, 'Service', {
      ...serviceBaseProps({
        ...props,
        taskDefinition: this.taskDefinition,
        securityGroup: this.securityGroup,
      }),
      healthCheckGracePeriod: Duration.seconds(graceSeconds(deployment)),
      cloudMapOptions: props.discovery
        ? {
            cloudMapNamespace: props.discovery.namespace,
            name: props.discovery.name,
            dnsRecordType: servicediscovery.DnsRecordType.A,
            dnsTtl: Duration.seconds(10),
          }
        : undefined,
      ...deploymentProps({ ...deployment, strategy }),
    });
    applyEarlySuccess(service, { ...deployment, strategy });
    return service;
  }

  /** Registers the tasks in blue, with green as the alternate target of ECS-native strategies. */
  private attachTargets(props: WebServiceProps, native: boolean): void {
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
  }

  /** Target tracking on CPU and memory, and on requests per target when asked. */
  private addScaling(props: WebServiceProps): ecs.ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    scaleOnCpuAndMemory(scaling, {
      cpuPercent: props.scaleOnCpuPercent,
      memoryPercent: props.scaleOnMemoryPercent,
    });
    if (props.scaleOnRequestsPerTarget !== undefined) {
      scaling.scaleOnRequestCount('Requests', {
        requestsPerTarget: props.scaleOnRequestsPerTarget,
        targetGroup: this.blueTargetGroup,
        scaleInCooldown: Duration.seconds(120),
        scaleOutCooldown: Duration.seconds(60),
      });
    }
    return scaling;
  }

  private acknowledgeFindings() {
    acknowledgeTaskFindings(this.taskDefinition);
    const infrastructureRole = this.service.node.tryFindChild('GreenRole');
    if (infrastructureRole) {
      acknowledge(
        infrastructureRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers]',
        'The ECS infrastructure role for blue/green traffic shifting; AWS maintains this policy as ECS gains load-balancer features.',
      );
    }
  }

  /** Let the tasks reach a database (or any peer) on a port; adds the rule on both sides. */
  allowTo(peer: ec2.IConnectable, port: number, description: string) {
    this.securityGroup.connections.allowTo(peer, ec2.Port.tcp(port), description);
  }
}
