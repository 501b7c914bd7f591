import type { ResolvedEnvironment } from '@slipway/config';
import {
  jobOutputName,
  jobParameters,
  OUTPUTS,
  PARAMETERS,
  serviceParameters,
} from '@slipway/config/contract';
import { CfnOutput, type Stack } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type { EdgeDistribution } from '../../constructs/edge/index.ts';
import type { ScheduledJob } from '../../constructs/job/index.ts';
import { writeParameter } from '../../constructs/parameters/index.ts';
import type { OriginLoadBalancer } from '../../constructs/service/origin-load-balancer.ts';
import type { WebService } from '../../constructs/service/web-service.ts';
import type { WorkerService } from '../../constructs/worker/index.ts';
import type { BuiltService } from './build.ts';

type Write = (key: string, value: string, description: string) => void;

/** The environment-wide parameters and those of the default web service under their first keys. */
export function writeEnvironmentParameters(
  stack: Stack,
  env: ResolvedEnvironment,
  parts: {
    cluster: ecs.Cluster;
    loadBalancer: OriginLoadBalancer;
    edge: EdgeDistribution;
    web: WebService;
  },
): void {
  const write: Write = (key, value, description) => writeParameter(stack, env, key, value, description);
  const { cluster, loadBalancer, edge, web } = parts;
  const lb = loadBalancer.loadBalancer;
  write(PARAMETERS.clusterName, cluster.clusterName, 'ECS cluster name');
  write(PARAMETERS.serviceName, web.service.serviceName, 'ECS service name');
  write(PARAMETERS.serviceArn, web.service.serviceArn, 'ECS service ARN');
  write(PARAMETERS.loadBalancerArn, lb.loadBalancerArn, 'Load balancer ARN');
  write(PARAMETERS.loadBalancerDns, lb.loadBalancerDnsName, 'Load balancer DNS name');
  write(
    PARAMETERS.loadBalancerFullName,
    lb.loadBalancerFullName,
    'Load balancer full name (metrics dimension)',
  );
  write(PARAMETERS.listenerArn, loadBalancer.productionListener.listenerArn, 'Production listener ARN');
  write(
    PARAMETERS.loadBalancerSecurityGroupId,
    loadBalancer.securityGroup.securityGroupId,
    'ALB security group',
  );
  write(PARAMETERS.serviceSecurityGroupId, web.securityGroup.securityGroupId, 'Service security group');
  write(PARAMETERS.logGroupName, web.logGroup.logGroupName, 'Service log group');
  write(PARAMETERS.url, edge.url, 'HTTPS URL of the service (CloudFront)');
  write(PARAMETERS.distributionId, edge.distribution.distributionId, 'CloudFront distribution id');
  new CfnOutput(stack, OUTPUTS.url, { value: edge.url, description: 'HTTPS URL of the service' });
  // Metrics dimensions for the observability layer's dashboards and alarms.
  write(
    PARAMETERS.blueTargetGroupFullName,
    web.blueTargetGroup.targetGroupFullName,
    'Blue target group full name (metrics dimension)',
  );
  write(
    PARAMETERS.greenTargetGroupFullName,
    web.greenTargetGroup.targetGroupFullName,
    'Green target group full name (metrics dimension)',
  );
}

/**
 * Every service's parameters under `services/<name>/`: what the CLI and the observability layer
 * read per service. A job also writes `jobs/<name>/…` and a stack output with its state machine.
 */
export function writeServiceParameters(stack: Stack, env: ResolvedEnvironment, built: BuiltService): void {
  const name = built.resolved.name;
  const write: Write = (key, value, description) =>
    writeParameter(stack, env, key, value, `${name}: ${description}`);
  const keys = serviceParameters(name);
  const c = built.construct;
  write(keys.logGroupName, c.logGroup.logGroupName, 'container log group');
  write(keys.securityGroupId, c.securityGroup.securityGroupId, 'tasks security group');
  if (built.resolved.type === 'job') {
    const job = built.construct as ScheduledJob;
    const jobKeys = jobParameters(name);
    write(jobKeys.stateMachineArn, job.stateMachine.stateMachineArn, 'state machine that runs the job');
    write(jobKeys.taskDefinitionFamily, job.taskDefinition.family, 'task definition family');
    new CfnOutput(stack, jobOutputName(name), {
      value: job.stateMachine.stateMachineArn,
      description: `State machine of job ${name} (slipway run ${env.name} ${name} starts it)`,
    });
    return;
  }
  const service = (c as { service: ecs.FargateService }).service;
  write(keys.serviceName, service.serviceName, 'ECS service name');
  write(keys.serviceArn, service.serviceArn, 'ECS service ARN');
  if (built.resolved.type === 'web') {
    const web = built.construct as WebService;
    write(
      keys.blueTargetGroupFullName,
      web.blueTargetGroup.targetGroupFullName,
      'blue target group (metrics dimension)',
    );
    write(
      keys.greenTargetGroupFullName,
      web.greenTargetGroup.targetGroupFullName,
      'green target group (metrics dimension)',
    );
  }
  if (built.resolved.type === 'worker') {
    const worker = built.construct as WorkerService;
    write(keys.queueUrl, worker.queue.queueUrl, 'queue URL');
    write(keys.queueName, worker.queue.queueName, 'queue name (metrics dimension)');
    write(
      keys.deadLetterQueueName,
      worker.deadLetterQueue.queueName,
      'dead-letter queue name (metrics dimension)',
    );
  }
}
