import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../policy/index.ts';
import type { CiAccessRegistry } from './props.ts';

/** The ARNs of exactly the app's repositories. */
function repositoryArns(registry: CiAccessRegistry): string[] {
  return registry.repositoryNames.map(
    (name) => `arn:${Aws.PARTITION}:ecr:${registry.region}:${registry.account}:repository/${name}`,
  );
}

/** Moving `deployed-<env>` and `rollback-<env>` tags in every repository: the deploy role in the registry account, or the push role. */
export function tagImagesStatement(registry: CiAccessRegistry): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'TagImagesAfterDeploy',
    actions: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
    resources: repositoryArns(registry),
  });
}

/**
 * With replicated images, reading the copies of the app's repositories in the deploy role's own
 * account, in each target region other than the registry's place: `slipway deploy` waits there
 * until a release has arrived before it moves the release parameter.
 */
export function grantReadReplicas(
  role: iam.Role,
  registry: CiAccessRegistry,
  account: string,
  regions: readonly string[],
): void {
  if (!registry.replicated) return;
  const replicaRegions = [...new Set(regions)].filter(
    (region) => !(account === registry.account && region === registry.region),
  );
  if (replicaRegions.length === 0) return;
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadReplicatedImages',
      actions: ['ecr:DescribeImages'],
      resources: replicaRegions.flatMap((region) =>
        registry.repositoryNames.map(
          (name) => `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${name}`,
        ),
      ),
    }),
  );
}

/** The push role's rights: push images to the app's repositories and log in to the registry. */
export function grantPush(role: iam.Role, registry: CiAccessRegistry): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'PushImages',
      actions: [
        'ecr:BatchCheckLayerAvailability',
        'ecr:BatchGetImage',
        'ecr:CompleteLayerUpload',
        'ecr:DescribeImages',
        'ecr:GetDownloadUrlForLayer',
        'ecr:InitiateLayerUpload',
        'ecr:PutImage',
        'ecr:UploadLayerPart',
      ],
      resources: repositoryArns(registry),
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'RegistryLogin',
      actions: ['ecr:GetAuthorizationToken'],
      resources: ['*'],
    }),
  );
  acknowledge(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'ecr:GetAuthorizationToken has no resource-level permissions; every push and tag action is scoped to the repositories of the app.',
  );
}
