import { ciRoleArn } from '@slipway/config/contract';
import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../policy/index.ts';
import { type AccountArns, type DeployTarget, unique } from './arns.ts';
import { grantOfficeHoursStart } from './office-hours-policy.ts';
import type { CiAccessProps } from './props.ts';
import { grantReadReplicas, tagImagesStatement } from './push-policy.ts';
import { grantReleaseRecords } from './release-records-policy.ts';
import { grantUnprotect } from './unprotect-policy.ts';

/** The ARNs one environment's deploy role may reach, one per target for each kind. */
type DeployArns = ReturnType<typeof deployArns>;

/**
 * The ARNs of the targets' parameters, stacks, ECS resources and logs. Built twice: with the
 * partition token for the policy, and as cdk-nag prints it (pass `partition`) for the
 * acknowledgement of the (intended, prefix-scoped) wildcards.
 */
function deployArns(arns: AccountArns, app: string, targets: DeployTarget[], partition?: string) {
  const per = (f: (t: DeployTarget) => [string, string]) =>
    targets.map((t) => {
      const [service, resource] = f(t);
      return arns.arn(service, t.region, resource, partition);
    });
  const path = (t: DeployTarget) => `${app}/${t.name}`;
  return {
    readParameters: per((t) => ['ssm', `parameter/${path(t)}/*`]),
    parameterPaths: per((t) => ['ssm', `parameter/${path(t)}`]),
    releaseParameters: per((t) => ['ssm', `parameter/${path(t)}/release/*`]),
    stacks: per((t) => ['cloudformation', `stack/${t.prefix}-*/*`]),
    services: per((t) => ['ecs', `service/${t.prefix}/*`]),
    deployments: per((t) => ['ecs', `service-deployment/${t.prefix}/*`]),
    revisions: per((t) => ['ecs', `service-revision/${t.prefix}/*`]),
    tasks: per((t) => ['ecs', `task/${t.prefix}/*`]),
    clusters: per((t) => ['ecs', `cluster/${t.prefix}`]),
    logs: per((t) => ['logs', `log-group:/${path(t)}/*`]),
  };
}

/**
 * The deploy role's rights: assume the CDK bootstrap roles (which deploy), and the few direct
 * calls `slipway deploy` makes, each scoped to the targets.
 */
export function grantDeploy(
  role: iam.Role,
  arns: AccountArns,
  regions: string[],
  targets: DeployTarget[],
  props: CiAccessProps,
): void {
  const app = props.appName;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeCdkBootstrapRoles',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: arns.bootstrapRoles(['deploy', 'file-publishing', 'image-publishing', 'lookup'], regions),
    }),
  );
  const r = deployArns(arns, app, targets);
  grantReadParametersAndStacks(role, r);
  grantWatchDeployments(role, r);
  grantTagImages(role, props);
  grantReleaseRecords(role, arns, app, targets);
  grantReadReplicas(
    role,
    props.registry,
    arns.account,
    targets.map((t) => t.region),
  );

  const officeHoursWildcards = grantOfficeHoursStart(role, arns, targets);
  const unprotectWildcards = grantUnprotect(role, arns, targets, r.stacks);

  const printed = deployArns(arns, app, targets, '<AWS::Partition>');
  const wildcards = [
    ...printed.readParameters,
    ...printed.releaseParameters,
    ...printed.stacks,
    ...printed.services,
    ...printed.deployments,
    ...printed.revisions,
    ...printed.tasks,
    ...printed.logs,
    ...printed.parameterPaths.filter((a) => a.includes('*')),
    ...printed.clusters.filter((a) => a.includes('*')),
    ...officeHoursWildcards,
    ...unprotectWildcards,
  ];
  for (const arn of unique(wildcards)) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${arn}]`,
      'Scoped to one environment of this app (or its pr-* previews): the ids below the prefix are created at deploy time.',
    );
  }
  acknowledge(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'DescribeTaskDefinition, the load balancer describes, ListTasks (conditioned on the cluster) and, for office hours, DescribeInstances, the Application Auto Scaling describes and RegisterScalableTarget (conditioned on ECS desired count) have no resource-level permissions.',
  );
}

function grantReadParametersAndStacks(role: iam.Role, r: DeployArns): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadEnvironmentParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: [...r.readParameters, ...r.parameterPaths],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WriteReleaseParameter',
      actions: ['ssm:PutParameter'],
      resources: r.releaseParameters,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadEnvironmentStacks',
      actions: [
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResources',
        'cloudformation:ListStackResources',
        'cloudformation:GetTemplate',
      ],
      resources: r.stacks,
    }),
  );
}

function grantWatchDeployments(role: iam.Role, r: DeployArns): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'WatchEcsDeployments',
      actions: [
        'ecs:DescribeServices',
        'ecs:ListServiceDeployments',
        'ecs:DescribeServiceDeployments',
        'ecs:DescribeServiceRevisions',
        'ecs:DescribeTasks',
        'ecs:DescribeClusters',
      ],
      resources: [...r.services, ...r.deployments, ...r.revisions, ...r.tasks, ...r.clusters],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ListEnvironmentTasks',
      actions: ['ecs:ListTasks'],
      resources: ['*'],
      conditions: { ArnLike: { 'ecs:cluster': r.clusters } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadEnvironmentLogs',
      actions: ['logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:DescribeLogStreams'],
      resources: r.logs,
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DescribeTaskDefinitionsAndTargets',
      actions: [
        'ecs:DescribeTaskDefinition',
        'elasticloadbalancing:DescribeLoadBalancers',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeRules',
        'elasticloadbalancing:DescribeTargetGroups',
        'elasticloadbalancing:DescribeTargetHealth',
      ],
      resources: ['*'],
    }),
  );
}

/** Tag images after a deploy: directly in the registry account, else through its push role. */
function grantTagImages(role: iam.Role, props: CiAccessProps): void {
  const registry = props.registry;
  if (props.push) {
    // This is the registry account: tag images directly.
    role.addToPolicy(tagImagesStatement(registry));
  } else {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeRegistryPushRoleToTagImages',
        actions: ['sts:AssumeRole'],
        resources: [ciRoleArn(registry.account, props.appName, 'push', Aws.PARTITION)],
      }),
    );
  }
}
