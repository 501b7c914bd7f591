/**
 * Lambda entry point of the smoke hook (wire with NodejsFunction: entry this file, handler
 * `handler`; register it as an ECS deployment lifecycle hook at POST_TEST_TRAFFIC_SHIFT; run it in
 * the service's VPC with a security group the test listener admits). Configuration is validated
 * once, at cold start; the SDK clients are created here and reused.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { stdoutLogger } from '../shared/log.ts';
import { createEcsTaskDefinitionReader } from '../shared/target-container.ts';
import { loadSmokeHookConfig } from './config.ts';
import { createLoadBalancerAddresses } from './discovery.ts';
import { createHandler } from './handler.ts';

const config = loadSmokeHookConfig(process.env);
const ecs = new ECSClient({});
const ec2 = new EC2Client({});

export const handler = createHandler({
  config,
  taskDefinitions: createEcsTaskDefinitionReader(ecs),
  addresses: createLoadBalancerAddresses(ec2, config.loadBalancerFullName),
  now: () => new Date(),
  log: stdoutLogger,
});
