/*
 * The SSM parameters one layer writes and later layers (and the CLI and the workflows) read,
 * under `/<app>/<env>/`. Values are resolved by CloudFormation at deploy time, so no stack
 * exports tie the layers together and each can be replaced on its own.
 */

export type SubnetKind = 'public' | 'private' | 'isolated';

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
  /** Grafana's own database credentials (JSON username/password), written where Grafana uses PostgreSQL. */
  grafanaDbSecretArn: 'data/grafana-db-secret-arn',
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
  /** The environment's HTTPS URL: `https://` plus its domain, or its CloudFront name without one. */
  url: 'service/url',
  /** The CloudFront distribution in front of the internal load balancer. */
  distributionId: 'service/distribution-id',
  /** Written by the observability layer (the alarm pack's SNS topic). */
  alarmTopicArn: 'service/alarm-topic-arn',
} as const;

/** The root of an environment's parameters: `/<app>/<env>`. */
export function parameterPath(appName: string, environment: string): string {
  return `/${appName}/${environment}`;
}

/** Full SSM parameter name for an environment, e.g. `/slipway/dev/network/vpc-id`. */
export function parameterName(env: { readonly parameterPath: string }, key: string): string {
  return `${env.parameterPath}/${key}`;
}

/** CloudFormation outputs of the service stack (for people reading the console; tools read SSM). */
export const OUTPUTS = {
  /** The environment's HTTPS URL (the same value as the `url` parameter). */
  url: 'Url',
} as const;
