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
