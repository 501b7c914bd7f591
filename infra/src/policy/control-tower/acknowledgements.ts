import type { ResolvedEnvironment } from '@slipway/config';
import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';
import { acknowledge } from '../acknowledge.ts';
import { CONTROL_TOWER_PLUGIN } from './plugin.ts';

/**
 * One accepted Control Tower finding: which control, on which resources, when, and why. An
 * organisation that turns this control on for the account's OU rejects these resources at deploy:
 * the reason is what to tell it (docs/infrastructure.md, "Control Tower proactive controls").
 */
export interface ControlAcknowledgement {
  /** The control id: `CT.S3.PR.2`. */
  readonly control: string;
  /** The resources: construct paths inside their stack (`LoadBalancer/AccessLogs/Resource`), as a pattern. */
  readonly at: RegExp;
  /**
   * When the finding is accepted: from the environment's resolved config (never its name; an
   * account-level stack, the registry, audit or CI access, has none) or from the resource itself.
   * @default always
   */
  readonly when?: (env: ResolvedEnvironment | undefined, resource: CfnResource) => boolean;
  readonly reason: string;
}

const CDK_PROVIDER_FUNCTIONS =
  /^(AWS679f53fac002430cb0da5b7982bd2287\/|LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a\/|Custom::VpcRestrictDefaultSGCustomResourceProvider\/|HostedZoneLookup-[\w-]+\/Provider\/framework-onEvent\/|GrafanaDatabase\/Provider\/framework-onEvent\/)/;

/** A certificate Slipway creates in the us-east-1 edge stack for a distribution in another region. */
function certificateCrossesRegions(env: ResolvedEnvironment | undefined): boolean {
  return env !== undefined && env.region !== 'us-east-1' && env.domain?.certificateArn === undefined;
}

/** The reviewed list: every Control Tower finding Slipway accepts, with its reason. */
export const CONTROL_ACKNOWLEDGEMENTS: readonly ControlAcknowledgement[] = [
  {
    control: 'CT.ELASTICLOADBALANCING.PR.1',
    at: /^LoadBalancer\/LoadBalancer\/(Http|Test)\/Resource$/,
    reason:
      'CloudFront terminates TLS and redirects HTTP to HTTPS; the load balancer is internal, reachable only from CloudFront’s VPC origin (its security group admits only the origin-facing prefix list), so HTTP on this listener never crosses the internet.',
  },
  // The CloudFront distribution in front of the internal load balancer.
  {
    control: 'CT.CLOUDFRONT.PR.1',
    at: /^Edge\/Distribution\/Resource$/,
    reason:
      'The origin is the app, which answers / itself; a default root object would rewrite / to an object name the app does not serve.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.4',
    at: /^Edge\/Distribution\/Resource$/,
    reason:
      'There is one origin, the internal load balancer, which already spans two availability zones; a failover origin group would need a second deployment of the app in another region.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.5',
    at: /^Edge\/Distribution\/Resource$/,
    reason:
      'Every request CloudFront forwards reaches the load balancer, whose access logs (accessLogs, on when protected) and the WAF logs record it; standard CloudFront logs would need an ACL-enabled bucket for a second copy.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.6',
    at: /^Edge\/Distribution\/Resource$/,
    when: (env) => env?.domain === undefined || certificateCrossesRegions(env),
    reason:
      'Either no domain is configured, and the cloudfront.net name can only use CloudFront’s default certificate (set domain to serve a custom one), or the certificate comes from the us-east-1 edge stack through a cross-region reference that a template-level rule cannot follow; the deploy-time hook sees the resolved ACM ARN.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.7',
    at: /^Edge\/Distribution\/Resource$/,
    when: (env) => env?.domain === undefined || certificateCrossesRegions(env),
    reason:
      'Either no domain is configured, and CloudFront fixes the TLS floor of its default certificate (set domain to get sni-only and TLSv1.2_2021), or the certificate comes from the us-east-1 edge stack through a cross-region reference that a template-level rule cannot follow; the deploy-time hook sees the resolved ACM ARN.',
  },
  {
    control: 'CT.CLOUDFRONT.PR.9',
    at: /^Edge\/Distribution\/Resource$/,
    when: (env) => env?.domain === undefined,
    reason:
      'No domain configured: CloudFront’s default certificate has no SSL support method to choose; with domain the distribution uses SNI with its own certificate.',
  },
  // Log buckets: what a log bucket can and cannot be.
  {
    control: 'CT.S3.PR.10',
    at: /^(LoadBalancer\/AccessLogs|Trail\/AccessLogs)\/Resource$/,
    reason:
      'A log-delivery target: ALB access logs and S3 server access logs can only be written to a bucket encrypted with SSE-S3, not SSE-KMS.',
  },
  {
    control: 'CT.S3.PR.2',
    at: /^(LoadBalancer\/AccessLogs|Trail\/AccessLogs)\/Resource$/,
    reason:
      'This bucket receives access logs itself; logging access to the log bucket would need another log bucket, and that one a third.',
  },
  {
    control: 'CT.S3.PR.9',
    at: /^LoadBalancer\/AccessLogs\/Resource$/,
    reason:
      'ALB access logs expire by lifecycle after accessLogRetentionDays; Object Lock would keep what the lifecycle must delete, and adds no integrity to traffic logs.',
  },
  {
    control: 'CT.S3.PR.9',
    at: /^Trail\/(Bucket|AccessLogs)\/Resource$/,
    reason:
      'CloudTrail log file validation (digest files) proves the trail untampered; Object Lock can only be chosen when a bucket is created, so existing trails would need a new bucket.',
  },
  // Lambda functions that only call AWS APIs.
  {
    control: 'CT.LAMBDA.PR.3',
    at: CDK_PROVIDER_FUNCTIONS,
    reason:
      'A CDK-managed custom-resource provider: it runs only during deploys and only calls AWS APIs; CDK offers no VPC placement for it.',
  },
  {
    control: 'CT.LAMBDA.PR.3',
    at: /^(Deployment\/Migrate\/Function|Cleanup\/Function|Trigger\/Function|HostedZoneLookup-[\w-]+\/Lookup\/Function)\/Resource$/,
    reason:
      "Calls only AWS APIs (ECS RunTask, ECR, Route 53 zone listing, Secrets Manager) and, the registry trigger, GitHub's public API; it reaches no resource inside the VPC, and a VPC attachment would add network-interface setup to every cold start.",
  },
  // Accepted as they are, for the reason given.
  {
    control: 'CT.CLOUDWATCH.PR.1',
    // `Deployment`: the default web service's; `Service<Name>Deployment`: a routed web service's.
    at: /^(Service[A-Za-z0-9]+)?Deployment\/(blue|green)(5xx|P99)\/Resource$/,
    reason:
      'Read by the ECS deployment’s alarm-based rollback, which is its action: a breach during a deploy rolls it back and fails the pipeline run; notifying people on the same metrics is the observability layer’s alarm pack’s job.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.2',
    at: /(Logs|LogGroup)\/Resource$/,
    when: (_env, resource) => ((resource as logs.CfnLogGroup).retentionInDays ?? 365) < 365,
    reason:
      'Kept less than a year by configuration (service.logRetentionDays, network.flowLogRetentionDays, waf.logRetentionDays, audit.logRetentionDays): a cost choice; the audit record itself stays in S3 for audit.retentionDays.',
  },
  {
    control: 'CT.CLOUDWATCH.PR.3',
    at: /(Logs|LogGroup)\/Resource$/,
    when: (_env, resource) => (resource as logs.CfnLogGroup).kmsKeyId === undefined,
    reason:
      'Encrypted by CloudWatch Logs with an AWS-owned key: logEncryptionKey is aws-owned here (the default outside protected environments), or it is an account-level function’s log group, which holds no app data.',
  },
  {
    control: 'CT.ECR.PR.3',
    // Every repository of the app: `Images` (the app's), `Images<Owner>` per other built image, `ImagesGrafana`.
    at: /^Images[A-Za-z0-9]*\/Repository\/Resource$/,
    reason:
      'Tags are immutable except latest, *-latest, deployed-* and rollback-* (IMMUTABLE_WITH_EXCLUSION), which releases move; the control accepts IMMUTABLE only.',
  },
  {
    control: 'CT.RDS.PR.20',
    at: /^Database\/Instance\/Resource$/,
    reason:
      'A non-default port adds no security here: only the service security group and the isolated-subnet NACL admit 5432, and changing it restarts the database.',
  },
  {
    control: 'CT.RDS.PR.30',
    at: /^Database\/Instance\/Resource$/,
    when: (env) => env?.database?.encryptionKey === 'aws-managed',
    reason:
      'Encrypted with the AWS-managed aws/rds key by configuration (database.encryptionKey: aws-managed), the default outside protected environments.',
  },
  // Choices an environment makes in slipway.config.ts (the resolved value decides, never the name).
  {
    control: 'CT.RDS.PR.2',
    at: /^Database\/Instance\/Resource$/,
    when: (env) => env?.database?.monitoringIntervalSeconds === 0,
    reason:
      'Enhanced Monitoring off by configuration (database.monitoringIntervalSeconds: 0), the default outside protected environments.',
  },
  {
    control: 'CT.RDS.PR.1',
    at: /^Database\/Instance\/Resource$/,
    when: (env) => env?.database?.multiAz === false,
    reason:
      'Single-AZ by configuration (database.multiAz: false), the default outside protected environments.',
  },
  {
    control: 'CT.RDS.PR.13',
    at: /^Database\/Instance\/Resource$/,
    when: (env) => env?.database?.deletionProtection === false,
    reason:
      'Deletion protection off by configuration (database.deletionProtection: false), so a disposable environment can be destroyed.',
  },
  {
    control: 'CT.RDS.PR.8',
    at: /^Database\/Instance\/Resource$/,
    when: (env) => (env?.database?.backupRetentionDays ?? 7) < 7,
    reason:
      'Backups kept fewer than 7 days by configuration (database.backupRetentionDays), the default outside protected environments.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.5',
    at: /^LoadBalancer\/LoadBalancer\/Resource$/,
    when: (env) => env !== undefined && !env.protected,
    reason:
      'Deletion protection is on for protected environments only; an unprotected one (and a preview) must be destroyable by slipway destroy.',
  },
  {
    control: 'CT.ELASTICLOADBALANCING.PR.6',
    at: /^LoadBalancer\/LoadBalancer\/Resource$/,
    when: (env) => env?.accessLogs === false,
    reason:
      'Access logs off by configuration (accessLogs: false), the default outside protected environments.',
  },
  {
    control: 'CT.EC2.PR.8',
    at: /^Network\/Vpc\/\w+\/NatInstance\/Resource$/,
    when: (env) => env?.network.nat === 'instance',
    reason:
      'A NAT instance (network.nat: instance) forwards private traffic to the internet: it needs a public IP address by design.',
  },
  {
    control: 'CT.EC2.PR.13',
    at: /^Network\/Vpc\/\w+\/NatInstance\/Resource$/,
    when: (env) => env?.network.nat === 'instance',
    reason:
      'The cheap NAT instance of network.nat: instance; detailed monitoring would add about $2 a month to a $3 instance, and flow logs already cover it.',
  },
  {
    control: 'CT.EC2.PR.19',
    at: /^Network\/Vpc\/\w+\/NatInstance\/Resource$/,
    when: (env) => env?.network.nat === 'instance',
    reason:
      'The NAT instance is a t4g.nano, which has no Nitro in-transit encryption; the traffic it forwards is the app’s own TLS to the internet.',
  },
];

/** The acknowledgements that apply to one construct path of a stack in an environment. */
export function acknowledgementsFor(
  path: string,
  env: ResolvedEnvironment | undefined,
  resource: CfnResource,
) {
  return CONTROL_ACKNOWLEDGEMENTS.filter((a) => a.at.test(path) && (a.when?.(env, resource) ?? true));
}

/**
 * Records the table's acknowledgements on the matching resources of one stack, through the one
 * `acknowledge` (which refuses a reasonless one). Returns how many were recorded.
 */
export function acknowledgeControls(stack: Stack, env: ResolvedEnvironment | undefined): number {
  let count = 0;
  const visit = (c: IConstruct) => {
    if (CfnResource.isCfnResource(c) && Stack.of(c) === stack) {
      const path = c.node.path.slice(stack.node.path.length + 1);
      for (const a of acknowledgementsFor(path, env, c)) {
        acknowledge(c, `${CONTROL_TOWER_PLUGIN}::${a.control}`, a.reason);
        count++;
      }
    }
    for (const child of c.node.children) visit(child);
  };
  visit(stack);
  return count;
}
