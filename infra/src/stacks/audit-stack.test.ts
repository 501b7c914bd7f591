/*
 * Audit layer (CloudTrail), for the shipped config and variants:
 *   - one stack per AWS account, in the account's home region: dev and test share 111111111111
 *     (us-east-1) and get one trail between them; staging and prod get one each (af-south-1)
 *   - synthesizing a single environment still yields its account's trail, once
 *   - the trail: every region, global service events, log file validation, all management events,
 *     encrypted with a rotated customer managed key that only CloudTrail (this trail) and
 *     CloudWatch Logs may use, delivered to CloudWatch Logs with retention
 *   - the bucket: KMS-encrypted with the trail key, private, TLS-only, versioned, access logged to
 *     a second bucket, expiring objects after audit.retentionDays (default 365)
 *   - audit.cloudTrail: false → no audit stacks
 *   - invalid props fail naming the prop
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { AuditStack } from './audit-stack.ts';

// Synthesizing the whole app takes seconds, far longer on a loaded CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
}, SYNTH_TIMEOUT_MS);

const auditStacks = (s: Synthesized) =>
  s.accountStacks.filter((st) => st instanceof AuditStack) as AuditStack[];
const audit = (account: string, s: Synthesized = synthesized) => {
  const stack = auditStacks(s).find((st) => st.account === account);
  if (!stack) throw new Error(`no audit stack for ${account}`);
  return Template.fromStack(stack);
};
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];

describe('one trail per account', () => {
  it('deploys one audit stack per account, in its home region', () => {
    expect(auditStacks(synthesized).map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['slipway-audit-111111111111', '111111111111', 'us-east-1'],
      ['slipway-audit-222222222222', '222222222222', 'af-south-1'],
      ['slipway-audit-333333333333', '333333333333', 'af-south-1'],
    ]);
  });

  it('gives dev and test, which share an account, a single trail', () => {
    audit('111111111111').resourceCountIs('AWS::CloudTrail::Trail', 1);
    const envStacks = Object.values(synthesized.stacks).flatMap((e) =>
      [e.network, e.data, e.service, e.observability].filter((s) => s !== undefined),
    );
    for (const stack of envStacks) Template.fromStack(stack).resourceCountIs('AWS::CloudTrail::Trail', 0);
  });

  it(
    'still builds the account trail, once, when one environment is synthesized',
    async () => {
      const s = synth(await shippedConfig(), { environments: ['test'] });
      expect(auditStacks(s).map((st) => st.stackName)).toEqual(['slipway-audit-111111111111']);
    },
    SYNTH_TIMEOUT_MS,
  );

  it(
    'builds no audit stack when audit.cloudTrail is false',
    async () => {
      const s = synth(
        await configVariant((c) => {
          c.audit = { cloudTrail: false };
        }),
      );
      expect(auditStacks(s)).toEqual([]);
    },
    SYNTH_TIMEOUT_MS,
  );
});

describe.each(ACCOUNTS)('trail of account %s', (account) => {
  it('records every region and global services, validates log files, delivers to CloudWatch Logs', () => {
    audit(account).hasResourceProperties('AWS::CloudTrail::Trail', {
      TrailName: 'slipway-audit',
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
      IsLogging: true,
      KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailKey'), 'Arn'] },
      CloudWatchLogsLogGroupArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailLogs'), 'Arn'] },
      EventSelectors: [Match.objectLike({ ReadWriteType: 'All', IncludeManagementEvents: true })],
    });
    audit(account).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/slipway-audit/cloudtrail',
      RetentionInDays: 90,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailKey'), 'Arn'] },
    });
  });

  it('encrypts with a rotated key CloudTrail may use only for this account trails', () => {
    audit(account).hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudTrailEncrypt',
            Principal: { Service: 'cloudtrail.amazonaws.com' },
            Action: 'kms:GenerateDataKey*',
            Condition: Match.objectLike({
              StringLike: {
                'kms:EncryptionContext:aws:cloudtrail:arn': Match.stringLikeRegexp(`:${account}:trail/\\*$`),
              },
            }),
          }),
        ]),
      }),
    });
  });

  it('keeps the logs in a private, TLS-only, versioned, KMS-encrypted bucket that expires them after 365 days and logs its access', () => {
    const t = audit(account);
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrailKey'), 'Arn'] },
            },
          },
        ],
      },
      LoggingConfiguration: {
        DestinationBucketName: { Ref: Match.stringLikeRegexp('^TrailAccessLogs') },
        LogFilePrefix: 'trail-bucket/',
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 365 })] },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
    });
    t.resourceCountIs('AWS::S3::Bucket', 2);
    t.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('trail settings from config', () => {
  it(
    'takes the retention of the files and of the CloudWatch copy from audit',
    async () => {
      const s = synth(
        await configVariant((c) => {
          c.audit = { retentionDays: 2555, logRetentionDays: 30 };
        }),
        { environments: ['prod'] },
      );
      const t = audit('333333333333', s);
      t.hasResourceProperties('AWS::S3::Bucket', {
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              ExpirationInDays: 2555,
              Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 90 }],
            }),
          ],
        },
        LoggingConfiguration: Match.anyValue(),
      });
      t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    },
    SYNTH_TIMEOUT_MS,
  );

  it('rejects a retention that is not a whole number of days, naming the prop', () => {
    expect(
      () =>
        new AuditStack(new App(), 'Audit', {
          env: { account: '111111111111', region: 'us-east-1' },
          appName: 'x',
          environments: ['dev'],
          audit: { retentionDays: 0, logRetentionDays: 90 },
        }),
    ).toThrow(/retentionDays must be a whole number of days ≥ 1, got 0/);
  });
});
