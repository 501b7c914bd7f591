import type { ResolvedEnvironment } from '@slipway/config';

/**
 * The one naming function for stacks and cross-layer SSM parameters. Construct IDs and these
 * names are a contract from the first deploy on: renaming one replaces the resource.
 */
export type Layer = 'network' | 'data' | 'service' | 'observability';

/** Stacks deployed once per AWS account (in its home region), not per environment. */
export type AccountLayer = 'audit';

export function stackName(env: Pick<ResolvedEnvironment, 'prefix'>, layer: Layer): string {
  return `${env.prefix}-${layer}`;
}

/** An account-level stack: `<app>-<layer>-<account>`, e.g. `slipway-audit-111111111111`. */
export function accountStackName(appName: string, account: string, layer: AccountLayer): string {
  return `${appName}-${layer}-${account}`;
}

/**
 * The SSM parameters one layer writes and later layers (and the CLI) read, under `/<app>/<env>/`
 * (seed 002). Values are resolved by CloudFormation at deploy time, so no stack exports exist.
 */
export const PARAMETERS = {
  vpcId: 'network/vpc-id',
  vpcCidr: 'network/vpc-cidr',
  subnetId: (kind: SubnetKind, index: number) => `network/${kind}-subnet/${index}/id`,
  routeTableId: (kind: SubnetKind, index: number) => `network/${kind}-subnet/${index}/route-table-id`,
  namespaceId: 'network/namespace-id',
  namespaceName: 'network/namespace-name',
  namespaceArn: 'network/namespace-arn',
  /** The NAT instance (`nat: 'instance'` only): `slipway deploy` starts it outside office hours. */
  natInstanceId: 'network/nat-instance-id',
  /** The running image tag. Owned by the deployer (`slipway deploy`); CloudFormation only reads it. */
  imageTag: 'release/image-tag',
  dbEndpoint: 'data/db-endpoint',
  dbPort: 'data/db-port',
  dbSecretArn: 'data/db-secret-arn',
  dbSecurityGroupId: 'data/db-security-group-id',
  dbInstanceId: 'data/db-instance-id',
  clusterName: 'service/cluster-name',
  serviceName: 'service/service-name',
  serviceArn: 'service/service-arn',
  loadBalancerArn: 'service/load-balancer-arn',
  loadBalancerDns: 'service/load-balancer-dns',
  loadBalancerFullName: 'service/load-balancer-full-name',
  listenerArn: 'service/listener-arn',
  /** Metrics dimension `TargetGroup` of the blue and green target groups (`targetgroup/<name>/<id>`). */
  blueTargetGroupFullName: 'service/blue-target-group-full-name',
  greenTargetGroupFullName: 'service/green-target-group-full-name',
  loadBalancerSecurityGroupId: 'service/load-balancer-security-group-id',
  serviceSecurityGroupId: 'service/service-security-group-id',
  logGroupName: 'service/log-group-name',
  url: 'service/url',
  /** Written by the observability layer (the alarm pack's SNS topic). */
  alarmTopicArn: 'service/alarm-topic-arn',
} as const;

export type SubnetKind = 'public' | 'private' | 'isolated';

/** Full SSM parameter name for an environment, e.g. `/slipway/dev/network/vpc-id`. */
export function parameterName(env: Pick<ResolvedEnvironment, 'parameterPath'>, key: string): string {
  return `${env.parameterPath}/${key}`;
}
