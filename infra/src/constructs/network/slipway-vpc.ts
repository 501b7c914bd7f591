import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

export type NatMode = 'none' | 'instance' | 'gateway' | 'gateway-per-az';

export const NAT_MODES: readonly NatMode[] = ['none', 'instance', 'gateway', 'gateway-per-az'];

export interface SlipwayVpcProps {
  /** IPv4 CIDR block of the VPC, /16 to /24. */
  readonly cidr: string;
  /** Availability zone names to spread the subnets over (two at least, for the load balancer). */
  readonly availabilityZones: string[];
  /**
   * Outbound internet for the private subnets. `none` creates no private subnets: workloads run
   * in the public subnets with public IPs. `instance` runs one NAT instance, `gateway` one NAT
   * gateway, `gateway-per-az` one NAT gateway per zone (no cross-zone dependency).
   * @default 'gateway-per-az'
   */
  readonly nat?: NatMode;
  /**
   * Instance type of the NAT instance (only with `nat: 'instance'`).
   * @default t4g.nano
   */
  readonly natInstanceType?: ec2.InstanceType;
  /**
   * Days to keep VPC flow logs in CloudWatch Logs.
   * @default 90
   */
  readonly flowLogRetentionDays?: number;
  /**
   * Port the database listens on; the isolated subnets' network ACL admits only this port, from
   * the subnets where workloads run.
   * @default 5432
   */
  readonly databasePort?: number;
  /**
   * What happens to the flow log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/** CIDR mask of a subnet kind for a VPC prefix: bounded so /24 VPCs still fit two zones. */
function subnetMask(vpcPrefix: number, extraBits: number, smallest: number): number {
  return Math.min(vpcPrefix + extraBits, smallest);
}

/**
 * The network of one environment: public, private (when NAT exists) and isolated subnets in every
 * zone, NAT per mode, an S3 gateway endpoint, flow logs, and a network ACL on the isolated
 * (database) subnets that admits only the database port from the workload subnets (a second
 * fence behind the database security group).
 */
export class SlipwayVpc extends Construct {
  readonly vpc: ec2.Vpc;
  /** Subnets where workloads (tasks, functions) run: private, or public with `nat: 'none'`. */
  readonly workloadSubnetType: ec2.SubnetType;
  readonly flowLogGroup: logs.LogGroup;
  /** The NAT instances (`nat: 'instance'`), empty in the other modes. */
  readonly natInstances: ec2.Instance[];

  constructor(scope: Construct, id: string, props: SlipwayVpcProps) {
    super(scope, id);
    const nat = props.nat ?? 'gateway-per-az';
    validate(props, nat);
    const prefix = Number(props.cidr.split('/')[1]);

    const natGateways = {
      none: 0,
      instance: 1,
      gateway: 1,
      'gateway-per-az': props.availabilityZones.length,
    }[nat];
    const natGatewayProvider = natProvider(props, nat);

    this.workloadSubnetType = nat === 'none' ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS;

    const subnetConfiguration: ec2.SubnetConfiguration[] = [
      {
        name: 'public',
        subnetType: ec2.SubnetType.PUBLIC,
        cidrMask: subnetMask(prefix, 6, 28),
        mapPublicIpOnLaunch: false,
      },
      ...(nat === 'none'
        ? []
        : [
            {
              name: 'private',
              subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS,
              cidrMask: subnetMask(prefix, 3, 27),
            },
          ]),
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: subnetMask(prefix, 6, 28) },
    ];

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetentionDays ?? 90,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: props.availabilityZones,
      natGateways,
      natGatewayProvider,
      subnetConfiguration,
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
    });

    this.isolateDatabaseSubnets(props.databasePort ?? 5432);
    this.natInstances =
      natGatewayProvider instanceof ec2.NatInstanceProviderV2 ? natGatewayProvider.gatewayInstances : [];
    if (natGatewayProvider instanceof ec2.NatInstanceProviderV2) this.hardenNatInstances(natGatewayProvider);
  }

  private hardenNatInstances(provider: ec2.NatInstanceProviderV2) {
    for (const instance of provider.gatewayInstances) {
      // The provider gives no block-device option: encrypt the root volume through the L1.
      (instance.node.defaultChild as ec2.CfnInstance).blockDeviceMappings = [
        {
          deviceName: '/dev/xvda',
          ebs: { encrypted: true, volumeType: 'gp3', volumeSize: 8, deleteOnTermination: true },
        },
      ];
      acknowledge(
        instance,
        'AwsSolutions-EC28',
        'Cheap NAT mode: detailed monitoring would add about 30% to the instance price; basic 5-minute metrics suffice for a dev NAT.',
      );
      acknowledge(
        instance,
        'AwsSolutions-EC29',
        'The NAT instance is disposable and owned by CloudFormation; termination protection would block stack updates that replace it.',
      );
    }
  }

  /** Subnets where workloads run (see `workloadSubnetType`). */
  get workloadSubnets(): ec2.ISubnet[] {
    return this.vpc.selectSubnets({ subnetType: this.workloadSubnetType }).subnets;
  }

  private isolateDatabaseSubnets(port: number) {
    const isolated = this.vpc.isolatedSubnets;
    const acl = new ec2.NetworkAcl(this, 'IsolatedAcl', {
      vpc: this.vpc,
      subnetSelection: { subnets: isolated },
    });
    acknowledge(
      acl,
      'AwsSolutions-VPC3',
      'Deliberate: the isolated (database) subnets get a network ACL layer in addition to security groups, a second fence around the data.',
    );
    // Stateless: admit the database port from each workload subnet, and let replies (ephemeral
    // ports) go back to the same subnets. Everything else hits the implicit deny.
    this.workloadSubnets.forEach((subnet, i) => {
      acl.addEntry(`DbIn${i}`, {
        ruleNumber: 100 + i,
        cidr: ec2.AclCidr.ipv4(subnet.ipv4CidrBlock),
        traffic: ec2.AclTraffic.tcpPort(port),
        direction: ec2.TrafficDirection.INGRESS,
        ruleAction: ec2.Action.ALLOW,
      });
      acl.addEntry(`ReplyOut${i}`, {
        ruleNumber: 100 + i,
        cidr: ec2.AclCidr.ipv4(subnet.ipv4CidrBlock),
        traffic: ec2.AclTraffic.tcpPortRange(1024, 65535),
        direction: ec2.TrafficDirection.EGRESS,
        ruleAction: ec2.Action.ALLOW,
      });
    });
    // Between the database subnets themselves everything is allowed: a Multi-AZ standby lives in
    // another isolated subnet, and a NACL must never be what breaks a failover.
    isolated.forEach((subnet, i) => {
      acl.addEntry(`PeerIn${i}`, {
        ruleNumber: 200 + i,
        cidr: ec2.AclCidr.ipv4(subnet.ipv4CidrBlock),
        traffic: ec2.AclTraffic.allTraffic(),
        direction: ec2.TrafficDirection.INGRESS,
        ruleAction: ec2.Action.ALLOW,
      });
      acl.addEntry(`PeerOut${i}`, {
        ruleNumber: 200 + i,
        cidr: ec2.AclCidr.ipv4(subnet.ipv4CidrBlock),
        traffic: ec2.AclTraffic.allTraffic(),
        direction: ec2.TrafficDirection.EGRESS,
        ruleAction: ec2.Action.ALLOW,
      });
    });
  }
}

/** Throws on a NAT mode, zone count or CIDR the VPC cannot be built with. */
function validate(props: SlipwayVpcProps, nat: NatMode): void {
  const prefix = Number(props.cidr.split('/')[1]);
  if (!NAT_MODES.includes(nat)) {
    throw new Error(`SlipwayVpc: nat must be one of ${NAT_MODES.join(', ')}, got "${nat}"`);
  }
  if (props.availabilityZones.length < 2) {
    throw new Error(
      `SlipwayVpc: availabilityZones needs at least 2 zones (an ALB spans two), got ${props.availabilityZones.length}`,
    );
  }
  if (!(prefix >= 16 && prefix <= 24)) {
    throw new Error(`SlipwayVpc: cidr must be a /16 to /24 block, got "${props.cidr}"`);
  }
}

/** A NAT instance (t4g.nano by default), NAT gateways, or nothing for `nat: 'none'`. */
function natProvider(props: SlipwayVpcProps, nat: NatMode): ec2.NatProvider | undefined {
  return nat === 'instance'
    ? ec2.NatProvider.instanceV2({
        instanceType:
          props.natInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
        associatePublicIpAddress: true,
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
      })
    : nat === 'none'
      ? undefined
      : ec2.NatProvider.gateway();
}
