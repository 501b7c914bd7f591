/*
 * The deploy-time model against the synthesized settings:
 *   - dev (rolling): healthy = interval × healthy threshold, read from the template, no bake; with
 *     early success the drain (deregistration delay) and stop (stop timeout) are a note, not phases
 *   - prod (canary 10%): canary bake and final bake come from the template's deployment configuration
 *   - raising staging's deregistration delay in the config by 90 s raises the model by exactly 90 s
 *   - raising the bake time by 5 min raises the model by exactly 300 s
 *   - ECS defaults (300 s drain, 30 s × 5 checks, 30 s stop) are slower than the tuned settings
 *   - rolling deploys that cannot start every new task at once take one wave per batch
 *   - the migrate hook is modeled only where the template registers it (staging, prod; not the
 *     rolling dev/test): provision + pull + start + migration, rounded up to the hook's callback
 *     delay, plus one hook call; the smoke hook stays one hook call
 *   - turning migrations off in the config removes exactly that phase from the total
 *   - the image pull is cross-region where the template's ECR host region differs from the stack's
 *     (staging, prod: us-east-1 → af-south-1) and same-region in dev; moving the registry to
 *     af-south-1 in the config makes staging's pull (service and migrate task) same-region again
 *   - a Docker Hub image (Grafana) counts as outside the region
 *   - the callback delay default matches the migrate hook's own
 */

import { MIGRATE_HOOK_DEFAULTS } from '@slipway/infra/functions/migrate-hook/config.ts';
import { shippedAssembly, variantAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { stacksOf } from '../synth/synthesize.ts';
import { attributes, resourcesOf } from '../synth/template.ts';
import {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  deployTimeModels,
  imageRegistry,
  imageText,
  MIGRATE_HOOK_CALLBACK_DELAY_SECONDS,
  modelDeployTime,
} from './model.ts';

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
    // Early success: the old tasks drain and stop after the deployment completed.
    expect(web.settings.earlySuccess).toBe(true);
    expect(web.settings.deregistrationDelaySeconds).toBe(drain);
    expect(phase(web, 'drain')).toBeUndefined();
    expect(phase(web, 'stop')).toBeUndefined();
    expect(web.notes.join('\n')).toContain(
      `drain ${drain} s, then stop within ${web.settings.stopTimeoutSeconds} s`,
    );
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
    const { web: before } = await webModel('staging');
    const { synthesized } = await variantAssembly(
      (c) => {
        const staging = c.environments.staging as { service: Record<string, unknown> };
        staging.service.deregistrationDelaySeconds = before.settings.deregistrationDelaySeconds + 90;
      },
      ['staging'],
    );
    const { web: after } = await webModel('staging', synthesized);
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

  it('models the migrate hook as a one-off task where the template registers it', async () => {
    const a = DEFAULT_DEPLOY_TIME_ASSUMPTIONS;
    for (const env of ['staging', 'prod']) {
      const { web } = await webModel(env);
      expect(web.settings.lifecycleHooks, env).toBe(2);
      expect(web.settings.migrateHook, env).toEqual({ callBackDelaySeconds: 15 });
      // Replicated images (the shipped default): the migrate task pulls from its own region's copy.
      const task = a.provisionSeconds + a.imagePullSeconds + a.containerStartSeconds + a.migrationSeconds;
      expect(phase(web, 'migrate hook'), env).toBe(Math.ceil(task / 15) * 15 + a.hookSeconds);
      // The migrate task needs at least what a new service task needs before it listens.
      expect(phase(web, 'migrate hook'), env).toBeGreaterThan(
        (phase(web, 'provision') ?? 0) +
          (phase(web, 'image pull') ?? 0) +
          (phase(web, 'container start') ?? 0),
      );
      expect(phase(web, 'lifecycle hooks'), env).toBe(a.hookSeconds);
      expect(web.phases[0]?.name, env).toBe('migrate hook');
    }
    for (const env of ['dev', 'test']) {
      const { web } = await webModel(env);
      expect(web.settings.migrateHook, env).toBeUndefined();
      expect(phase(web, 'migrate hook'), env).toBeUndefined();
      expect(phase(web, 'lifecycle hooks'), env).toBeUndefined();
    }
  });

  it('drops exactly the migrate hook phase when migrations are turned off', async () => {
    const { web: before } = await webModel('staging');
    const { synthesized } = await variantAssembly(
      (c) => {
        const staging = c.environments.staging as { deploy: Record<string, unknown> };
        staging.deploy.migrate = false;
      },
      ['staging'],
    );
    const { web: after } = await webModel('staging', synthesized);
    expect(after.settings.migrateHook).toBeUndefined();
    expect(after.settings.lifecycleHooks).toBe(before.settings.lifecycleHooks - 1);
    expect(before.totalSeconds - after.totalSeconds).toBe(phase(before, 'migrate hook'));
  });

  it('pulls cross-region where the image registry is in another region than the stack', async () => {
    const a = DEFAULT_DEPLOY_TIME_ASSUMPTIONS;
    expect(a.crossRegionImagePullSeconds).toBeGreaterThan(a.imagePullSeconds);
    // Without replicated images, staging and prod pull from the registry in us-east-1.
    const { synthesized: singleRegistry } = await variantAssembly(
      (c) => {
        c.registry = { ...c.registry, replication: false };
      },
      ['staging', 'prod'],
    );
    for (const env of ['staging', 'prod']) {
      const { web } = await webModel(env, singleRegistry);
      expect(web.settings.crossRegionPull, env).toBe(true);
      expect(web.settings.imageSource, env).toBe('ECR us-east-1 → af-south-1 (cross-region)');
      expect(phase(web, 'image pull'), env).toBe(a.crossRegionImagePullSeconds);
    }
    const { web: dev } = await webModel('dev');
    expect(dev.settings.crossRegionPull).toBe(false);
    expect(phase(dev, 'image pull')).toBe(a.imagePullSeconds);
    // With them (the shipped default), each pulls from its own region's copy.
    for (const env of ['staging', 'prod']) {
      const { web } = await webModel(env);
      expect(web.settings.crossRegionPull, env).toBe(false);
      expect(web.settings.imageSource, env).toBe('from ECR in af-south-1');
    }
  });

  it('moves staging back to a same-region pull when the registry moves to af-south-1', async () => {
    const singleRegistry = { replication: false };
    const { synthesized: before$ } = await variantAssembly(
      (c) => {
        c.registry = { ...c.registry, ...singleRegistry };
      },
      ['staging'],
    );
    const { web: before } = await webModel('staging', before$);
    const { synthesized } = await variantAssembly(
      (c) => {
        c.registry = { ...c.registry, ...singleRegistry, account: '222222222222', region: 'af-south-1' };
      },
      ['staging'],
    );
    const { web: after } = await webModel('staging', synthesized);
    const a = DEFAULT_DEPLOY_TIME_ASSUMPTIONS;
    expect(after.settings.crossRegionPull).toBe(false);
    expect(phase(after, 'image pull')).toBe(a.imagePullSeconds);
    const saved = a.crossRegionImagePullSeconds - a.imagePullSeconds;
    // The service's tasks pull once more cheaply; so does the migrate task (then rounded to the callback delay).
    const migrateTask = (pull: number) =>
      Math.ceil((a.provisionSeconds + pull + a.containerStartSeconds + a.migrationSeconds) / 15) * 15;
    expect(before.totalSeconds - after.totalSeconds).toBe(
      saved + migrateTask(a.crossRegionImagePullSeconds) - migrateTask(a.imagePullSeconds),
    );
  });

  it('counts a Docker Hub image as pulled from outside the region', () => {
    expect(imageRegistry('grafana/grafana:12.2.1')).toEqual({ kind: 'registry', host: 'docker.io' });
    expect(imageRegistry('ghcr.io/org/app:1')).toEqual({ kind: 'registry', host: 'ghcr.io' });
  });

  it("models Grafana's own image as a pull from ECR in every environment's region", async () => {
    const s = await shippedAssembly();
    for (const env of ['dev', 'staging', 'prod']) {
      const grafana = deployTimeModels(stacksOf(s, env)).find((m) => /grafana/i.test(m.service));
      expect(grafana?.settings.crossRegionPull, env).toBe(false);
      expect(phase(grafana ?? { phases: [] }, 'image pull'), env).toBe(
        DEFAULT_DEPLOY_TIME_ASSUMPTIONS.imagePullSeconds,
      );
    }
  });

  it('reads registries from image references', () => {
    const uri = {
      'Fn::Join': [
        '',
        ['111111111111.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/slipway:', { Ref: 'Tag' }],
      ],
    };
    expect(imageText(uri)).toBe('111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway:*');
    expect(imageRegistry(imageText(uri) ?? '')).toEqual({ kind: 'ecr', region: 'us-east-1' });
    const sameStack = {
      'Fn::Join': ['', ['1.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/app:1']],
    };
    expect(imageRegistry(imageText(sameStack, 'eu-north-1') ?? '')).toEqual({
      kind: 'ecr',
      region: 'eu-north-1',
    });
    expect(imageRegistry('grafana/grafana:12.2.1')).toEqual({ kind: 'registry', host: 'docker.io' });
    expect(imageRegistry('public.ecr.aws/nginx/nginx:1')).toEqual({
      kind: 'registry',
      host: 'public.ecr.aws',
    });
    expect(imageRegistry(imageText({ Ref: 'Image' }) ?? '')).toBeUndefined();
  });

  it("uses the migrate hook's own default callback delay", () => {
    expect(MIGRATE_HOOK_CALLBACK_DELAY_SECONDS).toBe(MIGRATE_HOOK_DEFAULTS.callBackDelaySeconds);
  });
});
