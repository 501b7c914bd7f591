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
  deploymentProps,
  runOnlyWhen,
  scaleOnCpuAndMemory,
  serviceBaseProps,
} from '../task/index.ts';
import { type BackendServiceProps, validate } from './backend-service-props.ts';

export type { BackendServiceProps } from './backend-service-props.ts';

/** The Service Connect port name of the container's one port mapping. */
export const BACKEND_PORT_NAME = 'http';

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
    return new ecs.FargateService(this, 'Service', {
      ...serviceBaseProps({
        ...props,
        taskDefinition: this.taskDefinition,
        securityGroup: this.securityGroup,
      }),
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
      ...deploymentProps(props.deployment),
    });
  }

  /** Target tracking on CPU and memory. */
  private addScaling(props: BackendServiceProps): ecs.ScalableTaskCount {
    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    scaleOnCpuAndMemory(scaling, {
      cpuPercent: props.scaleOnCpuPercent,
      memoryPercent: props.scaleOnMemoryPercent,
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
