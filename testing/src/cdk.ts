import type { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';

/** Where construct tests put their tasks: the isolated subnets of `isolatedCluster`'s VPC. */
export const TASK_SUBNETS: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

/**
 * A two-zone VPC of isolated subnets only (no NAT, nothing to price or lint beyond what the test
 * looks at) and a Fargate cluster in it, for the tests of one service construct.
 */
export function isolatedCluster(
  stack: Stack,
  options: { readonly containerInsights?: boolean } = {},
): { vpc: ec2.Vpc; cluster: ecs.Cluster } {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    restrictDefaultSecurityGroup: false,
    subnetConfiguration: [{ name: 'Tasks', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const cluster = new ecs.Cluster(stack, 'Cluster', {
    vpc,
    enableFargateCapacityProviders: true,
    containerInsightsV2: options.containerInsights === false ? undefined : ecs.ContainerInsights.ENABLED,
  });
  return { vpc, cluster };
}
