import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { sendEventsToEventBridge } from '../guardrails/index.ts';

export interface OriginLoadBalancerProps {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Subnets for the load balancer (an internal one: the workload subnets). */
  readonly subnets: ec2.SubnetSelection;
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

/** The port CloudFront's VPC origin reaches the production listener on (inside the VPC only). */
export const ORIGIN_PORT = 80;

/**
 * An internal ALB, the origin of the environment's CloudFront distribution (see `../edge/`). It
 * has no public address: viewers reach it only through CloudFront, which terminates HTTPS and
 * redirects plain HTTP, and reaches it over AWS's network through a VPC origin. Its production
 * listener answers 404 by default: every route is a listener *rule* (ECS-native blue/green shifts
 * traffic by rewriting a rule's weights, never a listener's default action).
 */
export class OriginLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly securityGroup: ec2.SecurityGroup;
  /** The listener production traffic arrives on, from CloudFront. */
  readonly productionListener: elbv2.ApplicationListener;
  /** The listener deploy-time smoke tests use; absent without `testListenerPort`. */
  readonly testListener: elbv2.ApplicationListener | undefined;

  constructor(scope: Construct, id: string, props: OriginLoadBalancerProps) {
    super(scope, id);
    if (props.testListenerPort !== undefined && [ORIGIN_PORT, 443].includes(props.testListenerPort)) {
      throw new Error(
        `OriginLoadBalancer: testListenerPort must not be ${ORIGIN_PORT} or 443, got ${props.testListenerPort}`,
      );
    }

    // Who may reach the listeners is added by the edge (CloudFront's origin-facing addresses) and
    // by the deployment hooks (the smoke-test function): nothing is open by default.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Internal load balancer: CloudFront VPC origin and the smoke tests',
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      internetFacing: false,
      vpcSubnets: props.subnets,
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
    // HTTP inside the VPC: CloudFront terminates TLS for viewers, and a VPC origin carries the
    // request over AWS's private network to this internal address (an ALB certificate would have
    // to match a name CloudFront cannot validate for an internal DNS name).
    this.productionListener = this.loadBalancer.addListener('Http', {
      port: ORIGIN_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      defaultAction: notFound,
      open: false,
    });

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
  private addAccessLogs(props: OriginLoadBalancerProps): void {
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
}
