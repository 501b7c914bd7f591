import { PREVIEW_NAME_GLOB } from '@slipway/config/contract';
import * as iam from 'aws-cdk-lib/aws-iam';
import { type AccountArns, type DeployTarget, unique } from './arns.ts';

/**
 * `slipway destroy <env> --allow-protected` (the destroy workflow, behind its approval) switches
 * off termination protection on the environment's stacks and deletion protection on its
 * database before deleting them. Both are scoped to the environment: the stacks by name prefix,
 * the database by the tag CloudFormation puts on it (its data stack). Previews own neither.
 * @returns the wildcard ARNs (as cdk-nag prints them) for the acknowledgement.
 */
export function grantUnprotect(
  role: iam.Role,
  arns: AccountArns,
  targets: DeployTarget[],
  stacks: string[],
): string[] {
  const owned = targets.filter((t) => !t.prefix.includes('*'));
  if (owned.length === 0) return [];
  const regions = unique(owned.map((t) => t.region));
  const databases = (partition?: string) => regions.map((r) => arns.arn('rds', r, 'db:*', partition));
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'UnprotectEnvironmentStacksForDestroy',
      actions: ['cloudformation:UpdateTerminationProtection'],
      resources: stacks.filter((arn) => !arn.includes(`-${PREVIEW_NAME_GLOB}`)),
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'UnprotectEnvironmentDatabaseForDestroy',
      actions: ['rds:ModifyDBInstance', 'rds:DescribeDBInstances'],
      resources: databases(),
      conditions: {
        StringEquals: {
          'aws:ResourceTag/aws:cloudformation:stack-name': owned.map((t) => `${t.prefix}-data`),
        },
      },
    }),
  );
  return databases('<AWS::Partition>');
}
