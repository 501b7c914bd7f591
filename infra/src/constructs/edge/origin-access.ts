import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

// The construct id CDK gives the stack's one AwsCustomResource function (aws-cdk-lib 2.276).
const AWS_CUSTOM_RESOURCE_SINGLETON = 'AWS679f53fac002430cb0da5b7982bd2287';

/** The AWS-managed prefix list of the addresses CloudFront (VPC origins included) connects from. */
export const CLOUDFRONT_ORIGIN_FACING = 'com.amazonaws.global.cloudfront.origin-facing';

export interface CloudFrontOriginAccessProps {
  /** The VPC of the load balancer. */
  readonly vpc: ec2.IVpc;
  /** Port CloudFront reaches the origin on. */
  readonly port: number;
}

/**
 * A security group admitting CloudFront's origin-facing addresses on one port, to add to the
 * origin load balancer. A rule from the VPC's CIDR does not admit VPC-origin traffic: it arrives
 * from CloudFront's managed prefix list. The prefix list's id differs per region, and looking it
 * up at synth would need credentials, so CloudFormation reads it at deploy time
 * (`ec2:DescribeManagedPrefixLists`, through CDK's AwsCustomResource). A group of its own, because
 * a rule that references the list counts as the list's 55 entries against the 60 rules a group
 * may hold.
 */
export class CloudFrontOriginAccess extends Construct {
  readonly securityGroup: ec2.SecurityGroup;
  /** The prefix list id, resolved at deploy time. */
  readonly prefixListId: string;

  constructor(scope: Construct, id: string, props: CloudFrontOriginAccessProps) {
    super(scope, id);
    const lookup = new cr.AwsCustomResource(this, 'PrefixList', {
      onUpdate: {
        service: 'EC2',
        action: 'describeManagedPrefixLists',
        parameters: { Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_ORIGIN_FACING] }] },
        physicalResourceId: cr.PhysicalResourceId.of(CLOUDFRONT_ORIGIN_FACING),
        outputPaths: ['PrefixLists.0.PrefixListId'],
      },
      // DescribeManagedPrefixLists has no resource-level permissions: '*' is the only resource.
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    this.prefixListId = lookup.getResponseField('PrefixLists.0.PrefixListId');

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'CloudFront origin-facing addresses to the internal load balancer',
      allowAllOutbound: false,
    });
    this.securityGroup.addIngressRule(
      ec2.Peer.prefixList(this.prefixListId),
      ec2.Port.tcp(props.port),
      'CloudFront VPC origin',
    );
    // The one function behind every AwsCustomResource of the stack (a singleton at the stack's root).
    const provider = Stack.of(this).node.tryFindChild(AWS_CUSTOM_RESOURCE_SINGLETON);
    if (provider)
      acknowledge(
        provider,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's AwsCustomResource function: the AWS managed basic execution role only lets it write its own logs.",
      );
    acknowledge(
      lookup,
      'AwsSolutions-IAM5[Resource::*]',
      'ec2:DescribeManagedPrefixLists supports no resource-level permissions; the call only reads public prefix list metadata.',
    );
  }
}
