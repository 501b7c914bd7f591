import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { sendEventsToEventBridge } from '../guardrails/index.ts';

export interface PublicLoadBalancerProps {
  /** The VPC; the load balancer goes into its public subnets. */
  readonly vpc: ec2.IVpc;
  /**
   * Serve HTTPS with this ACM certificate (HTTP then only redirects to HTTPS).
   * @default HTTP only, on the load balancer's DNS name
   */
  readonly certificateArn?: string;
  /**
   * Refuse deletion of the load balancer.
   * @default false
   */
  readonly deletionProtection?: boolean;
  /**
   * Write access logs to an encrypted, versioned S3 bucket kept for `accessLogRetentionDays`.
   * @default false
   */
  readonly accessLogs?: boolean;
  /**
   * Days to keep access logs.
   * @default 90
   */
  readonly accessLogRetentionDays?: number;
  /**
   * Port of the test listener that reaches new tasks before production traffic does.
   * @default no test listener
   */
  readonly testListenerPort?: number;
  /**
   * Seconds a connection may stay idle.
   * @default 60
   */
  readonly idleTimeoutSeconds?: number;
}

/**
 * An internet-facing ALB whose production listener answers 404 by default: every route is a
 * listener *rule* (ECS-native blue/green shifts traffic by rewriting a rule's weights, never a
 * listener's default action). With a certificate, port 80 only redirects to 443.
 */
export class PublicLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  /** The listener production traffic arrives on (HTTPS when a certificate is configured). */
  readonly productionListener: elbv2.ApplicationListener;
  /** The listener deploy-time smoke tests use; absent without `testListenerPort`. */
  readonly testListener: elbv2.ApplicationListener | undefined;
  /** `https://` or `http://` plus the DNS name clients use. */
  readonly protocol: 'http' | 'https';

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const https = props.certificateArn !== undefined;
    this.protocol = https ? 'https' : 'http';
    if (props.testListenerPort !== undefined && [80, 443].includes(props.testListenerPort)) {
      throw new Error(
        `PublicLoadBalancer: testListenerPort must not be 80 or 443, got ${props.testListenerPort}`,
      );
    }

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Public load balancer: HTTP/HTTPS from the internet',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP from the internet');
    if (https)
      this.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS from the internet');
    acknowledge(
      this.securityGroup,
      'AwsSolutions-EC23',
      'A public web endpoint: only ports 80/443 are open to the internet; tasks admit only this security group.',
    );

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
      idleTimeout: Duration.seconds(props.idleTimeoutSeconds ?? 60),
    });

    this.addAccessLogs(props);

    const notFound = elbv2.ListenerAction.fixedResponse(404, {
      contentType: 'application/json',
      messageBody: '{"error":{"code":"NOT_FOUND","message":"no route"}}',
    });
    this.productionListener = this.addProductionListener(props, notFound);

    this.testListener =
      props.testListenerPort === undefined
        ? undefined
        : this.loadBalancer.addListener('Test', {
            port: props.testListenerPort,
            protocol: elbv2.ApplicationProtocol.HTTP,
            defaultAction: notFound,
            // Closed: only the smoke-test function's security group and configured CIDRs get in.
            open: false,
          });
  }

  /** Access logs to a retained bucket, or the acknowledgement that they are off by configuration. */
  private addAccessLogs(props: PublicLoadBalancerProps): void {
    if (props.accessLogs) {
      const bucket = new s3.Bucket(this, 'AccessLogs', {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        enforceSSL: true,
        versioned: true,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [
          {
            expiration: Duration.days(props.accessLogRetentionDays ?? 90),
            noncurrentVersionExpiration: Duration.days(7),
          },
        ],
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.loadBalancer.logAccessLogs(bucket, 'alb');
      sendEventsToEventBridge(bucket);
      acknowledge(
        bucket,
        'AwsSolutions-S1',
        'This bucket receives the ALB access logs; logging access to the log bucket itself would recurse.',
      );
    } else {
      acknowledge(
        this.loadBalancer,
        'AwsSolutions-ELB2',
        'Access logs off by configuration (accessLogs: false), the default for non-production environments.',
      );
    }
  }

  /** HTTPS with an HTTP redirect when a certificate is configured, else plain HTTP. */
  private addProductionListener(
    props: PublicLoadBalancerProps,
    notFound: elbv2.ListenerAction,
  ): elbv2.ApplicationListener {
    const https = props.certificateArn !== undefined;
    if (https) {
      const listener = this.loadBalancer.addListener('Https', {
        port: 443,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [
          acm.Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn as string),
        ],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        defaultAction: notFound,
        open: false,
      });
      this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: '443', permanent: true }),
        open: false,
      });
      return listener;
    } else {
      return this.loadBalancer.addListener('Http', {
        port: 80,
        protocol: elbv2.ApplicationProtocol.HTTP,
        defaultAction: notFound,
        open: false,
      });
    }
  }

  /** The URL clients use: the domain when given, else the load balancer's DNS name. */
  url(domain?: string): string {
    return `${this.protocol}://${domain ?? this.loadBalancer.loadBalancerDnsName}`;
  }
}
