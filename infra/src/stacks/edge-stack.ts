import type { ResolvedEnvironment } from '@slipway/config';
import { createsCertificate } from '@slipway/config/contract';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';
import { EdgeCertificate } from '../constructs/edge/index.ts';
import { WebAcl } from '../constructs/waf/index.ts';

/** What the CloudFront distribution takes from us-east-1. */
export interface EdgeResources {
  /** The viewer certificate; undefined: no domain, CloudFront's own name and certificate. */
  readonly certificate: acm.ICertificate | undefined;
  /** ARN of the CLOUDFRONT-scope web ACL; undefined: WAF off. */
  readonly webAclArn: string | undefined;
}

/**
 * The environment's us-east-1 resources for CloudFront: the certificate Slipway creates (or the
 * one the user brought) and the CLOUDFRONT-scope web ACL. Called in the edge stack for an
 * environment in another region, in the service stack itself for one in us-east-1.
 */
export function addEdgeResources(scope: Construct, env: ResolvedEnvironment): EdgeResources {
  const domain = env.domain;
  let certificate: acm.ICertificate | undefined;
  if (domain?.certificateArn !== undefined)
    certificate = acm.Certificate.fromCertificateArn(scope, 'Certificate', domain.certificateArn);
  else if (domain?.zone !== undefined && createsCertificate(env))
    certificate = new EdgeCertificate(scope, 'EdgeCertificate', { name: domain.name, zone: domain.zone })
      .certificate;
  const webAcl = env.waf.enabled
    ? new WebAcl(scope, 'Waf', {
        name: env.prefix,
        scope: 'CLOUDFRONT',
        rateLimitPer5Minutes: env.waf.rateLimitPer5Minutes,
        logRetentionDays: env.waf.logRetentionDays,
        logRemovalPolicy: env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      })
    : undefined;
  return { certificate, webAclArn: webAcl?.webAcl.attrArn };
}

export interface EdgeStackProps extends StackProps {
  /** The environment, with every default applied (its region is not us-east-1). */
  readonly environment: ResolvedEnvironment;
}

/**
 * An environment's small us-east-1 stack, `<app>-<env>-edge`: CloudFront only reads certificates
 * and web ACLs from us-east-1. The service stack (in the environment's region) receives their ARNs
 * through CDK's cross-region references (SSM parameters in the service's region, written by this
 * stack), so this stack deploys first.
 */
export class EdgeStack extends Stack {
  readonly resources: EdgeResources;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, { ...props, crossRegionReferences: true });
    this.resources = addEdgeResources(this, props.environment);
  }
}
