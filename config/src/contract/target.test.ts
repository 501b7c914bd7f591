/*
 * resolveTarget: the one resolution of an environment or preview name.
 *   - a configured environment resolves with its stacks per layer (no data stack without a database)
 *   - pr-<number> is a preview of previews.from when previews are on: its base, its service stack only
 *   - a configured environment named like a preview stays an environment
 *   - pr-<number> while previews are off, and any other name, throw TargetError with the reason
 */
// cspell:ignore stagign
import { describe, expect, it } from 'vitest';
import shipped from '../../../slipway.config.ts';
import { parseConfig } from '../load.ts';
import type { SlipwayConfig } from '../types.ts';
import { resolveTarget, TargetError } from './index.ts';

const config = parseConfig(shipped);
const withoutPreviews: SlipwayConfig = { ...config, previews: undefined };

function targetError(run: () => unknown): TargetError {
  try {
    run();
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error('expected a TargetError');
}

describe('resolveTarget', () => {
  it('resolves a configured environment with one stack per layer, the us-east-1 edge included', () => {
    const target = resolveTarget(config, 'prod');
    expect(target.kind).toBe('environment');
    expect(target.base).toBeUndefined();
    expect(target.environment.protected).toBe(true);
    expect(target.parameterPath).toBe('/slipway/prod');
    expect(Object.values(target.stacks)).toEqual([
      'slipway-prod-network',
      'slipway-prod-data',
      // prod (af-south-1) turns WAF on: its CloudFront web ACL lives in us-east-1.
      'slipway-prod-edge',
      'slipway-prod-service',
      'slipway-prod-observability',
    ]);
  });

  it('has no data stack when the app has no database', () => {
    const noDatabase = { ...config, app: { ...config.app, database: false as const } };
    expect(resolveTarget(noDatabase, 'dev').stacks.data).toBeUndefined();
  });

  it("resolves pr-<number> as a preview on its base's network, with a service stack only", () => {
    const target = resolveTarget(config, 'pr-42');
    expect(target.kind).toBe('preview');
    expect(target.base?.name).toBe(config.previews?.from);
    expect(target.stacks).toEqual({ service: 'slipway-pr-42-service' });
    expect(target.parameterPath).toBe('/slipway/pr-42');
    expect(target.environment.network.parameterPath).toBe(`/slipway/${config.previews?.from}`);
    expect(target.environment.database).toBeUndefined();
    expect(target.environment.service).toMatchObject({ minTasks: 1, maxTasks: 1, capacity: 'spot' });
  });

  it('keeps a configured environment that is named like a preview an environment', () => {
    const dev = config.environments.dev as SlipwayConfig['environments'][string];
    const named = { ...config, environments: { ...config.environments, 'pr-1': dev } };
    expect(resolveTarget(named, 'pr-1').kind).toBe('environment');
  });

  it('refuses pr-<number> while previews are off', () => {
    const e = targetError(() => resolveTarget(withoutPreviews, 'pr-7'));
    expect(e.reason).toBe('previews-off');
    expect(e.message).toBe('unknown environment "pr-7"; slipway.config.ts defines: dev, test, staging, prod');
  });

  it('refuses an unknown name, suggesting the nearest environment', () => {
    const e = targetError(() => resolveTarget(config, 'stagign'));
    expect(e.reason).toBe('unknown');
    expect(e.suggestion).toBe('staging');
    expect(e.message).toBe(
      'unknown environment "stagign"; slipway.config.ts defines: dev, test, staging, prod (and pr-<number> previews)',
    );
  });

  it('refuses pr-0 and names that only look like previews', () => {
    for (const name of ['pr-0', 'pr-01', 'pr-x']) {
      expect(targetError(() => resolveTarget(config, name)).reason, name).toBe('unknown');
    }
  });
});
