/*
 * Environment name resolution (one function, previews plug in here):
 *   - a key of `environments` resolves as configured
 *   - a near miss fails with SW201, exit 2, the closest name and the next command
 *   - `pr-<number>` is refused while the config has no `previews`, accepted once it has
 *   - a name with no close match lists the valid ones
 */
import type { SlipwayConfig } from '@slipway/config';
import { shippedConfig } from '@slipway/testing/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveEnvironmentName } from './environments.ts';
import { CliError } from './errors.ts';

let config: SlipwayConfig;
beforeAll(async () => {
  config = await shippedConfig();
});

function failure(fn: () => unknown): CliError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('resolveEnvironmentName', () => {
  it('resolves a configured environment', () => {
    const target = resolveEnvironmentName(config, 'staging', 'plan');
    expect(target).toMatchObject({ name: 'staging', kind: 'environment', base: undefined });
    expect(target.environment.prefix).toBe('slipway-staging');
  });

  it('suggests the closest environment for a near miss', () => {
    const e = failure(() => resolveEnvironmentName(config, 'dve', 'plan'));
    expect(e.code).toBe('SW201');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('did you mean "dev"?');
    expect(e.next).toBe('slipway plan dev');
  });

  it('lists the valid names when nothing is close', () => {
    const e = failure(() => resolveEnvironmentName(config, 'qa-eu-west', 'status'));
    expect(e.message).toContain('defines dev, test, staging, prod');
    expect(e.message).not.toContain('did you mean');
  });

  it('refuses a preview name while previews are off', () => {
    const e = failure(() => resolveEnvironmentName({ ...config, previews: undefined }, 'pr-12', 'plan'));
    expect(e.code).toBe('SW201');
    expect(e.message).toContain('does not enable previews');
  });

  it('accepts a preview name once the config enables previews', () => {
    const withPreviews = { ...config, previews: { from: 'dev' } } as SlipwayConfig;
    const target = resolveEnvironmentName(withPreviews, 'pr-12', 'plan');
    expect(target).toMatchObject({
      name: 'pr-12',
      kind: 'preview',
      stacks: { service: 'slipway-pr-12-service' },
    });
    expect(target.base?.name).toBe('dev');
    expect(() => resolveEnvironmentName(withPreviews, 'pr-0', 'plan')).toThrow(CliError);
  });
});
