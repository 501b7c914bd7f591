import { isHostedZoneId } from '@slipway/config';
import { Duration } from 'aws-cdk-lib';
import type * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { placeRecordInZone } from './hosted-zone.ts';
import { CloudFrontOriginAccess } from './origin-access.ts';

export interface EdgeDomain {
  /** Fully qualified name, e.g. `dev.app.example.com`. */
  readonly name: string;
  /** Certificate covering `name`, in us-east-1. */
  readonly certificate: acm.ICertificate;
  /**
   * Route 53 hosted zone (id or name) to create the alias A and AAAA records in.
   * @default no records: DNS is managed elsewhere (point a CNAME at the distribution)
   */
  readonly zone?: string;
}

export interface EdgeDistributionProps {
  /** Name of the VPC origin and prefix of the comment, e.g. `slipway-dev`. */
  readonly name: string;
  /** The internal load balancer CloudFront forwards to. */
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** Its VPC. */
  readonly vpc: ec2.IVpc;
  /** Port of the load balancer's production listener (HTTP). */
  readonly originPort: number;
  /**
   * Serve on this name with this certificate (and alias records when a zone is given).
   * @default the distribution's own name, `d<id>.cloudfront.net`, with CloudFront's certificate
   */
  readonly domain?: EdgeDomain;
  /**
   * ARN of a CLOUDFRONT-scope AWS WAF web ACL (created in us-east-1).
   * @default no web ACL
   */
  readonly webAclArn?: string;
  /**
   * Seconds CloudFront waits for the origin's response (quota: 120 without an increase).
   * @default 60, the load balancer's idle timeout
   */
  readonly originReadTimeoutSeconds?: number;
}

/**
 * The environment's HTTPS front door: a CloudFront distribution whose only origin is the internal
 * load balancer, reached through a VPC origin. Viewers get HTTPS on the distribution's name (or the
 * domain), plain HTTP is answered with a 301 to HTTPS, nothing is cached (the app is dynamic), and
 * every viewer header, cookie and query string is forwarded. Cost: nothing at dev traffic (the
 * CloudFront free tier: 1 TB and 10 million requests a month per account); VPC origins are free.
 */
export class EdgeDistribution extends Construct {
  readonly distribution: cloudfront.Distribution;
  /** `https://` plus the name clients use. */
  readonly url: string;
  readonly originAccess: CloudFrontOriginAccess;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    this.originAccess = new CloudFrontOriginAccess(this, 'OriginAccess', {
      vpc: props.vpc,
      port: props.originPort,
    });
    props.loadBalancer.addSecurityGroup(this.originAccess.securityGroup);

    const origin = origins.VpcOrigin.withApplicationLoadBalancer(props.loadBalancer, {
      vpcOriginName: props.name,
      httpPort: props.originPort,
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      readTimeout: Duration.seconds(props.originReadTimeoutSeconds ?? 60),
    });

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `${props.name}: HTTPS in front of the internal load balancer`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_AND_CLOUDFRONT_2022,
      },
      domainNames: props.domain ? [props.domain.name] : undefined,
      certificate: props.domain?.certificate,
      // CloudFront's own certificate has a fixed policy; with a domain, TLS 1.2 at least.
      minimumProtocolVersion: props.domain ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableIpv6: true,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_ALL,
      webAclId: props.webAclArn,
    });
    this.url = `https://${props.domain?.name ?? this.distribution.distributionDomainName}`;
    this.addAliasRecords(props.domain);
    this.acknowledgeFindings(props);
  }

  /** A and AAAA alias records of the domain in its zone (by id or name: no lookup at synth). */
  private addAliasRecords(domain: EdgeDomain | undefined): void {
    if (domain?.zone === undefined) return;
    // A zone given by name is named on the records themselves (placeRecordInZone); the id here is a placeholder.
    const zoneId = isHostedZoneId(domain.zone) ? domain.zone : 'ZONE-BY-NAME';
    const zone = route53.HostedZone.fromHostedZoneId(this, 'Zone', zoneId);
    const target = route53.RecordTarget.fromAlias(new targets.CloudFrontTarget(this.distribution));
    // A trailing dot makes the name absolute, so CDK never needs the zone's name.
    const recordName = `${domain.name}.`;
    for (const record of [
      new route53.ARecord(this, 'AliasA', { zone, recordName, target }),
      new route53.AaaaRecord(this, 'AliasAaaa', { zone, recordName, target }),
    ])
      placeRecordInZone(record, domain.zone);
  }

  private acknowledgeFindings(props: EdgeDistributionProps): void {
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR3',
      'CloudFront forwards every request to the load balancer, whose access logs (accessLogs) record it with the viewer address in X-Forwarded-For.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'A public web app: no country is refused by default; the web ACL (waf) is where to add geo rules.',
    );
    if (!props.webAclArn)
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR2',
        'WAF is off by configuration (waf.enabled: false), the default for non-production environments.',
      );
    if (!props.domain)
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a domain CloudFront serves its own *.cloudfront.net certificate, whose TLS floor CloudFront sets; with a domain the floor is TLS 1.2.',
      );
  }
}
