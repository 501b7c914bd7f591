import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { denyGrantsOutsideAwsServices, sendEventsToEventBridge } from '../guardrails/index.ts';
import { allowCloudWatchLogs } from '../guardrails/log-encryption.ts';

export interface AuditTrailProps {
  /** Trail name, e.g. `slipway-audit`. */
  readonly trailName: string;
  /**
   * Days to keep trail log files in S3 (and the bucket's access logs).
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Days to keep the trail's copy in CloudWatch Logs.
   * @default 90
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the key, buckets and log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * One CloudTrail trail for the whole account: every region, global service events,
 * log file validation, encrypted with a customer managed KMS key (rotated yearly), delivered to an
 * S3 bucket that is private, TLS-only, versioned, expires objects after `retentionDays` and logs
 * its own access to a second bucket, and to CloudWatch Logs for queries and metric filters.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  readonly bucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  readonly key: kms.Key;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    const retentionDays = props.retentionDays ?? 365;
    const logRetentionDays = props.logRetentionDays ?? 90;
    for (const [key, value] of [
      ['retentionDays', retentionDays],
      ['logRetentionDays', logRetentionDays],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 1))
        throw new Error(`AuditTrail: ${key} must be a whole number of days ≥ 1, got ${value}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const stack = Stack.of(this);
    const trailArn = stack.formatArn({
      service: 'cloudtrail',
      resource: 'trail',
      resourceName: props.trailName,
    });

    this.key = this.createKey(props.trailName, trailArn, removalPolicy);
    const buckets = this.createBuckets(this.key, retentionDays, removalPolicy);
    this.accessLogsBucket = buckets.accessLogsBucket;
    this.bucket = buckets.bucket;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/${props.trailName}/cloudtrail`,
      retention: logRetentionDays,
      encryptionKey: this.key,
      removalPolicy,
    });

    this.trail = new cloudtrail.Trail(this, 'Trail', {
      trailName: props.trailName,
      bucket: this.bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
      managementEvents: cloudtrail.ReadWriteType.ALL,
    });
  }

  /** The key of the trail's files and log group, usable by CloudTrail for this trail only and by CloudWatch Logs. */
  private createKey(trailName: string, trailArn: string, removalPolicy: RemovalPolicy): kms.Key {
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${trailName} CloudTrail logs`,
      enableKeyRotation: true,
      removalPolicy,
    });
    denyGrantsOutsideAwsServices(key);
    // CloudTrail encrypts log files for this trail only (AWS CloudTrail KMS key policy guidance).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailEncrypt',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudTrailDescribeKey',
        principals: [new iam.ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
    // CloudWatch Logs encrypts the trail's log group with the same key.
    allowCloudWatchLogs(key, stack);
    return key;
  }

  /** The trail bucket (KMS, versioned, expiring) and the bucket of its server access logs. */
  private createBuckets(key: kms.Key, retentionDays: number, removalPolicy: RemovalPolicy) {
    const accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to buckets with S3-managed encryption.
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { expiration: Duration.days(retentionDays), noncurrentVersionExpiration: Duration.days(30) },
      ],
      removalPolicy,
    });
    acknowledge(
      accessLogsBucket,
      'AwsSolutions-S1',
      'This bucket receives the trail bucket’s server access logs; logging access to the log bucket itself would recurse.',
    );

    const bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogsBucket,
      serverAccessLogsPrefix: 'trail-bucket/',
      lifecycleRules: [
        {
          expiration: Duration.days(retentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          // Older than 90 days is read rarely: Infrequent Access halves the storage price.
          transitions:
            retentionDays > 120
              ? [{ storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(90) }]
              : undefined,
        },
      ],
      removalPolicy,
    });
    sendEventsToEventBridge(accessLogsBucket);
    sendEventsToEventBridge(bucket);
    return { accessLogsBucket, bucket };
  }
}
