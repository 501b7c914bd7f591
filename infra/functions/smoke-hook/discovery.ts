/**
 * The ALB's private IP addresses, one per enabled subnet.
 *
 * Why private IPs: the ALB is internet-facing and its test listener admits only this function's
 * security group. A VPC Lambda calling the public DNS name would leave through NAT and arrive from
 * the NAT's public address, without its security-group identity. Calling a node's private IP
 * inside the VPC keeps it. The ALB's network interfaces carry the description
 * `ELB <load balancer full name>`, e.g. `ELB app/my-alb/50dc6c495c0c9188`.
 */
import { DescribeNetworkInterfacesCommand, type EC2Client } from '@aws-sdk/client-ec2';

export interface LoadBalancerAddresses {
  privateIps(): Promise<string[]>;
}

export function createLoadBalancerAddresses(
  ec2: EC2Client,
  loadBalancerFullName: string,
): LoadBalancerAddresses {
  return {
    async privateIps() {
      const ips: string[] = [];
      let nextToken: string | undefined;
      do {
        const out = await ec2.send(
          new DescribeNetworkInterfacesCommand({
            Filters: [{ Name: 'description', Values: [`ELB ${loadBalancerFullName}`] }],
            NextToken: nextToken,
          }),
        );
        for (const eni of out.NetworkInterfaces ?? []) {
          if (eni.Status !== undefined && eni.Status !== 'in-use' && eni.Status !== 'available') continue;
          if (eni.PrivateIpAddress) ips.push(eni.PrivateIpAddress);
        }
        nextToken = out.NextToken;
      } while (nextToken !== undefined);
      return [...new Set(ips)].sort();
    },
  };
}
