import { BlockList, isIPv4 } from 'node:net';

/**
 * The peers whose forwarding headers (`X-Forwarded-For`, `X-Forwarded-Proto`,
 * `CloudFront-Forwarded-Proto`) the service believes: private addresses, RFC 1918 and IPv6 unique
 * local. On ECS the task's security group admits only the load balancer, whose nodes have addresses
 * in the VPC; a client on the internet never connects from one. Not loopback: a local run has no
 * proxy in front of it, so `http://127.0.0.1` never claims HTTPS.
 */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addSubnet('fc00::', 7, 'ipv6');

/** Whether `address` (as a socket reports it, IPv4-mapped IPv6 included) is a trusted proxy. */
export function isTrustedProxy(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIPv4(v4)) return PRIVATE.check(v4, 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}
