import { VIEWER_ADDRESS_HEADER } from '@slipway/config/contract';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import type { ToolFileSystem } from '../efs/tool-file-system.ts';
import { scaleOnCpuAndMemory } from '../task/fargate-service.ts';
import { validateToolProps, viewerPattern } from './tool-checks.ts';

/** A route to the tool on the environment's public load balancer, limited to some source CIDRs. */
export interface ToolRoute {
  /** The production listener (imported from SSM). */
  readonly listener: elbv2.IApplicationListener;
  /** The load balancer's security group: it gets egress to the tool's port, the tool ingress from it. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** Listener rule priority, below the app's catch-all (1000). */
  readonly priority: number;
  /** Source CIDRs admitted by the rule (1 to 4: the path takes the fifth condition value). */
  readonly allowedCidrs: string[];
}

/**
 * The HTTP client the container health check runs, with no shell (exec form): `curl` or `wget`
 * (BusyBox's on Alpine images). It must exist in the image: ECS marks a container whose check
 * command is missing unhealthy and replaces the task over and over.
 */
export type ToolHealthProbe = 'curl' | 'wget';

/** The load balancer's target health check of a tool: every 15 s, healthy after 2, unhealthy after 3. */
const TARGET_CHECK = { intervalSeconds: 15, healthy: 2, unhealthy: 3 } as const;

/** The exec-form command that exits 0 only when `url` answers 2xx within `seconds`. */
export function toolHealthCommand(probe: ToolHealthProbe, url: string, seconds: number): string[] {
  return probe === 'curl'
    ? ['CMD', 'curl', '--fail', '--silent', '--output', '/dev/null', '--max-time', String(seconds), url]
    : ['CMD', 'wget', '-q', '-O', '/dev/null', '-T', String(seconds), url];
}

export interface ToolServiceProps {
  /** Short name: container name, Cloud Map name (`<name>.<env>.internal`), path prefix `/<name>/`. */
  readonly name: string;
  /** The environment's ECS cluster. */
  readonly cluster: ecs.ICluster;
  /** Subnets for the task. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give the task a public IP (environments without NAT run tasks in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** The container image, pinned by tag. */
  readonly image: ecs.ContainerImage;
  /** Port the container listens on. */
  readonly port: number;
  /** Path the load balancer and the container health check probe (under `/<name>/`). */
  readonly healthPath: string;
  /** How the container health check probes `healthPath`: an HTTP client the image ships. */
  readonly healthProbe: ToolHealthProbe;
  /**
   * Seconds the tool may take from start to answering `healthPath` (its first start creates its
   * database): failing container checks do not count before then (at most 300 s, the ECS
   * limit), and ECS ignores failing load balancer checks until the target could have become healthy.
   */
  readonly startSeconds: number;
  /**
   * Seconds the container health check waits for an answer.
   * @default 5
   */
  readonly healthTimeoutSeconds?: number;
  /** Task CPU units (256 = 0.25 vCPU). */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memoryMiB: number;
  /**
   * Fargate capacity of the tasks.
   * @default 'on-demand'
   */
  readonly capacity?: 'on-demand' | 'spot';
  /**
   * Fewest and most tasks; CPU and memory target tracking between them when max is above min.
   * More than one needs state outside the task (no `fileSystem`).
   * @default exactly one task
   */
  readonly tasks?: { readonly min: number; readonly max: number };
  /**
   * Plain environment variables.
   * @default - no variables beyond the image's own
   */
  readonly environment?: Record<string, string>;
  /**
   * Variables ECS resolves from Secrets Manager or SSM at task start.
   * @default - no secrets
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /**
   * Replaces the image's entry point (used to write provisioning files before the tool starts).
   * @default the image's entry point
   */
  readonly entryPoint?: string[];
  /**
   * Replaces the image's command.
   * @default the image's command
   */
  readonly command?: string[];
  /**
   * Mount the root filesystem read-only.
   * @default true
   */
  readonly readonlyRootFilesystem?: boolean;
  /**
   * The file system holding the tool's state (SQLite): one task, replaced stop-first.
   * @default - none: `dataPath` is task storage and the state lives elsewhere (a database); tasks replace start-first
   */
  readonly fileSystem?: ToolFileSystem;
  /** Container path of the state directory (the tool's access point, or task storage without a file system). */
  readonly dataPath: string;
  /** POSIX uid/gid the image runs as; the access point enforces them. */
  readonly uid: number;
  readonly gid: number;
  /** Name of the log group. */
  readonly logGroupName: string;
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
   * Register the task in this Cloud Map namespace as `<name>`.
   * @default no service discovery
   */
  readonly namespace?: servicediscovery.INamespace;
  /**
   * Reach the tool through the load balancer at `/<name>/*` from these CIDRs.
   * @default no route: reach it by ECS Exec port forwarding
   */
  readonly route?: ToolRoute;
}

/**
 * A Fargate service for an operator tool (Grafana, pgAdmin). With its state a SQLite database on
 * EFS, it runs exactly one task and replaces it stop-first (minimum healthy 0 %, maximum 100 %): two
 * tasks never write at once, a deployment costs a minute of downtime of a tool, never of the app.
 * With its state elsewhere (a database), its data path is task storage, it runs `tasks` tasks
 * scaled on CPU and memory, and replaces them start-first (100/200 %) without a gap. ECS Exec is on
 * for port forwarding.
 */
export class ToolService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly container: ecs.ContainerDefinition;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.LogGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup | undefined;
  readonly listenerRule: elbv2.ApplicationListenerRule | undefined;
  /** The scalable target, where the task count may change (max above min). */
  readonly scaling: ecs.ScalableTaskCount | undefined;
  /** Fewest and most tasks. */
  readonly tasks: { readonly min: number; readonly max: number };

  constructor(scope: Construct, id: string, props: ToolServiceProps) {
    super(scope, id);
    validateToolProps(props);
    this.tasks = props.tasks ?? { min: 1, max: 1 };
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
    const files = props.fileSystem;
    const accessPoint = files?.addAccessPoint(`${id}AccessPoint`, {
      path: `/${props.name}`,
      uid: props.uid,
      gid: props.gid,
    });
    if (files && accessPoint) {
      this.taskDefinition.addVolume({
        name: 'data',
        efsVolumeConfiguration: {
          fileSystemId: files.fileSystem.fileSystemId,
          transitEncryption: 'ENABLED',
          authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' },
        },
      });
    } else {
      // Task storage (Fargate ephemeral storage): scratch space, gone with the task.
      this.taskDefinition.addVolume({ name: 'data' });
    }

    this.container = this.addToolContainer(props);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: `${props.name}: ingress only from the load balancer on its port`,
      allowAllOutbound: false,
    });
    this.securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs and image registries',
    );
    if (files && accessPoint)
      files.grantMount(this.taskDefinition.taskRole, accessPoint, this.securityGroup, `${props.name} tasks`);

    this.service = this.createService(props);
    if (this.tasks.max > this.tasks.min) {
      this.scaling = this.service.autoScaleTaskCount({
        minCapacity: this.tasks.min,
        maxCapacity: this.tasks.max,
      });
      scaleOnCpuAndMemory(this.scaling, {});
    }
    if (props.route) {
      const routed = this.addRoute(props, props.route);
      this.targetGroup = routed.targetGroup;
      this.listenerRule = routed.listenerRule;
    }
    this.acknowledgeFindings(props);
  }

  /** The tool's container: runs as the access point's user, health-checked in-image, data on EFS. */
  private addToolContainer(props: ToolServiceProps): ecs.ContainerDefinition {
    const timeout = props.healthTimeoutSeconds ?? 5;
    const container = this.taskDefinition.addContainer(props.name, {
      image: props.image,
      essential: true,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? true,
      user: `${props.uid}:${props.gid}`,
      // The task's memory as the container's hard limit (Control Tower's CT.ECS.PR.7).
      memoryLimitMiB: props.memoryMiB,
      entryPoint: props.entryPoint,
      command: props.command,
      environment: props.environment,
      secrets: props.secrets,
      portMappings: [{ containerPort: props.port, name: 'http', appProtocol: ecs.AppProtocol.http }],
      // 127.0.0.1, not localhost: no resolver involved, and both tools listen on IPv4.
      healthCheck: {
        command: toolHealthCommand(
          props.healthProbe,
          `http://127.0.0.1:${props.port}${props.healthPath}`,
          Math.max(1, timeout - 1),
        ),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(timeout),
        retries: 3,
        startPeriod: Duration.seconds(props.startSeconds),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: props.name,
        mode: ecs.AwsLogDriverMode.NON_BLOCKING,
      }),
    });
    container.addMountPoints({ containerPath: props.dataPath, sourceVolume: 'data', readOnly: false });
    return container;
  }

  /**
   * One task at a time with a file system (one SQLite writer), else `tasks.min` started beside the
   * old ones; registered in Cloud Map when a namespace is given.
   */
  private createService(props: ToolServiceProps): ecs.FargateService {
    const single = props.fileSystem !== undefined;
    return new ecs.FargateService(this, 'Service', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      vpcSubnets: props.subnets,
      assignPublicIp: props.assignPublicIp ?? false,
      securityGroups: [this.securityGroup],
      desiredCount: this.tasks.min,
      // One writer on a SQLite database: stop the old task before starting the new one. State
      // elsewhere: the new tasks start beside the old ones, no gap.
      minHealthyPercent: single ? 0 : 100,
      maxHealthyPercent: single ? 100 : 200,
      capacityProviderStrategies: [
        { capacityProvider: props.capacity === 'spot' ? 'FARGATE_SPOT' : 'FARGATE', weight: 1 },
      ],
      circuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: true,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      // The start budget plus the checks the load balancer needs to call the started tool healthy.
      healthCheckGracePeriod: props.route
        ? Duration.seconds(props.startSeconds + TARGET_CHECK.healthy * TARGET_CHECK.intervalSeconds)
        : undefined,
      cloudMapOptions: props.namespace
        ? {
            cloudMapNamespace: props.namespace,
            name: props.name,
            dnsRecordType: servicediscovery.DnsRecordType.A,
            dnsTtl: Duration.seconds(10),
          }
        : undefined,
    });
  }

  /** A path route on the service's listener, open to the route's CIDRs only. */
  private addRoute(props: ToolServiceProps, route: ToolRoute) {
    const targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc: props.cluster.vpc,
      port: props.port,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targetType: elbv2.TargetType.IP,
      deregistrationDelay: Duration.seconds(10),
      healthCheck: {
        path: props.healthPath,
        interval: Duration.seconds(TARGET_CHECK.intervalSeconds),
        timeout: Duration.seconds(5),
        healthyThresholdCount: TARGET_CHECK.healthy,
        unhealthyThresholdCount: TARGET_CHECK.unhealthy,
        healthyHttpCodes: '200',
      },
    });
    const listenerRule = new elbv2.ApplicationListenerRule(this, 'Route', {
      listener: route.listener,
      priority: route.priority,
      conditions: [
        elbv2.ListenerCondition.pathPatterns([`/${props.name}/*`]),
        // The viewer's address as CloudFront forwards it: the load balancer only sees CloudFront's.
        elbv2.ListenerCondition.httpHeader(VIEWER_ADDRESS_HEADER, route.allowedCidrs.map(viewerPattern)),
      ],
      targetGroups: [targetGroup],
    });
    targetGroup.addTarget(
      this.service.loadBalancerTarget({ containerName: props.name, containerPort: props.port }),
    );
    // ECS needs the target group attached to the load balancer before the service uses it.
    this.service.node.addDependency(listenerRule);
    this.securityGroup.connections.allowFrom(
      route.loadBalancerSecurityGroup,
      ec2.Port.tcp(props.port),
      `Load balancer to ${props.name}`,
    );
    return { targetGroup, listenerRule };
  }

  private acknowledgeFindings(props: ToolServiceProps) {
    acknowledge(
      this.taskDefinition,
      'AwsSolutions-ECS2',
      `Only non-secret settings are plain variables (${props.name} configuration and provisioning files); passwords come from Secrets Manager.`,
    );
    acknowledge(
      this.taskDefinition.taskRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ECS Exec (port forwarding to the tool) needs ssmmessages channel actions, which IAM offers only on resource "*".',
    );
  }
}
