/*
 * WAF on the CloudFront distribution, per environment of the shipped config and for variants:
 *   - staging and prod (waf.enabled, af-south-1): one CLOUDFRONT-scope web ACL in the environment's
 *     us-east-1 edge stack, named by the distribution (no association resource), with the Amazon IP
 *     reputation list, the core rule set (body size rule only counting) and known bad inputs, then
 *     a per-IP rate limit of 2000 requests per 5 minutes; logs to `aws-waf-logs-<app>-<env>` kept
 *     30 days (a year in protected prod) with the authorization and cookie headers redacted
 *   - dev and test: no web ACL at all
 *   - the rate limit and log retention come from config; dev (us-east-1) keeps its web ACL in its
 *     service stack
 *   - the ALB access logs of protected prod go to an encrypted, private, TLS-only, versioned
 *     bucket with a lifecycle; unprotected environments have none
 *   - invalid props fail naming the prop
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebAcl } from './web-acl.ts';

// Synthesizing the whole app takes seconds, far longer on a loaded CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
}, SYNTH_TIMEOUT_MS);

const service = (env: string, s: Synthesized = synthesized) => {
  const stack = s.stacks[env]?.service;
  if (!stack) throw new Error(`no service stack for ${env}`);
  return Template.fromStack(stack);
};

const edge = (env: string) => {
  const stack = synthesized.stacks[env]?.edge;
  if (!stack) throw new Error(`no edge stack for ${env}`);
  return Template.fromStack(stack);
};

describe.each(['staging', 'prod'])('%s WAF', (env) => {
  it('runs the managed rule groups, then a per-IP rate limit of 2000 per 5 minutes', () => {
    edge(env).hasResourceProperties('AWS::WAFv2::WebACL', {
      Name: `slipway-${env}`,
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'AWSManagedRulesAmazonIpReputationList',
          Priority: 0,
          OverrideAction: { None: {} },
          Statement: {
            ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' },
          },
        }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          Priority: 1,
          Statement: {
            ManagedRuleGroupStatement: {
              VendorName: 'AWS',
              Name: 'AWSManagedRulesCommonRuleSet',
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            },
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet', Priority: 2 }),
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 3,
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: 2000, AggregateKeyType: 'IP', EvaluationWindowSec: 300 },
          },
        }),
      ],
    });
  });

  it('protects the CloudFront distribution, not the internal load balancer', () => {
    service(env).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: {
          'Fn::GetStackOutput': Match.objectLike({
            StackName: `slipway-${env}-edge`,
            Region: 'us-east-1',
            OutputName: Match.stringLikeRegexp('WafWebAcl'),
          }),
        },
      }),
    });
    service(env).resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    edge(env).resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('logs to aws-waf-logs-<app>-<env> in us-east-1 for 30 days, a year when protected, redacting credentials', () => {
    const t = edge(env);
    t.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `aws-waf-logs-slipway-${env}`,
      RetentionInDays: { staging: 30, prod: 365 }[env],
    });
    const e = synthesized.stacks[env]?.environment;
    t.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      // Without the `:*` suffix LogGroup.logGroupArn carries: WAF rejects that form.
      LogDestinationConfigs: [`arn:aws:logs:us-east-1:${e?.account}:log-group:aws-waf-logs-slipway-${env}`],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
  });
});

describe.each(['dev', 'test'])('%s WAF', (env) => {
  it('has no web ACL (waf.enabled is false unless protected)', () => {
    service(env).resourceCountIs('AWS::WAFv2::WebACL', 0);
    service(env).resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });
});

describe('WAF settings from config', () => {
  it(
    'takes the rate limit and log retention from config, and can be turned on for dev',
    async () => {
      const s = synth(
        await configVariant((c) => {
          (c.environments.dev as { waf?: unknown }).waf = {
            enabled: true,
            rateLimitPer5Minutes: 500,
            logRetentionDays: 7,
          };
        }),
        { environments: ['dev'] },
      );
      const t = service('dev', s);
      t.hasResourceProperties('AWS::WAFv2::WebACL', {
        Rules: Match.arrayWith([
          Match.objectLike({ Statement: { RateBasedStatement: Match.objectLike({ Limit: 500 }) } }),
        ]),
      });
      t.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: 'aws-waf-logs-slipway-dev',
        RetentionInDays: 7,
      });
      t.hasResourceProperties('AWS::CloudFront::Distribution', {
        DistributionConfig: Match.objectLike({
          WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WafWebAcl'), 'Arn'] },
        }),
      });
    },
    SYNTH_TIMEOUT_MS,
  );

  it('rejects a rate limit WAF does not accept, naming the prop', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const alb = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(stack, 'Alb', {
      loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/x/123',
      securityGroupId: 'sg-1',
    });
    expect(() => new WebAcl(stack, 'Waf', { name: 'x', loadBalancer: alb, rateLimitPer5Minutes: 5 })).toThrow(
      /rateLimitPer5Minutes must be a whole number from 10 to 2000000000, got 5/,
    );
    expect(() => new WebAcl(stack, 'Waf2', { name: 'bad name', loadBalancer: alb })).toThrow(/name must be/);
  });
});

describe('ALB access logs', () => {
  it('go to an encrypted, private, TLS-only, versioned bucket with a lifecycle in protected prod', () => {
    const t = service('prod');
    t.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 90, Status: 'Enabled' })] },
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
  });

  it('are off in unprotected environments', () => {
    service('dev').resourceCountIs('AWS::S3::Bucket', 0);
  });
});
