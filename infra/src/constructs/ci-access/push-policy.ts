import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../policy/index.ts';
import type { CiAccessRegistry } from './props.ts';

/** The repository's ARN. */
function repositoryArn(registry: CiAccessRegistry): string {
  return `arn:${Aws.PARTITION}:ecr:${registry.region}:${registry.account}:repository/${registry.repositoryName}`;
}

/** Moving `deployed-<env>` and `rollback-<env>` tags: the deploy role in the registry account, or the push role. */
export function tagImagesStatement(registry: CiAccessRegistry): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'TagImagesAfterDeploy',
    actions: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
    resources: [repositoryArn(registry)],
  });
}

/** The push role's rights: push images to the one repository and log in to the registry. */
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
      resources: [repositoryArn(registry)],
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
    'ecr:GetAuthorizationToken has no resource-level permissions; every push and tag action is scoped to the one repository.',
  );
}
