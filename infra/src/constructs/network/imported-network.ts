import type { ResolvedEnvironment } from '@slipway/config';
import { PARAMETERS, type SubnetKind } from '@slipway/config/contract';
import { Annotations, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { readParameter } from '../parameters/index.ts';

export interface ImportedNetworkOptions {
  /**
   * Subnet kinds this layer places resources in. Only these are read from SSM: every read becomes
   * a template parameter, and an unused parameter is a CloudFormation validation finding.
   * `workload` means private subnets, or public ones in an environment without NAT.
   */
  readonly subnets: ('workload' | SubnetKind)[];
}

/**
 * The environment's network as later layers see it: rebuilt from the SSM parameters the network
 * stack wrote. The subnet count is known from the config, so every list has a concrete length.
 */
export class ImportedNetwork extends Construct {
  readonly vpc: ec2.IVpc;
  /** Where workloads run: private subnets, or public ones when the environment has no NAT. */
  readonly workloadSubnets: ec2.SubnetSelection;
  /** Whether workloads need a public IP (no NAT: public subnets). */
  readonly assignPublicIp: boolean;
  private readonly env: ResolvedEnvironment;
  private cachedNamespace?: servicediscovery.IPrivateDnsNamespace;

  constructor(scope: Construct, id: string, env: ResolvedEnvironment, options: ImportedNetworkOptions) {
    super(scope, id);
    this.env = env;
    // A preview reads its base environment's network: network.parameterPath, not its own path.
    const net = { parameterPath: env.network.parameterPath };
    const hasPrivate = env.network.nat !== 'none';
    const workloadKind: SubnetKind = hasPrivate ? 'private' : 'public';
    const kinds = new Set(options.subnets.map((k) => (k === 'workload' ? workloadKind : k)));
    const ids = (kind: SubnetKind) =>
      kinds.has(kind)
        ? env.network.availabilityZones.map((_, i) => readParameter(this, net, PARAMETERS.subnetId(kind, i)))
        : undefined;

    this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: readParameter(this, net, PARAMETERS.vpcId),
      availabilityZones: env.network.availabilityZones,
      publicSubnetIds: ids('public'),
      privateSubnetIds: ids('private'),
      isolatedSubnetIds: ids('isolated'),
    });
    Annotations.of(this).acknowledgeWarning(
      '@aws-cdk/aws-ec2:noSubnetRouteTableId',
      'Route tables are managed in the network layer only; nothing in the importing layers routes.',
    );
    this.assignPublicIp = !hasPrivate;
    this.workloadSubnets = {
      subnetType: hasPrivate ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PUBLIC,
    };
  }

  /** The network's Cloud Map namespace (`<env>.internal`), read from SSM on first use. */
  get namespace(): servicediscovery.IPrivateDnsNamespace {
    if (!this.cachedNamespace) {
      const namespaceId = readParameter(
        this,
        { parameterPath: this.env.network.parameterPath },
        PARAMETERS.namespaceId,
      );
      this.cachedNamespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(
        this,
        'Namespace',
        {
          namespaceId,
          namespaceName: this.env.network.namespaceName,
          // Derived rather than read: an SSM read nobody references is a template finding.
          namespaceArn: Stack.of(this).formatArn({
            service: 'servicediscovery',
            resource: 'namespace',
            resourceName: namespaceId,
          }),
        },
      );
    }
    return this.cachedNamespace;
  }
}
