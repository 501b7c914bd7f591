import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';

// Small shapes that AWS Control Tower's proactive controls ask of a resource, applied where the
// resource is created (docs/infrastructure.md, "Control Tower proactive controls").

/**
 * Denies `kms:CreateGrant` on the key to everyone but AWS services acting for an AWS resource
 * (control CT.KMS.PR.3). Grants are how an AWS service (EBS, RDS, Lambda) borrows a key for a
 * resource; no person or role of Slipway's creates one, so a grant made otherwise would be a way
 * around the key policy. The statement must have exactly this shape for the control to accept it.
 */
export function denyGrantsOutsideAwsServices(key: kms.IKey) {
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'DenyGrantsOutsideAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    }),
  );
}

/**
 * Sends the bucket's object events to the account's default EventBridge bus (control CT.S3.PR.4),
 * so a rule can act on a deleted or overwritten log file. Set on the CloudFormation resource: the
 * L2 `eventBridgeEnabled` adds a notifications custom resource (a Lambda function) for the same
 * thing. AWS service events on the default bus cost nothing.
 */
export function sendEventsToEventBridge(bucket: s3.IBucket) {
  const cfn = bucket.node.defaultChild as s3.CfnBucket;
  cfn.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
