import type { ResolvedEnvironment } from '@slipway/config';
import { PARAMETERS, parameterName, type SubnetKind } from '@slipway/config/contract';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { SlipwayVpc } from '../constructs/network/slipway-vpc.ts';
import { OfficeHours } from '../constructs/office-hours/index.ts';
import { writeParameter } from '../constructs/parameters/index.ts';
import { ImageTagParameter } from '../constructs/release/image-tag-parameter.ts';

export interface NetworkStackProps extends StackProps {
  /** The environment, with every default applied. */
  readonly environment: ResolvedEnvironment;
}

/**
 * The core layer: VPC, subnets, NAT, flow logs, the private DNS namespace, and the
 * environment's release parameter. Changes rarely; every later layer reads it through SSM.
 */
export class NetworkStack extends Stack {
  readonly network: SlipwayVpc;
  readonly namespace: servicediscovery.PrivateDnsNamespace;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const env = props.environment;

    this.network = new SlipwayVpc(this, 'Network', {
      cidr: env.network.cidr,
      availabilityZones: env.network.availabilityZones,
      nat: env.network.nat,
      flowLogRetentionDays: env.network.flowLogRetentionDays,
      logRemovalPolicy: env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const vpc = this.network.vpc;

    // Services resolve each other as <name>.<env>.internal (a private namespace: no public DNS).
    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: `${env.name}.internal`,
      vpc,
      description: `Service discovery for ${env.prefix}`,
    });

    new ImageTagParameter(this, 'ImageTag', { parameterName: parameterName(env, PARAMETERS.imageTag) });

    const write = (key: string, value: string, description: string) =>
      writeParameter(this, env, key, value, description);
    write(PARAMETERS.vpcId, vpc.vpcId, 'VPC id');
    write(PARAMETERS.vpcCidr, vpc.vpcCidrBlock, 'VPC CIDR block');
    const kinds: [SubnetKind, typeof vpc.publicSubnets][] = [
      ['public', vpc.publicSubnets],
      ['private', vpc.privateSubnets],
      ['isolated', vpc.isolatedSubnets],
    ];
    for (const [kind, subnets] of kinds) {
      subnets.forEach((subnet, i) => {
        write(PARAMETERS.subnetId(kind, i), subnet.subnetId, `${kind} subnet ${i} id`);
        write(
          PARAMETERS.routeTableId(kind, i),
          subnet.routeTable.routeTableId,
          `${kind} subnet ${i} route table id`,
        );
      });
    }
    write(PARAMETERS.namespaceId, this.namespace.namespaceId, 'Cloud Map namespace id');
    write(PARAMETERS.namespaceName, this.namespace.namespaceName, 'Cloud Map namespace name');
    write(PARAMETERS.namespaceArn, this.namespace.namespaceArn, 'Cloud Map namespace ARN');
    const [natInstance] = this.network.natInstances;
    if (natInstance) write(PARAMETERS.natInstanceId, natInstance.instanceId, 'NAT instance id');

    // Office hours: the NAT instance stops outside them. Its public IPv4 address is auto-assigned
    // (not an Elastic IP), so it is released while stopped and billed only while running; the
    // private subnets' route to the instance is a blackhole meanwhile, which nothing needs then.
    if (env.officeHours && this.network.natInstances.length > 0) {
      new OfficeHours(this, 'OfficeHours', {
        ...env.officeHours,
        instances: this.network.natInstances,
        label: env.prefix,
      });
    }
  }
}
