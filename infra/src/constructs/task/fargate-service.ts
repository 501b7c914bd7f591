import { Duration } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { type CapacityShare, capacityProviderStrategies } from './app-task.ts';

// What every long-running Slipway service (web, backend, worker) sets the same way on its
// FargateService, and the deployment and scaling settings the web and backend services share.

export interface ServiceBase {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly subnets: ec2.SubnetSelection;
  readonly assignPublicIp?: boolean;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly capacity?: readonly CapacityShare[];
}

/**
 * Placement, capacity, and the safety every service has: a new revision starts beside the old one
 * (100/200 %), the circuit breaker rolls back a revision whose tasks do not start, ECS Exec is on,
 * and the service's tags reach its tasks.
 */
export function serviceBaseProps(base: ServiceBase) {
  return {
    cluster: base.cluster,
    taskDefinition: base.taskDefinition,
    vpcSubnets: base.subnets,
    assignPublicIp: base.assignPublicIp ?? false,
    securityGroups: [base.securityGroup],
    capacityProviderStrategies: capacityProviderStrategies(base.capacity),
    minHealthyPercent: 100,
    maxHealthyPercent: 200,
    circuitBreaker: { enable: true, rollback: true },
    enableExecuteCommand: true,
    propagateTags: ecs.PropagatedTagSource.SERVICE,
    enableECSManagedTags: true,
  } satisfies ecs.FargateServiceProps;
}

/** How a service's revisions replace each other (the web and backend services' `deployment` prop). */
export interface DeploymentSettings {
  readonly strategy?: 'rolling' | 'blue-green' | 'canary' | 'linear';
  readonly stepPercent?: number;
  readonly stepBakeMinutes?: number;
  readonly bakeMinutes?: number;
  /** Rolling only: ECS early success criteria (see {@link applyEarlySuccess}). */
  readonly earlySuccess?: boolean;
}

const STRATEGIES = {
  rolling: ecs.DeploymentStrategy.ROLLING,
  'blue-green': ecs.DeploymentStrategy.BLUE_GREEN,
  canary: ecs.DeploymentStrategy.CANARY,
  linear: ecs.DeploymentStrategy.LINEAR,
} as const;

/**
 * The ECS deployment strategy with its bake time (ECS-native strategies only) and, for canary and
 * linear, the step: 10 % and 5 minutes unless set.
 */
export function deploymentProps(deployment: DeploymentSettings = {}) {
  const strategy = deployment.strategy ?? 'rolling';
  const step = {
    stepPercent: deployment.stepPercent ?? 10,
    stepBakeTime: Duration.minutes(deployment.stepBakeMinutes ?? 5),
  };
  return {
    deploymentStrategy: STRATEGIES[strategy],
    bakeTime: strategy === 'rolling' ? undefined : Duration.minutes(deployment.bakeMinutes ?? 0),
    canaryConfiguration: strategy === 'canary' ? step : undefined,
    linearConfiguration: strategy === 'linear' ? step : undefined,
  } satisfies Partial<ecs.FargateServiceProps>;
}

/**
 * Rolling deployments with early success: ECS completes the deployment (and CloudFormation the
 * service update) once 100 % of the desired new tasks are healthy and the alarm bake time is over,
 * then drains and stops the old tasks in the background (`SourceServiceRevisionCleanup: DEFERRED`).
 * The circuit breaker and the rollback alarms guard the deployment until then, which is the whole
 * time new tasks start and take traffic; the old tasks only leave after it.
 *
 * `DeploymentConfiguration.EarlySuccessCriteria` exists in CloudFormation and in CDK's L1
 * (`CfnService.DeploymentEarlySuccessCriteriaProperty`, aws-cdk-lib 2.276.0) but not in the L2
 * `FargateService` props, hence the property override. ECS accepts it only for `ROLLING`.
 */
export function applyEarlySuccess(service: ecs.FargateService, deployment: DeploymentSettings): void {
  if ((deployment.strategy ?? 'rolling') !== 'rolling' || !deployment.earlySuccess) return;
  const criteria = {
    enable: true,
    // At least minHealthyPercent (100): every desired task of the new revision.
    healthyPercent: 100,
    sourceServiceRevisionCleanup: 'DEFERRED',
  } satisfies ecs.CfnService.DeploymentEarlySuccessCriteriaProperty;
  const cfn = service.node.defaultChild as ecs.CfnService;
  // cfn-lint 1.51's bundled resource schemas predate EarlySuccessCriteria (CloudFormation and
  // aws-cdk-lib 2.276.0 have it) and report it as an unknown property (E3002); this resource only.
  cfn.addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
  cfn.addPropertyOverride('DeploymentConfiguration.EarlySuccessCriteria', {
    Enable: criteria.enable,
    HealthyPercent: criteria.healthyPercent,
    SourceServiceRevisionCleanup: criteria.sourceServiceRevisionCleanup,
  });
}

/** Target tracking on CPU and memory (70 % and 80 % unless set), quick out and slow in. */
export function scaleOnCpuAndMemory(
  scaling: ecs.ScalableTaskCount,
  targets: { readonly cpuPercent?: number; readonly memoryPercent?: number },
): void {
  scaling.scaleOnCpuUtilization('Cpu', {
    targetUtilizationPercent: targets.cpuPercent ?? 70,
    scaleInCooldown: Duration.seconds(120),
    scaleOutCooldown: Duration.seconds(60),
  });
  scaling.scaleOnMemoryUtilization('Memory', {
    targetUtilizationPercent: targets.memoryPercent ?? 80,
    scaleInCooldown: Duration.seconds(120),
    scaleOutCooldown: Duration.seconds(60),
  });
}
