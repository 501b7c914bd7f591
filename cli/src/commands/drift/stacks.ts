import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';

/**
 * The environment's stacks in dependency order, named by the contract the CDK app builds them
 * from (infra's stack-names test checks that the two agree), so neither the naming nor which
 * layers exist is repeated here and no CDK app has to be built. The account-level stacks (audit,
 * CI access) are left out: they are shared by environments; so is the us-east-1 edge stack.
 */
export function environmentStacks(config: SlipwayConfig, environment: string): string[] {
  // The edge stack lives in us-east-1, not the environment's region that one detection run
  // covers: it is left out until drift runs per region (its certificate and web ACL).
  const { edge: _inUsEast1, ...inRegion } = resolveTarget(config, environment).stacks;
  return Object.values(inRegion);
}
