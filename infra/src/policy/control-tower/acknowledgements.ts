import type { ResolvedEnvironment } from '@slipway/config';
import { CfnResource, type IConstruct, Stack } from 'aws-cdk-lib';
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
   * When the finding is accepted, from the environment's resolved config (never its name); an
   * account-level stack (registry, audit, CI access) has no environment.
   * @default always
   */
  readonly when?: (env: ResolvedEnvironment | undefined) => boolean;
  readonly reason: string;
}

const CDK_PROVIDER_FUNCTIONS =
  /^(AWS679f53fac002430cb0da5b7982bd2287|LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a|Custom::VpcRestrictDefaultSGCustomResourceProvider)\//;

/** The reviewed list: every Control Tower finding Slipway accepts, with its reason. */
export const CONTROL_ACKNOWLEDGEMENTS: readonly ControlAcknowledgement[] = [
  {
    control: 'CT.ELASTICLOADBALANCING.PR.1',
    at: /^LoadBalancer\/LoadBalancer\/(Http|Test)\/Resource$/,
    reason:
      'HTTPS edge pending: the HTTP listener serves the app until the edge terminates HTTPS and redirects HTTP to it; temporary, remove with that change.',
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
    at: /^(Deployment\/Migrate\/Function|Cleanup\/Function)\/Resource$/,
    reason:
      'Calls only AWS APIs (ECS RunTask, ECR); it reaches no resource inside the VPC, and a VPC attachment would add network-interface setup to every cold start.',
  },
];

/** The acknowledgements that apply to one construct path of a stack in an environment. */
export function acknowledgementsFor(path: string, env: ResolvedEnvironment | undefined) {
  return CONTROL_ACKNOWLEDGEMENTS.filter((a) => a.at.test(path) && (a.when?.(env) ?? true));
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
      for (const a of acknowledgementsFor(path, env)) {
        acknowledge(c, `${CONTROL_TOWER_PLUGIN}::${a.control}`, a.reason);
        count++;
      }
    }
    for (const child of c.node.children) visit(child);
  };
  visit(stack);
  return count;
}
