import type {
  ResolvedBackendService,
  ResolvedEnvironment,
  ResolvedJobService,
  ResolvedService,
  ResolvedWebService,
  ResolvedWorkerService,
} from '@slipway/config';
import { capacityProviderStrategy } from '@slipway/config';
import { serviceConstructId, serviceLogGroupName } from '@slipway/config/contract';
import { RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { BackendService } from '../../constructs/backend/index.ts';
import { ScheduledJob } from '../../constructs/job/index.ts';
import type { ImportedNetwork } from '../../constructs/network/imported-network.ts';
import type { OriginLoadBalancer } from '../../constructs/service/origin-load-balancer.ts';
import { WebService } from '../../constructs/service/web-service.ts';
import { WorkerService } from '../../constructs/worker/index.ts';
import type { ContainerSettings } from './container.ts';
import type { ServiceImage } from './images.ts';

/** What the stack builds every service from. */
export interface BuildContext {
  readonly scope: Construct;
  readonly env: ResolvedEnvironment;
  readonly cluster: ecs.Cluster;
  readonly network: ImportedNetwork;
  readonly loadBalancer: OriginLoadBalancer;
  /** The environment's alarm topic (worker and job alarms notify it). */
  readonly alarmTopic: sns.ITopic;
}

/** One service of the environment as built: its construct and the parts the wiring needs. */
export type BuiltService =
  | { readonly resolved: ResolvedWebService; readonly construct: WebService; readonly isDefault: boolean }
  | { readonly resolved: ResolvedBackendService; readonly construct: BackendService }
  | { readonly resolved: ResolvedWorkerService; readonly construct: WorkerService }
  | { readonly resolved: ResolvedJobService; readonly construct: ScheduledJob };

/** The inputs of one service's construct. */
export interface ServiceInputs {
  readonly image: ServiceImage;
  readonly settings: ContainerSettings;
  readonly isDefault: boolean;
}

/** The tasks' security group, task definition and container: the same on every type. */
export function partsOf(built: BuiltService): {
  securityGroup: ec2.ISecurityGroup;
  taskDefinition: ecs.FargateTaskDefinition;
  container: ecs.ContainerDefinition;
} {
  const c = built.construct;
  return { securityGroup: c.securityGroup, taskDefinition: c.taskDefinition, container: c.container };
}

/** Settings every type passes its construct the same way. */
function common(ctx: BuildContext, service: ResolvedService, inputs: ServiceInputs) {
  const { env, network } = ctx;
  return {
    cluster: ctx.cluster,
    subnets: network.workloadSubnets,
    assignPublicIp: network.assignPublicIp,
    image: inputs.image.image,
    command: service.command,
    user: service.user,
    cpu: service.cpu,
    memoryMiB: service.memoryMiB,
    environment: inputs.settings.environment,
    secrets: inputs.settings.secrets,
    capacity: capacityProviderStrategy(service.capacity),
    logRetentionDays: env.service.logRetentionDays,
    logRemovalPolicy: env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logGroupName: serviceLogGroupName(env.app.name, env.name, service.name, inputs.isDefault),
  };
}

/** The environment's strategy, for the services that shift traffic (web and backend). */
function deployment(env: ResolvedEnvironment) {
  return {
    strategy: env.deploy.strategy,
    stepPercent: env.deploy.stepPercent,
    stepBakeMinutes: env.deploy.stepBakeMinutes,
    bakeMinutes: env.deploy.bakeMinutes,
    healthCheckIntervalSeconds: env.deploy.healthCheckIntervalSeconds,
    healthyThresholdCount: env.deploy.healthyThresholdCount,
    earlySuccess: env.deploy.earlySuccess,
  };
}

/** A web service on the shared load balancer: its route at `priority` (the default: the catch-all at 1000). */
export function buildWeb(
  ctx: BuildContext,
  service: ResolvedWebService,
  inputs: ServiceInputs,
  priority: number | undefined,
): BuiltService {
  const { env } = ctx;
  const construct = new WebService(ctx.scope, serviceConstructId(service.name, inputs.isDefault), {
    ...common(ctx, service, inputs),
    port: service.port,
    healthPath: service.healthPath,
    healthCheck: service.healthCheck,
    minTasks: service.minTasks,
    maxTasks: service.maxTasks,
    scaleOnCpuPercent: service.scaling.cpuPercent,
    scaleOnMemoryPercent: service.scaling.memoryPercent,
    scaleOnRequestsPerTarget: service.scaling.requestsPerTarget,
    productionListener: ctx.loadBalancer.productionListener,
    testListener: ctx.loadBalancer.testListener,
    route: service.route,
    rulePriority: priority,
    deregistrationDelaySeconds: env.service.deregistrationDelaySeconds,
    shutdownSeconds: service.shutdownSeconds,
    // Every environment is HTTPS behind CloudFront: HSTS everywhere.
    hstsMaxAgeSeconds: service.hstsMaxAgeSeconds,
    deployment: deployment(env),
    runWhen: inputs.image.hasImage,
    discovery: { namespace: ctx.network.namespace, name: service.discoveryName },
  });
  return { resolved: service, construct, isDefault: inputs.isDefault };
}

/** A backend service, a Service Connect server at `<service>.<env>.internal:<port>`. */
export function buildBackend(
  ctx: BuildContext,
  service: ResolvedBackendService,
  inputs: ServiceInputs,
): BuiltService {
  const construct = new BackendService(ctx.scope, serviceConstructId(service.name, false), {
    ...common(ctx, service, inputs),
    port: service.port,
    healthPath: service.healthPath,
    healthCheck: service.healthCheck,
    minTasks: service.minTasks,
    maxTasks: service.maxTasks,
    scaleOnCpuPercent: service.scaling.cpuPercent,
    scaleOnMemoryPercent: service.scaling.memoryPercent,
    shutdownSeconds: service.shutdownSeconds,
    namespace: ctx.network.namespace,
    discoveryName: service.discoveryName,
    dnsName: service.dnsName,
    deployment: deployment(ctx.env),
    runWhen: inputs.image.hasImage,
  });
  return { resolved: service, construct };
}

/** A queue worker with its queue, dead-letter queue, alarms and backlog scaling. */
export function buildWorker(
  ctx: BuildContext,
  service: ResolvedWorkerService,
  inputs: ServiceInputs,
): BuiltService {
  const construct = new WorkerService(ctx.scope, serviceConstructId(service.name, false), {
    ...common(ctx, service, inputs),
    name: service.name,
    alarmPrefix: ctx.env.prefix,
    minTasks: service.minTasks,
    maxTasks: service.maxTasks,
    messagesPerTask: service.scaling.messagesPerTask,
    queue: {
      visibilityTimeoutSeconds: service.queue.visibilityTimeoutSeconds,
      retentionDays: service.queue.retentionDays,
      maxReceiveCount: service.queue.maxReceiveCount,
      // Named so the dead-letter queue's redrive policy can admit it (and the CLI find it).
      queueName: `${ctx.env.prefix}-${service.name}`,
    },
    alarmTopic: ctx.alarmTopic,
    runWhen: inputs.image.hasImage,
  });
  return { resolved: service, construct };
}

/** A scheduled job: Scheduler → Step Functions → ECS RunTask. */
export function buildJob(
  ctx: BuildContext,
  service: ResolvedJobService,
  inputs: ServiceInputs,
): BuiltService {
  const construct = new ScheduledJob(ctx.scope, serviceConstructId(service.name, false), {
    ...common(ctx, service, inputs),
    name: service.name,
    alarmPrefix: ctx.env.prefix,
    schedule: service.schedule,
    timeoutMinutes: service.timeoutMinutes,
    retries: service.retries,
    enabled: service.enabled,
    alarmTopic: ctx.alarmTopic,
  });
  return { resolved: service, construct };
}
