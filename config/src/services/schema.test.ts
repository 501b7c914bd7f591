/*
 * The services schema on its own: each type's keys and defaults, and keys another type has are
 * rejected (a worker has no port, a backend no route).
 */
import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../errors.ts';
import { serviceSchema } from '../schema/index.ts';
import { validateConfig } from '../validate/index.ts';
import { servicesConfig } from './fixtures.ts';

function messagesOfService(name: string, service: Record<string, unknown>): string[] {
  const config = structuredClone(servicesConfig());
  (config.services as Record<string, unknown>)[name] = service;
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map(formatConfigError);
}

describe('serviceSchema', () => {
  it('fills the web defaults', () => {
    expect(serviceSchema.parse({ type: 'web', image: { build: {} } })).toEqual({
      type: 'web',
      image: { build: { context: '.', dockerfile: 'app/Dockerfile' } },
      user: '1000:1000',
      environment: {},
      secrets: {},
      database: false,
      calls: [],
      port: 3000,
      healthPath: '/health',
      shutdownSeconds: 10,
      readyPath: '/ready',
      hstsMaxAgeSeconds: 31536000,
    });
  });

  it('fills the worker queue defaults', () => {
    expect(serviceSchema.parse({ type: 'worker', image: { from: 'web' } })).toMatchObject({
      queue: { visibilityTimeoutSeconds: 60, maxReceiveCount: 5, retentionDays: 4, messagesPerTask: 10 },
    });
  });

  it('fills the job defaults', () => {
    expect(
      serviceSchema.parse({ type: 'job', image: { from: 'web' }, command: ['x'], schedule: 'rate(1 day)' }),
    ).toMatchObject({ timeoutMinutes: 60, retries: 2 });
  });

  it('rejects a port on a worker', () => {
    expect(messagesOfService('mailer', { type: 'worker', image: { from: 'web' }, port: 3000 })).toEqual([
      'services.mailer.port: unknown key; known keys: type, image, command, user, cpu, memoryMiB, environment, secrets, database, calls, migrate, migrationsPath, queue [SW101]',
    ]);
  });

  it('rejects a route on a backend', () => {
    expect(
      messagesOfService('api', { type: 'backend', image: { from: 'web' }, route: { paths: ['/api/*'] } }),
    ).toEqual([
      'services.api.route: unknown key; known keys: type, image, command, user, cpu, memoryMiB, environment, secrets, database, calls, migrate, migrationsPath, port, healthPath, healthCheck, shutdownSeconds [SW101]',
    ]);
  });

  it('rejects an unknown type, listing the four', () => {
    expect(messagesOfService('api', { type: 'lambda', image: { from: 'web' } })).toEqual([
      'services.api.type: got "lambda"; expected "web" | "backend" | "worker" | "job" [SW103]',
    ]);
  });

  it('rejects a root user, as app.user does', () => {
    expect(messagesOfService('api', { type: 'backend', image: { from: 'web' }, user: 'root' })).toEqual([
      'services.api.user: got "root"; expected a non-root user: uid:gid, uid or a name, not root or 0 [SW105]',
    ]);
  });
});
