/*
 * The faster deploy path, as `slipway plan --json` models it on the shipped slipway.config.ts:
 *   - dev (rolling, early success) models at most 90 s: provision + pull + start + 5 s × 2 checks,
 *     and so does its slowest service;
 *     staging and prod model less than before these settings (9m 25s and 29m 25s)
 *   - every assumption the phases use is in the JSON model and named in a note
 *   - one knob, one exact delta: turning early success off in dev's config adds exactly the drain
 *     and the stop timeout; SOCI lazy loading changes each pull by exactly the assumed difference
 *     (the migrate task's pull included, rounded to the hook's callback delay); no pending
 *     migration takes the migrate hook down to one hook call; one more healthy check adds exactly
 *     one interval
 *   - rolling waves: with early success only the waves before the last drain and stop on the path
 */

import { shippedAssembly, shippedConfig, variantAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { type PlanResult, plan } from '../commands/plan.ts';
import { captureIo } from '../io.ts';
import { stacksOf } from '../synth/synthesize.ts';
import {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  type DeployTimeModel,
  deployTimeModels,
  modelDeployTime,
} from './model.ts';

/** What `plan <env> --json` printed before the strategy timings, early success and the migration skip. */
const BEFORE_SECONDS = { dev: 115, staging: 565, prod: 1765 } as const;

async function planJson(env: string): Promise<PlanResult> {
  const cap = captureIo();
  const config = await shippedConfig();
  const synthesized = await shippedAssembly();
  await plan(config, env, { synthesized, cfnLintAvailable: false, json: true }, cap.io);
  return JSON.parse(cap.stdout()) as PlanResult;
}

const webOf = (result: PlanResult): DeployTimeModel => {
  const web = result.environments[0]?.deployTime.find((m) => m.settings.loadBalanced);
  if (!web) throw new Error('no load-balanced service in the plan');
  return web;
};

const phase = (m: Pick<DeployTimeModel, 'phases'>, name: string) =>
  m.phases.find((p) => p.name === name)?.seconds;

describe('the modeled deploy path', () => {
  it('models dev in at most 90 s and staging and prod below their earlier figures', async () => {
    const devPlan = await planJson('dev');
    const dev = webOf(devPlan);
    expect(dev.totalSeconds).toBeLessThanOrEqual(90);
    // The environment's deploy: its slowest service (the worker keeps its stop timeout on the path).
    const slowest = Math.max(...(devPlan.environments[0]?.services ?? []).map((s) => s.deploySeconds ?? 0));
    expect(slowest).toBeLessThanOrEqual(90);
    expect(dev.totalSeconds).toBeLessThan(BEFORE_SECONDS.dev);
    expect(dev.settings.earlySuccess).toBe(true);
    expect(phase(dev, 'healthy')).toBe(5 * 2);
    for (const env of ['staging', 'prod'] as const) {
      const web = webOf(await planJson(env));
      expect(web.totalSeconds, env).toBeLessThan(BEFORE_SECONDS[env]);
      expect(phase(web, 'healthy'), env).toBe(5 * 3);
      expect(phase(web, 'drain'), env).toBe(5);
    }
  });

  it('carries every assumption in the JSON model and names them in a note', async () => {
    const dev = webOf(await planJson('dev'));
    expect(dev.assumptions).toEqual(DEFAULT_DEPLOY_TIME_ASSUMPTIONS);
    const note = dev.notes.find((n) => n.startsWith('assumptions:')) ?? '';
    for (const [key, value] of Object.entries(DEFAULT_DEPLOY_TIME_ASSUMPTIONS)) {
      // The edge's and the jobs' assumptions are in their own notes and lines.
      if (/certificate|vpcOrigin|distribution|aliasRecord|jobUpdate/.test(key)) continue;
      if (typeof value === 'number') expect(note, key).toContain(`${value} s`);
    }
    expect(note).toContain('SOCI lazy loading off');
    expect(note).toContain('pending migration yes');
  });

  it('adds exactly the drain and the stop timeout when dev turns early success off', async () => {
    const before = webOf(await planJson('dev'));
    const { synthesized } = await variantAssembly(
      (c) => {
        const dev = c.environments.dev as { deploy: Record<string, unknown> };
        dev.deploy.earlySuccess = false;
      },
      ['dev'],
    );
    const after = deployTimeModels(stacksOf(synthesized, 'dev').map((s) => s.template)).find(
      (m) => m.settings.loadBalanced,
    );
    expect(after?.settings.earlySuccess).toBe(false);
    expect((after?.totalSeconds ?? 0) - before.totalSeconds).toBe(
      before.settings.deregistrationDelaySeconds + before.settings.stopTimeoutSeconds,
    );
  });

  it('changes by exactly the assumed difference when one assumption is switched', async () => {
    const a = DEFAULT_DEPLOY_TIME_ASSUMPTIONS;
    const dev = webOf(await planJson('dev'));
    const lazyDev = modelDeployTime('web', dev.settings, { ...a, lazyLoading: true });
    expect(dev.totalSeconds - lazyDev.totalSeconds).toBe(a.imagePullSeconds - a.lazyImagePullSeconds);

    const staging = webOf(await planJson('staging'));
    const hook = phase(staging, 'migrate hook') ?? 0;
    const noMigration = modelDeployTime('web', staging.settings, { ...a, pendingMigration: false });
    expect(staging.totalSeconds - noMigration.totalSeconds).toBe(hook - a.hookSeconds);
    expect(phase(noMigration, 'migrate hook')).toBe(a.hookSeconds);
    expect(staging.notes.join('\n')).toContain(
      `the migrate hook answers at its first call, ${hook - a.hookSeconds} s less`,
    );

    // Staging pulls the images' copy in its own region: the service's pull and the migrate task's
    // (rounded up to the 15 s callback delay) change by the same-region difference.
    expect(staging.settings.crossRegionPull).toBe(false);
    const lazyStaging = modelDeployTime('web', staging.settings, { ...a, lazyLoading: true });
    const task = (pull: number) =>
      Math.ceil((a.provisionSeconds + pull + a.containerStartSeconds + a.migrationSeconds) / 15) * 15;
    expect(staging.totalSeconds - lazyStaging.totalSeconds).toBe(
      a.imagePullSeconds - a.lazyImagePullSeconds + task(a.imagePullSeconds) - task(a.lazyImagePullSeconds),
    );
    const crossRegion = modelDeployTime('web', { ...staging.settings, crossRegionPull: true });
    const lazyCrossRegion = modelDeployTime(
      'web',
      { ...staging.settings, crossRegionPull: true },
      { ...a, lazyLoading: true },
    );
    expect(crossRegion.totalSeconds - lazyCrossRegion.totalSeconds).toBe(
      a.crossRegionImagePullSeconds -
        a.lazyCrossRegionImagePullSeconds +
        task(a.crossRegionImagePullSeconds) -
        task(a.lazyCrossRegionImagePullSeconds),
    );

    const oneMoreCheck = modelDeployTime('web', {
      ...staging.settings,
      healthyThresholdCount: staging.settings.healthyThresholdCount + 1,
    });
    expect(oneMoreCheck.totalSeconds - staging.totalSeconds).toBe(
      staging.settings.healthCheckIntervalSeconds,
    );
  });

  it('keeps the drain and stop of every wave but the last on the path with early success', () => {
    const base: DeploySettings = {
      strategy: 'ROLLING',
      tasks: 4,
      maximumPercent: 150,
      healthCheckIntervalSeconds: 5,
      healthyThresholdCount: 2,
      deregistrationDelaySeconds: 10,
      stopTimeoutSeconds: 15,
      healthCheckGracePeriodSeconds: 40,
      bakeMinutes: 0,
      lifecycleHooks: 0,
      loadBalanced: true,
    };
    const blocking = modelDeployTime('web', base);
    const early = modelDeployTime('web', { ...base, earlySuccess: true });
    expect(blocking.totalSeconds - early.totalSeconds).toBe(10 + 15);
    expect(phase(early, 'drain')).toBe(10);
    expect(early.ecsDefaultsTotalSeconds).toBe(blocking.ecsDefaultsTotalSeconds);
  });
});
