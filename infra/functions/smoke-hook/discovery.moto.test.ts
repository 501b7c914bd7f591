/**
 * ALB private-IP discovery against moto_server's EC2 (DescribeNetworkInterfaces, description filter).
 *
 * Scenarios and expected outcomes:
 * 1. Two network interfaces described "ELB app/slipway-prod/50dc6c495c0c9188" and one of another
 *    load balancer: exactly the two private IPs of ours, sorted.
 * 2. A load balancer without interfaces: an empty list (the handler turns it into a FAILED).
 */
import {
  CreateNetworkInterfaceCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoadBalancerAddresses } from './discovery.ts';

const moto = motoServerAvailability();

describe.skipIf(!moto.available)('ALB private IP discovery against moto EC2', { timeout: 60_000 }, () => {
  let server: MotoServer;
  let ec2: EC2Client;

  beforeAll(async () => {
    server = await startMotoServer();
    ec2 = new EC2Client(server.clientConfig);
    const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
    const subnet = await ec2.send(
      new CreateSubnetCommand({ VpcId: vpc.Vpc?.VpcId, CidrBlock: '10.0.1.0/24' }),
    );
    const eni = (description: string, ip: string) =>
      ec2.send(
        new CreateNetworkInterfaceCommand({
          SubnetId: subnet.Subnet?.SubnetId,
          Description: description,
          PrivateIpAddress: ip,
        }),
      );
    await eni('ELB app/slipway-prod/50dc6c495c0c9188', '10.0.1.20');
    await eni('ELB app/slipway-prod/50dc6c495c0c9188', '10.0.1.10');
    await eni('ELB app/other/0123456789abcdef', '10.0.1.30');
  });
  afterAll(async () => {
    ec2?.destroy();
    await server?.stop();
  });

  it("returns the private IPs of exactly this load balancer's interfaces", async () => {
    const addresses = createLoadBalancerAddresses(ec2, 'app/slipway-prod/50dc6c495c0c9188');
    expect(await addresses.privateIps()).toEqual(['10.0.1.10', '10.0.1.20']);
  });

  it('returns nothing for a load balancer without interfaces', async () => {
    expect(await createLoadBalancerAddresses(ec2, 'app/missing/ffffffffffffffff').privateIps()).toEqual([]);
  });
});
