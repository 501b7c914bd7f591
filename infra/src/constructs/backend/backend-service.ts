import { CONTAINER_VARIABLES, stopTimeoutSeconds } from '@slipway/config/contract';
import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { containerHealthCheck } from '../service/web-service.ts';
import {
  acknowledgeTaskFindings,
  addAppContainer,
  appLogGroup,
  appTaskDefinition,
  capacityProviderStrategies,
  runOnlyWhen,
} from '../task/index.ts';
import { type BackendServiceProps, validate } from './backend-service-props.ts';

export type { BackendServiceProps } from './backend-service-props.ts';

/** The Service Connect port name of the container's one port mapping. */
export const BACKEND_PORT_NAME = 'http';

const STRATEGIES = {
  rolling: ecs.DeploymentStrategy.ROLLING,
  'blue-green': ecs.DeploymentStrategy.BLUE_GREEN,
  canary: ecs.DeploymentStrategy.CANARY,
  linear: ecs.DeploymentStrategy.LINEAR,
} as const;

/**
 * A private HTTP service: a Fargate service without a load balancer that other services of the
 * environment reach at `http://<dnsName>:<port>` through ECS Service Connect, on the environment's
 * Cloud Map namespace. Callers become Service Connect clients (`BackendService.connectClient`);
 * the security group admits the container port only from the callers `allowFrom` names.
 *
 * Service Connect also lets ECS shift traffic between revisions: with blue/green, canary or linear
 * the new revision takes the callers' requests in steps, with bake time, circuit breaker and
 * rollback, as a web service does behind the load balancer.
 */
export class BackendService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  readonly scaling: ecs.ScalableTaskCount;
  /** The callers' base URL, `http://<dnsName>:<port>`. */
  readonly url: string;
  private readonly port: number;

  constructor(scope: Construct, id: string, props: BackendServiceProps) {
    super(scope, id);
    validate(props);
    this.port = props.port;
    this.url = `http://${props.dnsName}:${props.port}`;
    this.logGroup = appLogGroup(this, props);
    this.taskDefinition = appTaskDefinition(this, props);
    const shutdownSeconds = props.shutdownSeconds ?? 10;
    this.container = addAppContainer(this, this.taskDefinition, {
      image: props.image,
      command: props.command,
      user: props.user,
      memoryMiB: props.memoryMiB,
      portMappings: [
        { containerPort: props.port, name: BACKEND_PORT_NAME, appProtocol: ecs.AppProtocol.http },
      ],
      environment: {
        ...props.environment,
        [CONTAINER_VARIABLES.PORT]: String(props.port),
        [CONTAINER_VARIABLES.SHUTDOWN_TIMEOUT_MS]: String(shutdownSeconds * 1000),
      },
      secrets: props.secrets,
      healthCheck: containerHealthCheck(props),
      stopTimeout: Duration.seconds(stopTimeoutSeconds(shutdownSeconds)),
      logGroup: this.logGroup,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: 'Backend tasks: ingress only from the services that call it, on the container port',
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs and the internet',
    );

    this.service = this.createService(props);
    this.scaling = this.addScaling(props);
    if (props.runWhen) runOnlyWhen(this.service, this.scaling, props.runWhen, props);
    acknowledgeTaskFindings(this.taskDefinition);
  }

  /** The Fargate service, a Service Connect server under `dnsName`, with the deployment strategy. */
  private createService(props: BackendServiceProps): ecs.FargateService {
    const deployment = props.deployment ?? {};
    const strategy = deployment.strategy ?? 'rolling';
    const step =
      strategy === 'canary' || strategy === 'linear'
        ? {
            stepPercent: deployment.stepPercent ?? 10,
            stepBakeTime: Duration.minutes(deployment.stepBakeMinutes ?? 5),
          }
        : undefined;
    return new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: props.assignPublicIp ?? false,
      securityGroups: [this.securityGroup],
      capacityProviderStrategies: capacityProviderStrategies(props.capacity),
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      serviceConnectConfiguration: {
        namespace: props.namespace.namespaceArn,
        services: [
          {
            portMappingName: BACKEND_PORT_NAME,
            discoveryName: props.discoveryName,
            dnsName: props.dnsName,
            port: props.port,
          },
        ],
      },
      deploymentStrategy: STRATEGIES[strategy],
      bakeTime: strategy === 'rolling' ? undefined : Duration.minutes(deployment.bakeMinutes ?? 0),
      canaryConfiguration: strategy === 'canary' ? step : undefined,
      linearConfiguration: strategy === 'linear' ? step : undefined,
    });
  }

  /** Target tracking on CPU and memory. */
  private addScaling(props: BackendServiceProps): ecs.ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: props.scaleOnCpuPercent ?? 70,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });
    scaling.scaleOnMemoryUtilization('Memory', {
      targetUtilizationPercent: props.scaleOnMemoryPercent ?? 80,
      scaleInCooldown: Duration.seconds(120),
      scaleOutCooldown: Duration.seconds(60),
    });
    return scaling;
  }

  /** Admits `caller` on the container port (ingress here, egress there). */
  allowFrom(caller: ec2.IConnectable, description: string): void {
    this.securityGroup.connections.allowFrom(caller, ec2.Port.tcp(this.port), description);
  }

  /** Let the tasks reach a database (or any peer) on a port; adds the rule on both sides. */
  allowTo(peer: ec2.IConnectable, port: number, description: string): void {
    this.securityGroup.connections.allowTo(peer, ec2.Port.tcp(port), description);
  }
}

/**
 * Makes `service` a Service Connect client in `namespace` (it publishes nothing): its tasks then
 * resolve every backend's `<service>.<env>.internal` through the Service Connect proxy.
 */
export function connectClient(service: ecs.FargateService, namespaceArn: string): void {
  service.enableServiceConnect({ namespace: namespaceArn });
}
