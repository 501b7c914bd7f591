/*
 * The plan cache (whole results under a hash of what determines them):
 *   - the key changes with the config, with any source file that shapes templates (every file under
 *     config/src, infra/src, infra/functions, the CLI's synth and checks: found by walking the
 *     folders, so a new stack or construct is covered without a list to update), with cfn-lint's
 *     version and with Node's; it does not change with the order the config's keys were written in
 *   - a plan that finds its key stored skips the synth and the checks and prints exactly what the
 *     uncached plan printed (JSON and report), reading nothing from the assembly folder
 *   - --verbose prints every phase with a duration
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { configVariant } from '@slipway/testing/synth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../context.ts';
import { captureIo } from '../io.ts';
import { type PlanOptions, type PlanResult, plan } from './plan.ts';
import { planCacheKey, readPlanCache, SOURCE_INPUTS, sourceFiles, sourcesFingerprint } from './plan-cache.ts';
import { renderPlan } from './plan-report.ts';

let config: SlipwayConfig;
beforeAll(async () => {
  config = await shippedConfig();
});

/** The dev environment allowed one more task: a different config that still validates. */
function moreTasks(c: { environments: Record<string, unknown> }): void {
  const service = (c.environments.dev as { service: { maxTasks: number } }).service;
  service.maxTasks += 1;
}

const inputs = (overrides: Partial<Parameters<typeof planCacheKey>[0]> = {}) => ({
  config,
  environments: ['dev'],
  sources: 'sources',
  cfnLint: 'cfn-lint 1.51.0',
  node: 'v24.0.0',
  ...overrides,
});

describe('plan cache key', () => {
  it('is the same for the same inputs, whatever order the config keys were written in', () => {
    const reordered = Object.fromEntries(Object.entries(config).reverse()) as SlipwayConfig;
    expect(planCacheKey(inputs())).toBe(planCacheKey(inputs()));
    expect(planCacheKey(inputs({ config: reordered }))).toBe(planCacheKey(inputs()));
  });

  it('changes when the config changes', async () => {
    const changed = await configVariant(moreTasks);
    expect(planCacheKey(inputs({ config: changed }))).not.toBe(planCacheKey(inputs()));
    expect(planCacheKey(inputs({ environments: ['dev', 'test'] }))).not.toBe(planCacheKey(inputs()));
  });

  it('changes when cfn-lint or Node changes version', () => {
    expect(planCacheKey(inputs({ cfnLint: 'cfn-lint 1.52.0' }))).not.toBe(planCacheKey(inputs()));
    expect(planCacheKey(inputs({ cfnLint: 'not installed' }))).not.toBe(planCacheKey(inputs()));
    expect(planCacheKey(inputs({ node: 'v24.1.0' }))).not.toBe(planCacheKey(inputs()));
  });

  it('covers every source file that shapes templates, found by walking the folders', () => {
    const files = sourceFiles().map((f) => relative(paths.root, f));
    for (const expected of [
      'infra/src/stacks/service-stack.ts',
      'infra/src/synthesize.ts',
      'infra/cdk.json',
      'infra/.cfnlintrc.yaml',
      'config/src/schema/index.ts',
      'cli/src/synth/synthesize.ts',
      'cli/src/policy/checks.ts',
      'package-lock.json',
    ])
      expect(files, expected).toContain(expected);
    expect(files.filter((f) => f.startsWith('infra/functions/')).length).toBeGreaterThan(3);
    expect(files.filter((f) => f.startsWith('infra/src/constructs/')).length).toBeGreaterThan(10);
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(SOURCE_INPUTS).toContain('grafana');
  });

  it('changes when one source file changes, in any folder it covers', () => {
    const base = sourcesFingerprint();
    for (const changed of [
      'infra/src/stacks/service-stack.ts',
      'infra/functions/shared',
      'cli/src/policy/checks.ts',
    ]) {
      const file = sourceFiles().find((f) => relative(paths.root, f).startsWith(changed));
      expect(file, changed).toBeDefined();
      const edited = sourcesFingerprint((f) =>
        f === file ? `${readFileSync(f, 'utf8')}\n// edited` : readFileSync(f),
      );
      expect(edited, changed).not.toBe(base);
    }
    expect(sourcesFingerprint()).toBe(base);
  });
});

describe('plan with its cache', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-plan-cache-'));
  const cacheDir = join(scratch, 'cache');
  const assemblyDir = join(scratch, 'cdk.out');

  async function run(options: PlanOptions = {}) {
    const cap = captureIo();
    const base: PlanOptions = { assemblyDir, planCacheDir: cacheDir, cfnLintAvailable: false, json: true };
    const { result } = await plan(config, 'dev', { ...base, ...options }, cap.io);
    return { result, out: cap.stdout(), err: cap.stderr() };
  }
  const withoutTimings = ({ timings: _timings, ...rest }: PlanResult) => rest;

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    first = await run({ verbose: true });
  }, 600_000);

  it('prints every phase with its duration on stderr with --verbose', () => {
    expect(first.result.timings.cache).toBe('miss');
    for (const phase of [
      'cache lookup',
      'synth',
      'asset bundling',
      'cdk-nag',
      'Control Tower',
      'policy checks',
      'CloudFormation validation',
      'cfn-lint',
      'cost',
      'deploy-time model',
      'render',
      'cache store',
      'total',
    ])
      expect(first.err, phase).toMatch(new RegExp(`^ +${phase} +\\d+(\\.\\d)? (s|ms)`, 'm'));
    expect(first.out).not.toContain('Where plan spent its time');
  });

  it('skips the synth and the checks on a hit, and prints exactly what the uncached plan printed', async () => {
    rmSync(assemblyDir, { recursive: true, force: true });
    const cached = await run();
    expect(cached.result.timings.cache).toBe('hit');
    expect(cached.result.timings.synthMs).toBe(0);
    expect(existsSync(assemblyDir)).toBe(false);
    expect(JSON.stringify(withoutTimings(JSON.parse(cached.out) as PlanResult))).toBe(
      JSON.stringify(withoutTimings(JSON.parse(first.out) as PlanResult)),
    );
    expect(renderPlan(cached.result)).toBe(renderPlan(first.result));
  });

  it('finds nothing stored for a changed config', async () => {
    const changed = await configVariant(moreTasks);
    const key = (c: SlipwayConfig) =>
      planCacheKey({ config: c, environments: ['dev'], sources: sourcesFingerprint(), cfnLint: 'off' });
    expect(readPlanCache(cacheDir, key(config))).toBeDefined();
    expect(readPlanCache(cacheDir, key(changed))).toBeUndefined();
  });
});
