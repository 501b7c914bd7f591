/*
 * Resolution of services, per environment:
 *   - each type gets its defaults (ports, health, queue, schedule, task counts, scaling)
 *   - image.from is followed to the image that is built or named, and to its owner
 *   - precedence: environments.<env>.services.<name> > services.<name> > environments.<env>.service
 *   - workers scale to zero unless protected; a job can be switched off per environment
 *   - resolved.app and resolved.service describe the default web service
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../load.ts';
import { resolveEnvironment } from '../resolve.ts';
import type { SlipwayConfigInput } from '../types.ts';
import { servicesConfig } from './fixtures.ts';
import type { ResolvedService } from './resolve.ts';

function resolve(name: string, mutate: (c: SlipwayConfigInput) => void = () => {}) {
  const input = structuredClone(servicesConfig());
  mutate(input);
  const config = parseConfig(input);
  const env = config.environments[name];
  if (!env) throw new Error(`no environment ${name}`);
  return resolveEnvironment(name, env, config);
}

function service<T extends ResolvedService['type']>(
  services: readonly ResolvedService[],
  name: string,
  type: T,
): Extract<ResolvedService, { type: T }> {
  const found = services.find((s) => s.name === name);
  if (found?.type !== type) throw new Error(`${name} is not a ${type} service`);
  return found as Extract<ResolvedService, { type: T }>;
}

describe('resolveEnvironment(...).services', () => {
  it('lists the services in declaration order with their types', () => {
    expect(resolve('dev').services.map((s) => `${s.name}:${s.type}`)).toEqual([
      'web:web',
      'admin:web',
      'api:backend',
      'mailer:worker',
      'nightly:job',
    ]);
  });

  it('gives a web service the app defaults for port, health, shutdown and HSTS', () => {
    const web = service(resolve('dev').services, 'web', 'web');
    expect(web).toMatchObject({
      port: 3000,
      healthPath: '/health',
      healthCheck: 'node',
      readyPath: '/ready',
      shutdownSeconds: 10,
      hstsMaxAgeSeconds: 31536000,
      user: '1000:1000',
      route: undefined,
      discoveryName: 'web',
      database: true,
      calls: ['api', 'mailer'],
      migrate: ['node', 'dist/main.js', 'migrate'],
    });
  });

  it('keeps the route of a routed web service', () => {
    expect(service(resolve('dev').services, 'admin', 'web').route).toEqual({
      paths: ['/admin/*'],
      hosts: undefined,
    });
  });

  it('follows image.from to the service that builds the image, through a chain', () => {
    const services = resolve('dev').services;
    const nightly = service(services, 'nightly', 'job');
    expect(nightly.image).toEqual({ build: { context: '.', dockerfile: 'app/Dockerfile' } });
    expect(nightly.imageOwner).toBe('web');
    expect(service(services, 'web', 'web').imageOwner).toBe('web');
  });

  it('gives a backend its Cloud Map name and no container health check for an image uri', () => {
    const api = service(resolve('dev').services, 'api', 'backend');
    expect(api).toMatchObject({
      image: { uri: 'public.ecr.aws/example/api:1.4.2' },
      imageOwner: 'api',
      port: 8080,
      healthCheck: false,
      discoveryName: 'api',
      dnsName: 'api.dev.internal',
      database: false,
    });
  });

  it('gives a worker its queue defaults and scales it to zero outside production', () => {
    const mailer = service(resolve('dev').services, 'mailer', 'worker');
    expect(mailer.queue).toEqual({
      visibilityTimeoutSeconds: 60,
      maxReceiveCount: 5,
      retentionDays: 4,
      messagesPerTask: 10,
    });
    expect(mailer).toMatchObject({ minTasks: 0, maxTasks: 1, command: ['node', 'dist/mailer.js'] });
  });

  it('keeps one worker task in a protected environment', () => {
    expect(service(resolve('prod').services, 'mailer', 'worker')).toMatchObject({ minTasks: 1, maxTasks: 4 });
  });

  it('gives a job its schedule, timeout and retries, enabled', () => {
    expect(service(resolve('dev').services, 'nightly', 'job')).toMatchObject({
      schedule: 'cron(0 3 * * ? *)',
      enabled: true,
      timeoutMinutes: 60,
      retries: 2,
      command: ['node', 'dist/report.js'],
    });
  });

  it('sizes services by the environment `service` settings unless the service sets its own', () => {
    const services = resolve('dev', (c) => {
      c.environments.dev = {
        ...c.environments.dev,
        service: { cpu: 1024, memoryMiB: 2048, capacity: 'on-demand' },
      } as never;
    }).services;
    expect(service(services, 'web', 'web')).toMatchObject({
      cpu: 1024,
      memoryMiB: 2048,
      capacity: 'on-demand',
    });
    expect(service(services, 'api', 'backend')).toMatchObject({
      cpu: 512,
      memoryMiB: 1024,
      capacity: 'on-demand',
    });
  });

  it('lets environments.<env>.services.<name> override the service and merge its variables', () => {
    const services = resolve('prod', (c) => {
      (c.environments.prod as Record<string, unknown>).services = {
        web: {
          cpu: 2048,
          memoryMiB: 4096,
          minTasks: 3,
          maxTasks: 6,
          scaleOnRequestsPerTarget: 500,
          environment: { LOG_LEVEL: 'warn', REGION_LABEL: 'za' },
        },
        api: { scaleOnCpuPercent: 50, capacity: 'on-demand' },
        mailer: { minTasks: 0, maxTasks: 10, messagesPerTask: 100 },
        nightly: { schedule: 'rate(1 day)', enabled: false },
      };
    }).services;
    expect(service(services, 'web', 'web')).toMatchObject({
      cpu: 2048,
      memoryMiB: 4096,
      minTasks: 3,
      maxTasks: 6,
      scaling: { cpuPercent: 70, memoryPercent: 80, requestsPerTarget: 500 },
      environment: { LOG_LEVEL: 'warn', REGION_LABEL: 'za' },
    });
    expect(service(services, 'api', 'backend')).toMatchObject({
      scaling: { cpuPercent: 50, memoryPercent: 80 },
      capacity: 'on-demand',
    });
    expect(service(services, 'mailer', 'worker')).toMatchObject({
      minTasks: 0,
      maxTasks: 10,
      scaling: { messagesPerTask: 100 },
      queue: { messagesPerTask: 100 },
    });
    expect(service(services, 'nightly', 'job')).toMatchObject({ schedule: 'rate(1 day)', enabled: false });
  });

  it('describes the default web service in resolved.app and resolved.service', () => {
    const r = resolve('prod', (c) => {
      (c.environments.prod as Record<string, unknown>).services = { web: { cpu: 512, memoryMiB: 1024 } };
    });
    expect(r.app).toMatchObject({
      name: 'demo',
      image: { build: { context: '.', dockerfile: 'app/Dockerfile' } },
      port: 3000,
      migrateCommand: ['node', 'dist/main.js', 'migrate'],
      environment: { LOG_LEVEL: 'info' },
    });
    expect(r.service).toMatchObject({
      cpu: 512,
      memoryMiB: 1024,
      minTasks: 2,
      maxTasks: 4,
      discoveryName: 'web',
    });
  });

  it('migrates on deploy only when a service declares migrate', () => {
    expect(resolve('dev').deploy.migrate).toBe(true);
    const none = resolve('dev', (c) => {
      const web = c.services?.web as Record<string, unknown>;
      delete web.migrate;
    });
    expect(none.deploy.migrate).toBe(false);
  });
});

describe('resolveTarget(...) of a preview with services', () => {
  it('runs every service at the cheapest size, without the database, under names of its own', async () => {
    const { resolveTarget } = await import('../contract/target.ts');
    const input = structuredClone(servicesConfig());
    input.previews = { from: 'dev' };
    (input.environments.dev as Record<string, unknown>).services = { api: { cpu: 1024, memoryMiB: 2048 } };
    const target = resolveTarget(parseConfig(input), 'pr-7');
    const services = target.environment.services;
    expect(services.map((s) => [s.name, s.cpu, s.memoryMiB, s.capacity, s.database])).toEqual([
      ['web', 256, 512, 'spot', false],
      ['admin', 256, 512, 'spot', false],
      ['api', 256, 512, 'spot', false],
      ['mailer', 256, 512, 'spot', false],
      ['nightly', 256, 512, 'spot', false],
    ]);
    expect(service(services, 'web', 'web').discoveryName).toBe('pr-7');
    expect(service(services, 'admin', 'web').discoveryName).toBe('admin-pr-7');
    expect(service(services, 'api', 'backend')).toMatchObject({
      discoveryName: 'api-pr-7',
      dnsName: 'api-pr-7.dev.internal',
      minTasks: 1,
      maxTasks: 1,
    });
    expect(service(services, 'mailer', 'worker')).toMatchObject({ minTasks: 0, maxTasks: 1 });
    expect(target.environment.service.discoveryName).toBe('pr-7');
  });
});
