import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';

/**
 * The environment's stacks in dependency order, named by the contract the CDK app builds them
 * from (infra's stack-names test checks that the two agree), so neither the naming nor which
 * layers exist is repeated here and no CDK app has to be built. The account-level stacks (audit,
 * CI access) are left out: they are shared by environments.
 */
export function environmentStacks(config: SlipwayConfig, environment: string): string[] {
  return Object.values(resolveTarget(config, environment).stacks);
}
