import { AUDIT_LOG_GROUP, AUDIT_LOG_STREAM, LOCK_PARAMETER } from '@slipway/config/contract';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../../policy/index.ts';
import type { AccountArns, DeployTarget } from './arns.ts';

/**
 * The release lock and audit log of `slipway deploy`, `rollback` and `destroy`, which the CLI
 * creates on first use (no stack owns them, so they exist before the first deploy and outlive a
 * destroy): create and delete the lock parameter, create the audit log group with its retention
 * and its one stream, and append to that stream. Each scoped to the exact names of the role's
 * environments (`pr-*` for the previews). Reading both is already in the read statements (the
 * environment's parameters and log groups).
 */
export function grantReleaseRecords(
  role: iam.Role,
  arns: AccountArns,
  app: string,
  targets: DeployTarget[],
): void {
  const lock = (partition?: string) =>
    targets.map((t) => arns.arn('ssm', t.region, `parameter/${app}/${t.name}/${LOCK_PARAMETER}`, partition));
  const groups = (partition?: string) =>
    targets.flatMap((t) => {
      const group = arns.arn('logs', t.region, `log-group:/${app}/${t.name}/${AUDIT_LOG_GROUP}`, partition);
      // IAM matches a log group both as `log-group:<name>` and, as DescribeLogGroups reports it, `:*`.
      return [group, `${group}:*`];
    });
  const streams = (partition?: string) =>
    targets.map((t) =>
      arns.arn(
        'logs',
        t.region,
        `log-group:/${app}/${t.name}/${AUDIT_LOG_GROUP}:log-stream:${AUDIT_LOG_STREAM}`,
        partition,
      ),
    );
  // Its own managed policy: the role's inline policy is near IAM's size limit, and CDK would
  // otherwise move statements of it to an unnamed overflow policy.
  const policy = new iam.ManagedPolicy(role, 'ReleaseRecords', {
    description: 'slipway deploy, rollback and destroy: the release lock and audit log of the environments',
    statements: [
      new iam.PolicyStatement({
        sid: 'HoldReleaseLock',
        actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
        resources: lock(),
      }),
      new iam.PolicyStatement({
        sid: 'CreateReleaseAuditLog',
        actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:CreateLogStream'],
        resources: groups(),
      }),
      new iam.PolicyStatement({
        sid: 'WriteReleaseAuditLog',
        actions: ['logs:PutLogEvents'],
        resources: streams(),
      }),
    ],
  });
  role.addManagedPolicy(policy);
  const printed = [
    ...lock('<AWS::Partition>'),
    ...groups('<AWS::Partition>'),
    ...streams('<AWS::Partition>'),
  ];
  for (const arn of printed.filter((a) => a.includes('*'))) {
    acknowledge(
      policy,
      `AwsSolutions-IAM5[Resource::${arn}]`,
      "The release lock and audit log of one environment of this app: `pr-*` stands for its previews, and a log group's `:*` is how IAM names the group itself and its streams.",
    );
  }
}
