/*
 * The deploy-time model against the synthesized settings:
 *   - dev (rolling): healthy = interval × healthy threshold, drain = deregistration delay, stop = stop timeout,
 *     each read from the template, no bake
 *   - prod (canary 10%): canary bake and final bake come from the template's deployment configuration
 *   - raising the deregistration delay in the config by 90 s raises the model by exactly 90 s
 *   - raising the bake time by 5 min raises the model by exactly 300 s
 *   - ECS defaults (300 s drain, 30 s × 5 checks, 30 s stop) are slower than the tuned settings
 *   - rolling deploys that cannot start every new task at once take one wave per batch
 */
import { describe, expect, it } from 'vitest';
import { stacksOf } from '../synth/synthesize.ts';
import { attributes, resourcesOf } from '../synth/template.ts';
import { shippedAssembly, variantAssembly } from '../testing/fixtures.ts';
import { type DeploySettings, deployTimeModels, modelDeployTime } from './model.ts';

async function webModel(env: string, synthesized?: Awaited<ReturnType<typeof shippedAssembly>>) {
  const s = synthesized ?? (await shippedAssembly());
  const models = deployTimeModels(stacksOf(s, env).map((x) => x.template));
  const web = models.find((m) => m.settings.loadBalanced);
  if (!web) throw new Error(`no load-balanced service in ${env}`);
  return { web, stacks: stacksOf(s, env) };
}

const phase = (m: { phases: { name: string; seconds: number }[] }, name: string) =>
  m.phases.find((p) => p.name === name)?.seconds;

describe('the deploy-time model', () => {
  it('reads health check, draining and stop timeout from the dev templates', async () => {
    const { web, stacks } = await webModel('dev');
    const service = stacks.find((s) => s.stackName === 'slipway-dev-service');
    const tg = resourcesOf(service?.template ?? {}, 'AWS::ElasticLoadBalancingV2::TargetGroup')[0];
    const interval = Number(tg?.Properties?.HealthCheckIntervalSeconds);
    const healthy = Number(tg?.Properties?.HealthyThresholdCount);
    const drain = Number(
      attributes(tg?.Properties?.TargetGroupAttributes)['deregistration_delay.timeout_seconds'],
    );
    expect(web.strategy).toBe('ROLLING');
    expect(phase(web, 'healthy')).toBe(interval * healthy);
    expect(phase(web, 'drain')).toBe(drain);
    expect(phase(web, 'bake')).toBeUndefined();
    expect(web.totalSeconds).toBe(web.phases.reduce((n, p) => n + p.seconds, 0));
  });

  it('adds the canary and final bake times of prod', async () => {
    const { web } = await webModel('prod');
    expect(web.strategy).toBe('CANARY');
    expect(phase(web, 'canary bake')).toBe(10 * 60);
    expect(phase(web, 'bake')).toBe(15 * 60);
  });

  it('changes by exactly the change in deregistration delay', async () => {
    const { web: before } = await webModel('dev');
    const { synthesized } = await variantAssembly(
      (c) => {
        const dev = c.environments.dev as { service: Record<string, unknown> };
        dev.service.deregistrationDelaySeconds = before.settings.deregistrationDelaySeconds + 90;
      },
      ['dev'],
    );
    const { web: after } = await webModel('dev', synthesized);
    expect(after.settings.deregistrationDelaySeconds).toBe(before.settings.deregistrationDelaySeconds + 90);
    expect(after.totalSeconds - before.totalSeconds).toBe(90);
  });

  it('changes by exactly the change in bake time', async () => {
    const { web: before } = await webModel('staging');
    const { synthesized } = await variantAssembly(
      (c) => {
        const staging = c.environments.staging as { deploy: Record<string, unknown> };
        staging.deploy.bakeMinutes = before.settings.bakeMinutes + 5;
      },
      ['staging'],
    );
    const { web: after } = await webModel('staging', synthesized);
    expect(after.totalSeconds - before.totalSeconds).toBe(300);
  });

  it('is faster than the same deployment with ECS defaults', async () => {
    for (const env of ['dev', 'test', 'staging', 'prod']) {
      const { web } = await webModel(env);
      expect(web.ecsDefaultsTotalSeconds, env).toBeGreaterThan(web.totalSeconds);
    }
  });

  it('takes one wave per batch when maximumPercent limits a rolling deploy', () => {
    const base: DeploySettings = {
      strategy: 'ROLLING',
      tasks: 4,
      maximumPercent: 150,
      healthCheckIntervalSeconds: 10,
      healthyThresholdCount: 2,
      deregistrationDelaySeconds: 30,
      stopTimeoutSeconds: 15,
      healthCheckGracePeriodSeconds: 30,
      bakeMinutes: 0,
      lifecycleHooks: 0,
      loadBalanced: true,
    };
    const twoWaves = modelDeployTime('web', base);
    const oneWave = modelDeployTime('web', { ...base, maximumPercent: 200 });
    expect(twoWaves.totalSeconds).toBe(oneWave.totalSeconds * 2);
  });
});
