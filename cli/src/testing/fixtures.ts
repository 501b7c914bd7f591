import type { SlipwayConfig, SlipwayConfigInput } from '@slipway/config';
import { configVariant, shippedConfig } from '../../../infra/src/testing/synth.ts';
import { type Synthesized, synthesize } from '../synth/synthesize.ts';

// Shared by the CLI tests: the shipped config synthesized once per test file (offline, cdk-nag on,
// the slow CloudFormation validator off, as `synthesize` always does), and config variants.

let all: Synthesized | undefined;

/** Every environment of the shipped slipway.config.ts, synthesized once per test file. */
export async function shippedAssembly(): Promise<Synthesized> {
  all ??= synthesize(await shippedConfig());
  return all;
}

export { shippedConfig };

/** A variant of the shipped config (one setting changed), synthesized for the named environments. */
export async function variantAssembly(
  mutate: (config: SlipwayConfigInput) => void,
  environments: string[],
): Promise<{ config: SlipwayConfig; synthesized: Synthesized }> {
  const config = await configVariant(mutate);
  return { config, synthesized: synthesize(config, { environments }) };
}
