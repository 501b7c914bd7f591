/*
 * The `app` shorthand (no `services`) means one web service named `web`:
 *   - the shipped slipway.config.ts's environments, with the one-service `app` that config had
 *     before it declared services, resolve in every environment to one `web` service and to the
 *     same resolved.app (config.app itself) and resolved.service as before services existed
 *   - the web service has the database when the app has one, and then migrates with migrateCommand
 *   - it keeps the Cloud Map name `app` it registered under before
 */
import { describe, expect, it } from 'vitest';
import withServices from '../../../slipway.config.ts';
import { STRATEGY_TIMING } from '../deploy-timing.ts';
import { parseConfig } from '../load.ts';
import { DEFAULTS, resolveEnvironment } from '../resolve.ts';
import type { EnvironmentConfig, SlipwayConfig } from '../types.ts';
import { declaredServices } from './declared.ts';

// The shipped config as it was written with the `app` shorthand (its environments unchanged).
const { services: _services, ...rest } = withServices;
const shipped = {
  ...rest,
  app: {
    name: withServices.app.name,
    image: { build: { context: '.', dockerfile: 'app/Dockerfile' } },
    port: 3000,
    healthPath: '/health',
    readyPath: '/ready',
    cpu: 256,
    memoryMiB: 512,
    environment: { LOG_LEVEL: 'info' },
    database: withServices.app.database,
  },
};
const config = parseConfig(shipped);

/** resolved.service as resolve.ts computed it before services existed, for comparison. */
function serviceBeforeServices(env: EnvironmentConfig, app: SlipwayConfig['app']) {
  const d = env.protected ? DEFAULTS.protected : DEFAULTS.standard;
  const minTasks = env.service.minTasks ?? d.minTasks;
  return {
    cpu: env.service.cpu ?? app.cpu,
    memoryMiB: env.service.memoryMiB ?? app.memoryMiB,
    minTasks,
    maxTasks: env.service.maxTasks ?? (env.protected ? Math.max(4, minTasks) : minTasks + 1),
    capacity: env.service.capacity ?? d.capacity,
    scaleOnCpuPercent: env.service.scaleOnCpuPercent,
    scaleOnMemoryPercent: env.service.scaleOnMemoryPercent,
    scaleOnRequestsPerTarget: env.service.scaleOnRequestsPerTarget,
    logRetentionDays: env.service.logRetentionDays ?? d.logRetentionDays,
    // The drain now defaults per strategy (config/src/deploy-timing.ts), not to one 30 s.
    deregistrationDelaySeconds:
      env.service.deregistrationDelaySeconds ??
      STRATEGY_TIMING[env.deploy.strategy ?? d.strategy].deregistrationDelaySeconds,
    discoveryName: 'app',
  };
}

describe('the app shorthand', () => {
  const environments = Object.entries(config.environments);

  it.each(environments)('resolves %s to one web service named web', (name, env) => {
    const r = resolveEnvironment(name, env, config);
    expect(r.services.map((s) => `${s.name}:${s.type}`)).toEqual(['web:web']);
  });

  it.each(environments)('keeps resolved.app and resolved.service of %s as they were', (name, env) => {
    const r = resolveEnvironment(name, env, config);
    expect(r.app).toBe(config.app);
    expect(r.service).toEqual(serviceBeforeServices(env, config.app));
  });

  it.each(environments)('gives the web service of %s the app settings and the same size', (name, env) => {
    const r = resolveEnvironment(name, env, config);
    expect(r.services[0]).toMatchObject({
      name: 'web',
      type: 'web',
      image: config.app.image,
      imageOwner: 'web',
      port: config.app.port,
      healthPath: config.app.healthPath,
      readyPath: config.app.readyPath,
      environment: config.app.environment,
      database: true,
      migrate: config.app.migrateCommand,
      calls: [],
      route: undefined,
      discoveryName: 'app',
      cpu: r.service.cpu,
      memoryMiB: r.service.memoryMiB,
      minTasks: r.service.minTasks,
      maxTasks: r.service.maxTasks,
      capacity: r.service.capacity,
    });
  });

  it('gives the web service neither database nor migrations when the app has no database', () => {
    const noDatabase = parseConfig({ ...shipped, app: { ...shipped.app, database: false } });
    expect(declaredServices(noDatabase).web).toMatchObject({ database: false, migrate: undefined });
  });

  it('follows a change to config.app after loading (tests and tools edit it in place)', () => {
    const edited = structuredClone(config);
    edited.app.port = 8080;
    const [name, env] = environments[0] ?? [];
    if (!name || !env) throw new Error('no environment');
    const r = resolveEnvironment(name, env, edited);
    expect([r.app.port, r.services[0]?.type === 'web' && r.services[0].port]).toEqual([8080, 8080]);
  });
});

describe('per-environment settings of the shorthand web service', () => {
  it('reach resolved.app and resolved.service, which infra reads today', () => {
    const input = structuredClone(shipped) as typeof shipped & {
      environments: Record<string, Record<string, unknown>>;
    };
    const dev = input.environments.dev as Record<string, unknown>;
    dev.services = { web: { cpu: 512, memoryMiB: 1024, environment: { LOG_LEVEL: 'debug', TRACE: '1' } } };
    const edited = parseConfig(input);
    const env = edited.environments.dev;
    if (!env) throw new Error('no dev');
    const r = resolveEnvironment('dev', env, edited);
    expect(r.app.environment).toEqual({ LOG_LEVEL: 'debug', TRACE: '1' });
    expect([r.service.cpu, r.service.memoryMiB]).toEqual([512, 1024]);
    expect(r.services[0]?.environment).toEqual({ LOG_LEVEL: 'debug', TRACE: '1' });
  });
});
