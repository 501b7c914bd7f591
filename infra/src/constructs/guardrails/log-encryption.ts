import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { denyGrantsOutsideAwsServices } from './index.ts';

/** The construct id of the key `encryptLogGroups` adds to a stack. */
export const LOGS_KEY_ID = 'LogsKey';

/**
 * Encrypts every log group of the stack with one customer-managed key of the stack (control
 * CT.CLOUDWATCH.PR.3), including the ones CDK adds for its own functions. The key lets CloudWatch
 * Logs of the stack's region use it for this account's log groups only, is rotated yearly and
 * costs $1 a month. Run after the stack is built (it looks at what is there). Returns the key, or
 * undefined when the stack has no log group.
 * @param removalPolicy what happens to the key when the stack goes: logs encrypted with a deleted
 *   key can no longer be read, so keep it wherever the logs matter.
 */
export function encryptLogGroups(stack: Stack, removalPolicy: RemovalPolicy): kms.Key | undefined {
  const groups: logs.CfnLogGroup[] = [];
  const visit = (c: IConstruct) => {
    if (c instanceof logs.CfnLogGroup && Stack.of(c) === stack) groups.push(c);
    for (const child of c.node.children) visit(child);
  };
  visit(stack);
  if (groups.length === 0) return undefined;
  const key = new kms.Key(stack, LOGS_KEY_ID, {
    description: `Encrypts the CloudWatch Logs log groups of ${stack.stackName}`,
    enableKeyRotation: true,
    removalPolicy,
  });
  allowCloudWatchLogs(key, stack);
  denyGrantsOutsideAwsServices(key);
  for (const group of groups) {
    group.kmsKeyId = key.keyArn;
    // The key policy must exist before CloudWatch Logs is asked to use the key.
    group.node.addDependency(key);
  }
  return key;
}

/** The removal policy of a logs key: kept for a protected environment, else deleted with the stack. */
export function logsKeyRemoval(protectedEnvironment: boolean): RemovalPolicy {
  return protectedEnvironment ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
}

/**
 * Lets CloudWatch Logs of the stack's region use `key` for this account's log groups only (the
 * encryption context names the log group), which a log group encrypted with the key needs.
 */
export function allowCloudWatchLogs(key: kms.Key, stack: Stack): void {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'CloudWatchLogsEncrypt',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}
