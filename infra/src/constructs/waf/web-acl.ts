import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** The AWS managed rule groups every web ACL runs, in evaluation order (all free of WCU surcharges). */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
] as const;

// WAF insists on this prefix for a CloudWatch Logs destination.
export const WAF_LOG_GROUP_PREFIX = 'aws-waf-logs-';

export interface WebAclProps {
  /** Name of the web ACL and suffix of its log group (`aws-waf-logs-<name>`), e.g. `slipway-prod`. */
  readonly name: string;
  /**
   * Where the web ACL applies: `CLOUDFRONT` for a distribution (the stack must be in us-east-1;
   * the distribution names the ACL in its `webAclId`), `REGIONAL` for a load balancer.
   * @default 'REGIONAL'
   */
  readonly scope?: 'REGIONAL' | 'CLOUDFRONT';
  /**
   * The load balancer to protect (`REGIONAL` only).
   * @default no association: the resource references the web ACL itself
   */
  readonly loadBalancer?: elbv2.IApplicationLoadBalancer;
  /**
   * Requests one client IP may send in any 5-minute window before WAF blocks it (10 to 2e9).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
  /**
   * Days to keep the WAF log group.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * An AWS WAF web ACL, on a CloudFront distribution or (regional) on an ALB: Amazon IP reputation list, the core rule set, known bad
 * inputs, and a per-IP rate limit, logging to CloudWatch Logs (`aws-waf-logs-<name>`) with the
 * `authorization` and `cookie` headers redacted.
 *
 * The core rule set's `SizeRestrictions_BODY` (bodies over 8 KB) only counts: Grafana's query API
 * and pgAdmin post larger bodies, and the app's own API limits bodies itself.
 */
export class WebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const limit = props.rateLimitPer5Minutes ?? 2000;
    if (!(Number.isInteger(limit) && limit >= 10 && limit <= 2_000_000_000)) {
      throw new Error(
        `WebAcl: rateLimitPer5Minutes must be a whole number from 10 to 2000000000, got ${limit}`,
      );
    }
    if (!/^[\w-]{1,100}$/.test(props.name)) {
      throw new Error(`WebAcl: name must be 1-100 letters, digits, "_" or "-", got "${props.name}"`);
    }
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: true,
    });

    const managed: wafv2.CfnWebACL.RuleProperty[] = MANAGED_RULE_GROUPS.map((name, priority) => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides:
            name === 'AWSManagedRulesCommonRuleSet'
              ? [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]
              : undefined,
        },
      },
      visibilityConfig: visibility(name),
    }));

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: props.scope ?? 'REGIONAL',
      defaultAction: { allow: {} },
      description: `Managed rule groups and a per-IP rate limit for ${props.name}`,
      visibilityConfig: visibility(props.name),
      rules: [
        ...managed,
        {
          name: 'RateLimitPerIp',
          priority: managed.length,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
      ],
    });

    if (props.loadBalancer) {
      new wafv2.CfnWebACLAssociation(this, 'Association', {
        resourceArn: props.loadBalancer.loadBalancerArn,
        webAclArn: this.webAcl.attrArn,
      });
    }

    const logGroupName = `${WAF_LOG_GROUP_PREFIX}${props.name}`;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName,
      retention: props.logRetentionDays ?? 30,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // WAF wants the log group ARN without the trailing `:*` that LogGroup.logGroupArn carries.
    const logGroupArn = Stack.of(this).formatArn({
      service: 'logs',
      resource: 'log-group',
      resourceName: logGroupName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      logDestinationConfigs: [logGroupArn],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'cookie' } }],
    });
    logging.node.addDependency(this.logGroup);
  }
}
