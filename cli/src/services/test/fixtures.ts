import type { SlipwayConfig, SlipwayConfigInput } from '@slipway/config';
import { configVariant, toShorthand } from '@slipway/testing/synth';

/*
 * The shipped config (taken back to the `app` shorthand, then rebuilt) with one service of each kind, for the tests
 * of the commands that take `--service`: the default web service `web`, a second web service `api`
 * on /api/*, a worker `mailer` and a nightly job `prune`, all on web's image.
 */
export function withServices(input: SlipwayConfigInput): void {
  toShorthand(input);
  const app = input.app as Record<string, unknown>;
  input.app = { name: app.name, database: app.database } as SlipwayConfigInput['app'];
  input.services = {
    web: {
      type: 'web',
      image: app.image,
      port: app.port,
      healthPath: app.healthPath,
      database: true,
      migrate: ['node', 'dist/migrate.js'],
      calls: ['mailer'],
    },
    api: { type: 'web', image: { from: 'web' }, route: { paths: ['/api/*'] }, port: app.port },
    mailer: { type: 'worker', image: { from: 'web' }, command: ['node', 'dist/worker.js'] },
    prune: {
      type: 'job',
      image: { from: 'web' },
      command: ['node', 'dist/prune.js'],
      schedule: 'cron(0 3 * * ? *)',
    },
  } as SlipwayConfigInput['services'];
}

export function servicesConfig(): Promise<SlipwayConfig> {
  return configVariant(withServices);
}
