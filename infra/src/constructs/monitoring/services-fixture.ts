import type { SlipwayConfigInput } from '@slipway/config';

/**
 * For tests: turns the shipped config into one with a service of every type, the way a user
 * upgrading writes it: the `app` service becomes `web` (the default web service, which owns the
 * schema), beside `admin` (a second web service on `/admin/*`), `api` (backend), `mailer`
 * (worker) and `nightly` (job), all running web's image.
 */
export function withEveryServiceType(c: SlipwayConfigInput): void {
  const { name, database, migrateCommand: _migrate, ...web } = c.app;
  c.app = { name, database };
  c.services = {
    web: {
      ...web,
      type: 'web',
      image: web.image ?? { build: {} },
      database: true,
      migrate: ['node', 'dist/main.js', 'migrate'],
      calls: ['api', 'mailer'],
    },
    admin: { type: 'web', image: { from: 'web' }, route: { paths: ['/admin/*'] } },
    api: { type: 'backend', image: { from: 'web' }, port: 8080 },
    mailer: { type: 'worker', image: { from: 'web' }, command: ['node', 'dist/mailer.js'] },
    nightly: {
      type: 'job',
      image: { from: 'web' },
      command: ['node', 'dist/report.js'],
      schedule: 'cron(0 3 * * ? *)',
    },
  };
}

/** The services of `withEveryServiceType` other than the default web service, by type. */
export const EXTRA_SERVICES = { web: 'admin', backend: 'api', worker: 'mailer', job: 'nightly' } as const;
