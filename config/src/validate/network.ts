import type { ConfigError } from '../errors.ts';
import { availabilityZones, maxAzCount, type Region } from '../regions.ts';
import type { EnvironmentConfig, SlipwayConfig } from '../types.ts';
import { err } from './util.ts';

/** The VPC block size and the zones the region offers. */
export function vpcErrors(env: EnvironmentConfig, at: (key: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  const prefix = Number(env.network.cidr.split('/')[1]);
  if (prefix < 16 || prefix > 24)
    errors.push(err(at('network.cidr'), 'SW113', `got ${env.network.cidr}; a VPC block must be /16 to /24`));
  const zones = maxAzCount(env.region as Region);
  if (env.network.azCount > zones)
    errors.push(
      err(
        at('network.azCount'),
        'SW114',
        `got ${env.network.azCount}, but ${env.region} has ${zones} availability zones Slipway can use (${availabilityZones(env.region as Region, zones).join(', ')}); set network.azCount to ${zones} or fewer`,
      ),
    );
  return errors;
}

/** Environments that share an account must not share VPC address space (peering, VPN, Transit Gateway). */
export function overlappingCidrs(config: SlipwayConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const envs = Object.entries(config.environments);
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const [a, ea] = envs[i] as [string, EnvironmentConfig];
      const [b, eb] = envs[j] as [string, EnvironmentConfig];
      if (ea.account !== eb.account) continue;
      if (cidrsOverlap(ea.network.cidr, eb.network.cidr))
        errors.push(
          err(
            `environments.${b}.network.cidr`,
            'SW112',
            `got ${eb.network.cidr}, which overlaps ${a}'s ${ea.network.cidr} in account ${ea.account}; give each environment its own range`,
          ),
        );
    }
  }
  return errors;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [ra, rb] = [range(a), range(b)];
  return ra[0] <= rb[1] && rb[0] <= ra[1];
}

function range(cidr: string): [number, number] {
  const [ip = '', bits = '32'] = cidr.split('/');
  const base = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}
