/*
 * Validation of `services` and of `environments.<env>.services`. Each test starts from the valid
 * fixture (one service of each type) and breaks one thing, expecting exactly the error that names
 * it, with its message:
 *   SW150 unknown service (calls, image.from, per-environment settings), with a suggestion
 *   SW151 calling a web or job service          SW152 image.from cycle
 *   SW153 two web services share a route        SW154 no default web service, or two
 *   SW155 two services migrate                  SW156 migrate without database
 *   SW157 service database without app database SW158 a service key left under app
 *   SW159 invalid schedule expression           SW160 a per-environment key the type does not take
 *   SW162 a job calling a backend (a RunTask task cannot be a Service Connect client)
 * and the existing rules applied per service: Fargate sizes (SW110), task counts (SW111),
 * variables (SW118, SW119, SW130, including the queue variables Slipway sets).
 */
// cspell:ignore mailr nightlly wbe
import { describe, expect, it } from 'vitest';
import { formatConfigError } from '../errors.ts';
import { servicesConfig } from '../services/fixtures.ts';
import type { SlipwayConfigInput } from '../types.ts';
import { validateConfig } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests write deliberately invalid values
type Loose = Record<string, any>;

function messagesOf(mutate: (services: Loose, c: SlipwayConfigInput & Loose) => void): string[] {
  const config = structuredClone(servicesConfig()) as SlipwayConfigInput & Loose;
  mutate(config.services as Loose, config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map(formatConfigError);
}

const envOf = (c: Loose, name: string): Loose => c.environments[name];

describe('validateConfig with services', () => {
  it('accepts one service of each type', () => {
    expect(messagesOf(() => {})).toEqual([]);
  });

  it('rejects a call to an unknown service and suggests the closest name (SW150)', () => {
    expect(messagesOf((s) => (s.web.calls = ['api', 'mailr']))).toEqual([
      'services.web.calls.1: got "mailr", which is not a service; did you mean "mailer"? [SW150]',
    ]);
  });

  it('rejects image.from naming an unknown service (SW150)', () => {
    expect(messagesOf((s) => (s.mailer.image = { from: 'wbe' }))).toEqual([
      'services.mailer.image.from: got "wbe", which is not a service; did you mean "web"? [SW150]',
    ]);
  });

  it('rejects per-environment settings of an unknown service (SW150)', () => {
    expect(messagesOf((_, c) => (envOf(c, 'dev').services = { nightlly: { enabled: false } }))).toEqual([
      'environments.dev.services.nightlly: got "nightlly", which is not a service; did you mean "nightly"? [SW150]',
    ]);
  });

  it('does not call a service unknown when it only failed its own schema', () => {
    expect(messagesOf((s) => (s.api.prot = 8080))).toEqual([
      'services.api.prot: unknown key; did you mean "port"? [SW101]',
    ]);
  });

  it('rejects a call to a web or a job service (SW151)', () => {
    expect(messagesOf((s) => (s.mailer.calls = ['admin', 'nightly']))).toEqual([
      'services.mailer.calls.0: got "admin", a web service; calls lists backend services and workers only [SW151]',
      'services.mailer.calls.1: got "nightly", a job service; calls lists backend services and workers only [SW151]',
    ]);
  });

  it('rejects a job calling a backend, and accepts a job sending to a worker (SW162)', () => {
    expect(messagesOf((s) => (s.nightly.calls = ['api', 'mailer']))).toEqual([
      'services.nightly.calls.0: got "api", a backend service; a job runs as a one-off task, which cannot join Service Connect and so cannot reach api.<env>.internal; let the job send work to a worker that calls api, or make api a web service with a route [SW162]',
    ]);
  });

  it('rejects an image.from cycle once, naming every service in it (SW152)', () => {
    expect(
      messagesOf((s) => {
        s.web.image = { from: 'nightly' };
      }),
    ).toEqual([
      'services.web.image.from: image.from goes round in a cycle: web → nightly → admin → web; one of them must build or name its own image [SW152]',
    ]);
  });

  it('accepts image.from pointing at a service that runs an image uri', () => {
    expect(messagesOf((s) => (s.mailer.image = { from: 'api' }))).toEqual([]);
  });

  it('rejects two web services with the same route (SW153)', () => {
    expect(
      messagesOf((s) => {
        s.docs = { type: 'web', image: { from: 'web' }, route: { paths: ['/docs/*', '/admin/*'] } };
      }),
    ).toEqual([
      "services.docs.route: path /admin/* is already admin's route; give each web service its own [SW153]",
    ]);
  });

  it('tells routes on different hosts apart', () => {
    expect(
      messagesOf((s) => {
        s.admin.route = { hosts: ['admin.example.com'], paths: ['/admin/*'] };
        s.docs = {
          type: 'web',
          image: { from: 'web' },
          route: { hosts: ['docs.example.com'], paths: ['/admin/*'] },
        };
      }),
    ).toEqual([]);
  });

  it('rejects a second web service without a route (SW154)', () => {
    expect(messagesOf((s) => delete s.admin.route)).toEqual([
      "services.admin.route: admin and web both have no route, and only one web service takes every other request; give admin a route, e.g. { paths: ['/admin/*'] } [SW154]",
    ]);
  });

  it('rejects services whose web services all have routes (SW154)', () => {
    expect(messagesOf((s) => (s.web.route = { paths: ['/app/*'] }))).toEqual([
      'services: every web service has a route (web, admin); leave route off the one that takes every other request [SW154]',
    ]);
  });

  it('rejects services without a web service (SW154)', () => {
    expect(
      messagesOf((s) => {
        s.web.type = 'backend';
        delete s.web.readyPath;
        s.admin = { type: 'backend', image: { from: 'web' } };
        s.nightly.image = { from: 'web' };
      }),
    ).toEqual([
      'services: no web service; declare one with type: "web" and no route (it takes every request) [SW154]',
    ]);
  });

  it('rejects a second service that migrates (SW155)', () => {
    expect(
      messagesOf((s) => {
        s.api.database = true;
        s.api.migrate = ['migrate'];
      }),
    ).toEqual([
      'services.api.migrate: web already migrates the database; only the service that owns the schema declares migrate [SW155]',
    ]);
  });

  it('rejects migrate on a service without the database (SW156)', () => {
    expect(messagesOf((s) => (s.web.database = false))).toEqual([
      'services.web.migrate: migrations need the database; set services.web.database: true [SW156]',
    ]);
  });

  it('rejects a service database when the app has none (SW157)', () => {
    expect(
      messagesOf((s, c) => {
        c.app.database = false;
        delete s.web.migrate;
      }),
    ).toEqual([
      'services.web.database: got true, and app.database is false; the app has no database to give [SW157]',
    ]);
  });

  it('rejects a service key left under app, showing where it goes (SW158)', () => {
    expect(
      messagesOf((_, c) => {
        c.app.port = 8080;
        c.app.migrateCommand = ['migrate'];
      }),
    ).toEqual([
      'app.port: with services, app holds only name and database; move port to services.web.port [SW158]',
      'app.migrateCommand: with services, app holds only name and database; move migrateCommand to services.<name>.migrate (the service that owns the schema) [SW158]',
    ]);
  });

  it('rejects an invalid schedule, in the service and per environment (SW159)', () => {
    expect(
      messagesOf((s, c) => {
        s.nightly.schedule = 'cron(0 3 * * * *)';
        envOf(c, 'dev').services = { nightly: { schedule: 'rate(1 hours)' } };
      }),
    ).toEqual([
      'services.nightly.schedule: got "cron(0 3 * * * *)"; expected valid cron fields, with ? in day-of-month or day-of-week, e.g. cron(0 3 * * ? *) or cron(0 8 ? * MON-FRI *) [SW159]',
      'environments.dev.services.nightly.schedule: got "rate(1 hours)"; expected a singular unit for 1, e.g. rate(1 hour) [SW159]',
    ]);
  });

  it('rejects per-environment keys the service type does not take (SW160)', () => {
    expect(
      messagesOf((_, c) => {
        envOf(c, 'dev').services = {
          web: { enabled: false, messagesPerTask: 5 },
          mailer: { scaleOnCpuPercent: 50 },
          nightly: { minTasks: 1 },
        };
      }),
    ).toEqual([
      'environments.dev.services.web.messagesPerTask: web is a web service, and messagesPerTask applies to worker services only [SW160]',
      'environments.dev.services.web.enabled: web is a web service, and enabled applies to job services only [SW160]',
      'environments.dev.services.mailer.scaleOnCpuPercent: mailer is a worker service, and scaleOnCpuPercent applies to web and backend services only [SW160]',
      'environments.dev.services.nightly.minTasks: nightly is a job service, and minTasks applies to web and backend and worker services only [SW160]',
    ]);
  });

  it('rejects a Fargate size a service sets, at the key that set it (SW110)', () => {
    expect(
      messagesOf((s, c) => {
        s.api.memoryMiB = 512;
        envOf(c, 'prod').services = { mailer: { cpu: 300 } };
      }),
    ).toEqual([
      'services.api.memoryMiB: api: got 512 with cpu 512; Fargate allows memoryMiB 1024, 2048, 3072, 4096 for cpu 512 [SW110]',
      'environments.prod.services.mailer.cpu: mailer: got 300; Fargate allows 256, 512, 1024, 2048, 4096, 8192, 16384 CPU units [SW110]',
    ]);
  });

  it('rejects a worker minTasks above its maxTasks (SW111)', () => {
    expect(
      messagesOf((_, c) => (envOf(c, 'dev').services = { mailer: { minTasks: 3, maxTasks: 2 } })),
    ).toEqual([
      'environments.dev.services.mailer.minTasks: mailer: got minTasks 3 above maxTasks 2; minTasks ≤ maxTasks [SW111]',
    ]);
  });

  it('raises a worker maxTasks above the minTasks it is given by default', () => {
    expect(messagesOf((_, c) => (envOf(c, 'dev').services = { mailer: { minTasks: 3 } }))).toEqual([]);
  });

  it('rejects a service variable named like a secret or set twice (SW118, SW119)', () => {
    expect(
      messagesOf((s) => {
        s.api.environment = { STRIPE_API_KEY: 'x', REGION_LABEL: 'za' };
        s.api.secrets = { REGION_LABEL: { ssmParameter: '/demo/region' } };
      }),
    ).toEqual([
      'services.api.environment.STRIPE_API_KEY: STRIPE_API_KEY looks like a secret; plain environment variables are visible in the task definition, use services.api.secrets.STRIPE_API_KEY [SW118]',
      'services.api.secrets.REGION_LABEL: REGION_LABEL is also in services.api.environment; keep it in one place [SW119]',
    ]);
  });

  it('rejects the queue variables Slipway sets, in the worker and in its callers (SW130)', () => {
    expect(
      messagesOf((s, c) => {
        s.mailer.environment = { QUEUE_URL: 'x' };
        s.web.environment = { MAILER_QUEUE_URL: 'x' };
        envOf(c, 'dev').services = { web: { environment: { PORT: '1' } } };
      }),
    ).toEqual([
      'services.web.environment.MAILER_QUEUE_URL: MAILER_QUEUE_URL collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_MAILER_QUEUE_URL [SW130]',
      'services.mailer.environment.QUEUE_URL: QUEUE_URL collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_QUEUE_URL [SW130]',
      'environments.dev.services.web.environment.PORT: PORT collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_PORT [SW130]',
    ]);
  });

  it('rejects a service name that is not a valid name', () => {
    expect(messagesOf((s) => (s.Web_2 = { type: 'worker', image: { from: 'web' } }))).toEqual([
      'services.Web_2: got "Web_2"; expected lowercase letters, digits and hyphens, starting with a letter, at most 20 characters [SW105]',
    ]);
  });

  it('rejects a job without a command or a schedule', () => {
    expect(messagesOf((s) => (s.nightly = { type: 'job', image: { from: 'web' } }))).toEqual([
      'services.nightly.command: missing; expected array [SW106]',
      'services.nightly.schedule: missing; expected string [SW106]',
    ]);
  });

  it('rejects a route with neither paths nor hosts', () => {
    expect(messagesOf((s) => (s.admin.route = {}))).toEqual([
      'services.admin.route: got {}; expected paths or hosts (or both) [SW105]',
    ]);
  });

  it('points a secret-looking per-environment variable of the shorthand at app.secrets (SW118)', () => {
    const config = structuredClone(servicesConfig()) as Loose;
    delete config.services;
    config.environments.dev.services = { web: { environment: { GITHUB_TOKEN: 'x' } } };
    const result = validateConfig(config);
    expect(result.ok ? [] : result.errors.map(formatConfigError)).toEqual([
      'environments.dev.services.web.environment.GITHUB_TOKEN: GITHUB_TOKEN looks like a secret; plain environment variables are visible in the task definition, use app.secrets.GITHUB_TOKEN [SW118]',
    ]);
  });

  it('rejects per-environment settings of a service the app shorthand does not have (SW150)', () => {
    const config = structuredClone(servicesConfig()) as Loose;
    delete config.services;
    config.environments.dev.services = { api: { cpu: 512 } };
    const result = validateConfig(config);
    expect(result.ok ? [] : result.errors.map(formatConfigError)).toEqual([
      'environments.dev.services.api: got "api", which is not a service; declared services: web [SW150]',
    ]);
  });

  it('lets the app shorthand take per-environment settings for its web service', () => {
    const config = structuredClone(servicesConfig()) as Loose;
    delete config.services;
    config.environments.dev.services = { web: { cpu: 512, memoryMiB: 1024 } };
    const result = validateConfig(config);
    expect(result.ok ? [] : result.errors.map(formatConfigError)).toEqual([]);
  });
});

describe('deploy.migrate with services', () => {
  it('rejects deploy.migrate: true when no service declares migrate (SW161)', () => {
    expect(
      messagesOf((s, c) => {
        delete s.web.migrate;
        envOf(c, 'dev').deploy = { migrate: true };
      }),
    ).toEqual([
      'environments.dev.deploy.migrate: got true, and no service declares migrate; declare it on the service that owns the schema, or drop deploy.migrate [SW161]',
    ]);
  });
});
