/*
 * Network layer, per environment of the shipped config:
 *   - VPC CIDR from the config; public/private/isolated subnets in every zone
 *   - NAT per mode: dev/test one NAT instance, staging one gateway, prod one gateway per zone;
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

  it('has public, private and isolated subnets in each of its two zones', () => {
    const subnets = network(env).findResources('AWS::EC2::Subnet');
    const types = Object.values(subnets).map(
      (s) =>
        (s as { Properties: { Tags: { Key: string; Value: string }[] } }).Properties.Tags.find(
          (t) => t.Key === 'aws-cdk:subnet-type',
        )?.Value,
    );
    expect(types.sort()).toEqual(['Isolated', 'Isolated', 'Private', 'Private', 'Public', 'Public']);
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
    expect(postgres.map((e) => e.PortRange)).toEqual([
      { From: 5432, To: 5432 },
      { From: 5432, To: 5432 },
    ]);
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

  it('prod uses a NAT gateway in each zone', () => {
    network('prod').resourceCountIs('AWS::EC2::NatGateway', 2);
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
