import type { SlipwayConfigInput } from './types.ts';

/**
 * Declares the Slipway configuration with full types. It returns the input unchanged:
 * validation (every error at once, with key paths) happens in `loadConfig`, before any
 * construct is built.
 */
export function defineConfig(config: SlipwayConfigInput): SlipwayConfigInput {
  return config;
}
