import { type CfnCondition, type Duration, Fn, RemovalPolicy, Token } from 'aws-cdk-lib';
import type * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

// The parts every Slipway Fargate workload shares (the web service, queue workers, scheduled
// jobs): the container's log group, a task definition with a read-only root filesystem and a
// writable /tmp, the app container, the capacity provider strategy and the accepted findings.
// Functions, not a construct: each part keeps the construct id it has in the web service
// (`Logs`, `Task`, `Linux`), so deployed resources keep their logical ids.

/** The name of the one container of every Slipway task. */
export const APP_CONTAINER_NAME = 'app';

/** One Fargate capacity provider and its share of the tasks. */
export interface CapacityShare {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly base?: number;
  readonly weight: number;
}

/** On-demand Fargate only: what a workload runs on unless its config says otherwise. */
export const ON_DEMAND: readonly CapacityShare[] = [{ capacityProvider: 'FARGATE', weight: 1 }];

export interface AppLogOptions {
  /** Days to keep the container logs. @default 30 */
  readonly logRetentionDays?: number;
  /** What happens to the log group when the stack is deleted. @default RemovalPolicy.RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Name of the log group. @default generated */
  readonly logGroupName?: string;
}

/** The container's log group, `Logs` in `scope`. */
export function appLogGroup(scope: Construct, options: AppLogOptions): logs.LogGroup {
  return new logs.LogGroup(scope, 'Logs', {
    logGroupName: options.logGroupName,
    retention: options.logRetentionDays ?? 30,
    removalPolicy: options.logRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
}

/** An x86-64 Linux Fargate task definition, `Task` in `scope`, with a task-local `tmp` volume. */
export function appTaskDefinition(
  scope: Construct,
  size: { readonly cpu: number; readonly memoryMiB: number },
): ecs.FargateTaskDefinition {
  const taskDefinition = new ecs.FargateTaskDefinition(scope, 'Task', {
    cpu: size.cpu,
    memoryLimitMiB: size.memoryMiB,
    runtimePlatform: {
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    },
  });
  // The root filesystem is read-only; /tmp is the one writable place (task-local storage).
  taskDefinition.addVolume({ name: 'tmp' });
  return taskDefinition;
}

export interface AppContainerOptions {
  readonly image: ecs.ContainerImage;
  /** The non-root user (`uid:gid`). @default the image's own `USER` */
  readonly user?: string;
  /** The command, in exec form. @default the image's own `CMD` */
  readonly command?: readonly string[];
  /** Hard memory limit: the task's memory (Control Tower's CT.ECS.PR.7 requires one). */
  readonly memoryMiB: number;
  /** Plain variables (never secrets). */
  readonly environment: Record<string, string>;
  /** Variables ECS resolves from Secrets Manager or SSM when the task starts. @default - no secrets */
  readonly secrets?: Record<string, ecs.Secret>;
  /** The container health check. @default - none: only the load balancer's check (if any) replaces a task */
  readonly healthCheck?: ecs.HealthCheck;
  /** Time between SIGTERM and SIGKILL. @default ECS's 30 s */
  readonly stopTimeout?: Duration;
  /** The ports the container listens on. @default - none: the container takes no connections */
  readonly portMappings?: ecs.PortMapping[];
  readonly logGroup: logs.ILogGroup;
}

/**
 * The app container, `app` in the task definition: essential, read-only root filesystem with /tmp
 * mounted, an init process (`Linux` in `scope`) that reaps zombies and forwards SIGTERM, logs to
 * `logGroup` without blocking the app when CloudWatch Logs is slow.
 */
export function addAppContainer(
  scope: Construct,
  taskDefinition: ecs.FargateTaskDefinition,
  options: AppContainerOptions,
): ecs.ContainerDefinition {
  const container = taskDefinition.addContainer(APP_CONTAINER_NAME, {
    image: options.image,
    essential: true,
    readonlyRootFilesystem: true,
    user: options.user,
    command: options.command ? [...options.command] : undefined,
    // A hard limit equal to the task's memory: the container is what the task is for, and
    // Control Tower's CT.ECS.PR.7 requires every container to declare one.
    memoryLimitMiB: options.memoryMiB,
    portMappings: options.portMappings,
    environment: options.environment,
    secrets: options.secrets,
    healthCheck: options.healthCheck,
    stopTimeout: options.stopTimeout,
    linuxParameters: new ecs.LinuxParameters(scope, 'Linux', { initProcessEnabled: true }),
    logging: ecs.LogDrivers.awsLogs({
      logGroup: options.logGroup,
      streamPrefix: APP_CONTAINER_NAME,
      mode: ecs.AwsLogDriverMode.NON_BLOCKING,
    }),
  });
  container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'tmp', readOnly: false });
  return container;
}

/** The capacity provider strategy of a service or RunTask call. */
export function capacityProviderStrategies(
  capacity: readonly CapacityShare[] = ON_DEMAND,
): ecs.CapacityProviderStrategy[] {
  return capacity.map((c) => ({ capacityProvider: c.capacityProvider, base: c.base, weight: c.weight }));
}

/** Throws naming `prop` unless the shares are a valid Fargate capacity provider strategy. */
export function validateCapacity(owner: string, capacity: readonly CapacityShare[] | undefined): void {
  if (capacity === undefined) return;
  const fail = (message: string) => {
    throw new Error(`${owner}: capacity ${message}`);
  };
  if (capacity.length === 0) fail('must name at least one of FARGATE, FARGATE_SPOT, got none');
  for (const share of capacity) {
    if (share.capacityProvider !== 'FARGATE' && share.capacityProvider !== 'FARGATE_SPOT')
      fail(`providers must be FARGATE or FARGATE_SPOT, got "${share.capacityProvider}"`);
    if (!(Number.isInteger(share.weight) && share.weight >= 0 && share.weight <= 1000))
      fail(`weights must be whole numbers 0-1000, got ${share.weight}`);
  }
  if (capacity.filter((s) => (s.base ?? 0) > 0).length > 1)
    fail('may give a base to one provider only (ECS allows one)');
  if (capacity.every((s) => s.weight === 0)) fail('needs one provider with a weight above 0');
}

/**
 * The findings every Slipway task accepts: plain variables that are not secrets, ECS Exec's
 * channel actions, and the registry token action without resource-level permissions.
 */
export function acknowledgeTaskFindings(taskDefinition: ecs.TaskDefinition): void {
  acknowledge(
    taskDefinition,
    'AwsSolutions-ECS2',
    'Only non-secret settings are plain variables (the config schema rejects secret-looking names); secrets use ECS secrets.',
  );
  acknowledge(
    taskDefinition.taskRole,
    'AwsSolutions-IAM5[Resource::*]',
    'ECS Exec (slipway exec) needs ssmmessages channel actions, which IAM offers only on resource "*".',
  );
  if (taskDefinition.executionRole) {
    acknowledge(
      taskDefinition.executionRole,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions; image pulls themselves are scoped to the repository.',
    );
  }
}

/** Scale a service to zero tasks (its desired count and autoscaling bounds) while `condition` is false. */
export function runOnlyWhen(
  service: ecs.FargateService,
  scaling: ecs.ScalableTaskCount,
  condition: CfnCondition,
  bounds: { readonly minTasks: number; readonly maxTasks: number },
): void {
  const cfnService = service.node.defaultChild as ecs.CfnService;
  cfnService.desiredCount = Token.asNumber(Fn.conditionIf(condition.logicalId, bounds.minTasks, 0));
  const target = scaling.node.findChild('Target') as appscaling.ScalableTarget;
  const cfnTarget = target.node.defaultChild as appscaling.CfnScalableTarget;
  cfnTarget.minCapacity = Token.asNumber(Fn.conditionIf(condition.logicalId, bounds.minTasks, 0));
  cfnTarget.maxCapacity = Token.asNumber(Fn.conditionIf(condition.logicalId, bounds.maxTasks, 0));
}
