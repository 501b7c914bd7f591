import type { SlipwayConfigInput } from '../types.ts';

/*
 * A config with one service of each type (and a second web service on a route), shared by the
 * services tests: web (default, owns the schema) calls the backend `api` and sends to the worker
 * `mailer`; `admin` and `mailer` run web's image; the job `nightly` runs admin's, so web's.
 */
export function servicesConfig(): SlipwayConfigInput {
  return {
    app: { name: 'demo' },
    services: {
      web: {
        type: 'web',
        image: { build: {} },
        database: true,
        migrate: ['node', 'dist/main.js', 'migrate'],
        calls: ['api', 'mailer'],
        environment: { LOG_LEVEL: 'info' },
      },
      admin: { type: 'web', image: { from: 'web' }, route: { paths: ['/admin/*'] } },
      api: {
        type: 'backend',
        image: { uri: 'public.ecr.aws/example/api:1.4.2' },
        port: 8080,
        cpu: 512,
        memoryMiB: 1024,
      },
      mailer: { type: 'worker', image: { from: 'web' }, command: ['node', 'dist/mailer.js'] },
      nightly: {
        type: 'job',
        image: { from: 'admin' },
        command: ['node', 'dist/report.js'],
        schedule: 'cron(0 3 * * ? *)',
      },
    },
    environments: {
      dev: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' } },
      prod: {
        account: '222222222222',
        region: 'af-south-1',
        protected: true,
        network: { cidr: '10.0.0.0/16' },
        alarms: { email: ['oncall@example.com'] },
      },
    },
  };
}
