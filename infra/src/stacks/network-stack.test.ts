/*
 * Network layer, per environment of the shipped config:
 *   - VPC CIDR from the config; public/private/isolated subnets in every zone, the zones named for
 *     the region (no lookup, no dummy zones): prod in af-south-1a, 1b and 1c
 *   - NAT per mode: dev/test one NAT instance, staging one gateway, prod one gateway (and Elastic
 *     IP) per zone, each private subnet routed through its own zone's gateway;
 *     an environment with nat 'none' has no private subnets at all
 *   - S3 gateway endpoint, flow logs of all traffic with retention
 *   - the isolated subnets' NACL admits only PostgreSQL from the workload subnets
 *   - the release parameter is seeded without overwrite; cross-layer values land in SSM
 */

import {
  configVariant,
  ENVIRONMENTS,
  type Synthesized,
  shippedConfig,
  synth,
  templatesOf,
} from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
});

const network = (env: string) => templatesOf(synthesized, env).network;

describe.each(ENVIRONMENTS)('%s network', (env) => {
  it('creates the VPC with the configured CIDR and DNS support', () => {
    const cidr = synthesized.stacks[env]?.environment.network.cidr;
    network(env).hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: cidr,
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
  });

  it('has a public, a private and an isolated subnet in each of its zones, named for its region', () => {
    const resolved = synthesized.stacks[env]?.environment;
    const zones = resolved?.network.availabilityZones ?? [];
    expect(zones).toHaveLength(resolved?.network.azCount ?? -1);
    const subnets = Object.values(network(env).findResources('AWS::EC2::Subnet')).map(
      (s) =>
        (s as { Properties: { AvailabilityZone: string; Tags: { Key: string; Value: string }[] } })
          .Properties,
    );
    const typeOf = (p: (typeof subnets)[number]) =>
      p.Tags.find((t) => t.Key === 'aws-cdk:subnet-type')?.Value;
    for (const zone of zones)
      expect(
        subnets
          .filter((p) => p.AvailabilityZone === zone)
          .map(typeOf)
          .sort(),
        zone,
      ).toEqual(['Isolated', 'Private', 'Public']);
    expect(subnets).toHaveLength(3 * zones.length);
  });

  it('adds an S3 gateway endpoint', () => {
    network(env).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3'])]) }),
    });
  });

  it('logs all VPC traffic to CloudWatch Logs with a retention', () => {
    network(env).hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    const days = synthesized.stacks[env]?.environment.network.flowLogRetentionDays;
    network(env).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: days });
  });

  it('admits only PostgreSQL from the workload subnets into the isolated subnets', () => {
    const template = network(env);
    const cidrsOf = (type: string) =>
      Object.values(template.findResources('AWS::EC2::Subnet'))
        .map(
          (s) =>
            (s as { Properties: { CidrBlock: string; Tags: { Key: string; Value: string }[] } }).Properties,
        )
        .filter((p) => p.Tags.some((t) => t.Key === 'aws-cdk:subnet-type' && t.Value === type))
        .map((p) => p.CidrBlock)
        .sort();
    const entries = Object.values(template.findResources('AWS::EC2::NetworkAclEntry')).map(
      (e) => (e as { Properties: Record<string, unknown> }).Properties,
    );
    const ingress = entries.filter((e) => e.Egress !== true);
    const postgres = ingress.filter((e) => e.Protocol === 6);
    expect(postgres.map((e) => e.PortRange)).toEqual(
      cidrsOf('Private').map(() => ({ From: 5432, To: 5432 })),
    );
    expect(postgres.map((e) => e.CidrBlock).sort()).toEqual(cidrsOf('Private'));
    // The only other ingress is between the isolated subnets themselves (Multi-AZ standby).
    const others = ingress.filter((e) => e.Protocol !== 6);
    expect(others.map((e) => e.CidrBlock).sort()).toEqual(cidrsOf('Isolated'));
    expect(entries.every((e) => e.RuleAction === 'allow')).toBe(true);
  });

  it('seeds the release parameter without ever overwriting it', () => {
    network(env).hasResourceProperties('Custom::AWS', {
      Create: Match.stringLikeRegexp(`"Name":"/slipway/${env}/release/image-tag".*"Overwrite":false`),
    });
  });

  it('publishes the VPC, every subnet and the namespace in SSM under /slipway/<env>/network', () => {
    const names = Object.values(network(env).findResources('AWS::SSM::Parameter')).map(
      (p) => (p as { Properties: { Name: string } }).Properties.Name,
    );
    expect(names).toEqual(
      expect.arrayContaining([
        `/slipway/${env}/network/vpc-id`,
        `/slipway/${env}/network/public-subnet/0/id`,
        `/slipway/${env}/network/private-subnet/1/id`,
        `/slipway/${env}/network/isolated-subnet/1/id`,
        `/slipway/${env}/network/namespace-id`,
      ]),
    );
  });

  it('creates the private DNS namespace <env>.internal', () => {
    network(env).hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', {
      Name: `${env}.internal`,
    });
  });

  it('exports nothing: later layers read SSM instead', () => {
    expect(network(env).toJSON().Outputs ?? {}).toEqual({});
  });
});

describe('NAT per environment', () => {
  it.each(['dev', 'test'])('%s uses one encrypted t4g.nano NAT instance and no NAT gateway', (env) => {
    network(env).resourceCountIs('AWS::EC2::NatGateway', 0);
    network(env).resourceCountIs('AWS::EC2::Instance', 1);
    network(env).hasResourceProperties('AWS::EC2::Instance', {
      InstanceType: 't4g.nano',
      SourceDestCheck: false,
      BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
    });
  });

  it('staging uses one NAT gateway', () => {
    network('staging').resourceCountIs('AWS::EC2::NatGateway', 1);
    network('staging').resourceCountIs('AWS::EC2::Instance', 0);
  });

  it("prod spreads over af-south-1's three zones, with a NAT gateway and its Elastic IP in each", () => {
    const template = network('prod');
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map(
      (s) => (s as { Properties: { AvailabilityZone: string } }).Properties.AvailabilityZone,
    );
    expect([...new Set(zones)].sort()).toEqual(['af-south-1a', 'af-south-1b', 'af-south-1c']);
    template.resourceCountIs('AWS::EC2::NatGateway', 3);
    template.resourceCountIs('AWS::EC2::EIP', 3);
    // Each gateway sits in a public subnet of its own zone, and each private subnet routes to the
    // gateway of its zone: no zone's egress depends on another zone.
    const subnets = template.findResources('AWS::EC2::Subnet');
    const zoneOf = (ref: unknown) =>
      (subnets[(ref as { Ref: string }).Ref] as { Properties: { AvailabilityZone: string } }).Properties
        .AvailabilityZone;
    const gateways = template.findResources('AWS::EC2::NatGateway');
    const gatewayZones = Object.values(gateways).map((g) =>
      zoneOf((g as { Properties: { SubnetId: unknown } }).Properties.SubnetId),
    );
    expect(gatewayZones.sort()).toEqual(['af-south-1a', 'af-south-1b', 'af-south-1c']);
    const gatewayZone = Object.fromEntries(
      Object.entries(gateways).map(([id, g]) => [
        id,
        zoneOf((g as { Properties: { SubnetId: unknown } }).Properties.SubnetId),
      ]),
    );
    const associations = Object.values(template.findResources('AWS::EC2::SubnetRouteTableAssociation')).map(
      (a) => (a as { Properties: { RouteTableId: { Ref: string }; SubnetId: unknown } }).Properties,
    );
    const routes = Object.values(template.findResources('AWS::EC2::Route'))
      .map(
        (r) =>
          (r as { Properties: { RouteTableId: { Ref: string }; NatGatewayId?: { Ref: string } } }).Properties,
      )
      .filter((r) => r.NatGatewayId);
    expect(routes).toHaveLength(3);
    for (const route of routes) {
      const subnet = associations.find((a) => a.RouteTableId.Ref === route.RouteTableId.Ref)?.SubnetId;
      expect(zoneOf(subnet)).toBe(gatewayZone[route.NatGatewayId?.Ref ?? '']);
    }
  });

  it('with nat "none" there are no private subnets and no NAT', async () => {
    const config = await configVariant((c) => {
      const dev = c.environments.dev;
      if (dev) dev.network.nat = 'none';
    });
    const s = synth(config, { environments: ['dev'] });
    const template = Template.fromStack(s.stacks.dev?.network as never);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Instance', 0);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    const service = Template.fromStack(s.stacks.dev?.service as never);
    service.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'ENABLED' }) },
    });
  });
});
