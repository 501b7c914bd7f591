import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../policy/index.ts';
import type { AccountArns } from './arns.ts';
import { DRIFT_READ_ACTIONS } from './drift-read-actions.ts';

/**
 * The plan role's rights: assume the CDK lookup role, read the app's stacks and parameters, and
 * run CloudFormation drift detection (which reads each resource with the caller's rights).
 */
export function grantPlan(role: iam.Role, arns: AccountArns, app: string, regions: string[]): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'AssumeCdkLookupRole',
      actions: ['sts:AssumeRole', 'sts:TagSession'],
      resources: arns.bootstrapRoles(['lookup'], regions),
    }),
  );
  const stacks = (partition?: string) =>
    regions.map((r) => arns.arn('cloudformation', r, `stack/${app}-*/*`, partition));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadAndDriftCheckAppStacks',
      actions: [
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'cloudformation:DescribeStackResource',
        'cloudformation:DescribeStackResources',
        'cloudformation:ListStackResources',
        'cloudformation:GetTemplate',
        'cloudformation:GetTemplateSummary',
        'cloudformation:DetectStackDrift',
        'cloudformation:DetectStackResourceDrift',
        'cloudformation:DescribeStackResourceDrifts',
      ],
      resources: stacks(),
    }),
  );
  const parameters = (partition?: string) =>
    regions.map((r) => arns.arn('ssm', r, `parameter/${app}/*`, partition));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'ReadAppParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: parameters(),
    }),
  );
  // Drift detection reads every resource with the caller's rights. These describe/get calls
  // cover the resource types Slipway's stacks create; IAM offers most of them only on "*".
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'DescribeResourcesForDriftDetection',
      actions: DRIFT_READ_ACTIONS,
      resources: ['*'],
    }),
  );
  for (const arn of [...stacks('<AWS::Partition>'), ...parameters('<AWS::Partition>')]) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::${arn}]`,
      `Read-only access to this app's own stacks and parameters (prefix ${app}-, path /${app}/), for diff and drift detection.`,
    );
  }
  acknowledge(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'CloudFormation drift detection reads each resource with the caller rights; these read-only describe APIs have no resource-level permissions.',
  );
  for (const action of DRIFT_READ_ACTIONS.filter((a) => a.includes('*'))) {
    acknowledge(
      role,
      `AwsSolutions-IAM5[Action::${action}]`,
      'A read-only describe/list family needed by drift detection; none of these actions changes or reads data.',
    );
  }
}
