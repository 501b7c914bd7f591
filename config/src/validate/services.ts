import { closest } from '../closest.ts';
import { producerQueueVariable, WORKER_QUEUE_URL_VARIABLE } from '../contract/worker.ts';
import type { ConfigError } from '../errors.ts';
import { FARGATE_CPU_UNITS } from '../fargate.ts';
import { APP_KEYS_WITH_SERVICES, defaultWebService } from '../services/declared.ts';
import { scheduleProblem } from '../services/schedule.ts';
import type { ServiceConfig, ServicesConfig, SlipwayConfig } from '../types.ts';
import { reservedError, variableErrors } from './app.ts';
import { err, isObject } from './util.ts';

/* Rules across the declared services: names that must exist, one default, one migration owner. */

const at = (name: string, key: string) => `services.${name}.${key}`;

/** "did you mean" for a service name, else the names there are. */
export function unknownService(got: string, known: readonly string[]): string {
  const near = closest(got, known);
  const hint = near ? `did you mean "${near}"?` : `declared services: ${known.join(', ') || 'none'}`;
  return `got "${got}", which is not a service; ${hint}`;
}

/**
 * With `services`, `app` keeps only `name` and `database`: any other key the user wrote there
 * belongs to a service. Read from the raw input, as the parsed `app` has every default filled in.
 */
export function misplacedAppKeys(raw: unknown, services: ServicesConfig | undefined): ConfigError[] {
  if (!isObject(raw) || !isObject(raw.services) || !isObject(raw.app)) return [];
  const web = services && defaultWebService(services);
  const target = web?.[0] ?? '<name>';
  return Object.keys(raw.app)
    .filter((key) => !(APP_KEYS_WITH_SERVICES as readonly string[]).includes(key))
    .map((key) => {
      const moved =
        key === 'migrateCommand'
          ? 'services.<name>.migrate (the service that owns the schema)'
          : `services.${target}.${key}`;
      return err(
        `app.${key}`,
        'SW158',
        `with services, app holds only name and database; move ${key} to ${moved}`,
      );
    });
}

/** The rules on one declared service. */
function serviceErrors(
  name: string,
  service: ServiceConfig,
  services: ServicesConfig,
  appDatabase: boolean,
  known: readonly string[],
): ConfigError[] {
  const errors: ConfigError[] = variableErrors(`services.${name}`, service);
  service.calls.forEach((callee, i) => {
    const target = services[callee];
    if (known.includes(callee) && !target) return; // it failed its own schema, reported there
    if (!target) errors.push(err(at(name, `calls.${i}`), 'SW150', unknownService(callee, known)));
    else if (target.type === 'web' || target.type === 'job')
      errors.push(
        err(
          at(name, `calls.${i}`),
          'SW151',
          `got "${callee}", a ${target.type} service; calls lists backend services and workers only`,
        ),
      );
    else if (service.type === 'job' && target.type === 'backend')
      errors.push(
        err(
          at(name, `calls.${i}`),
          'SW162',
          `got "${callee}", a backend service; a job runs as a one-off task, which cannot join Service Connect and so cannot reach ${callee}.<env>.internal; let the job send work to a worker that calls ${callee}, or make ${callee} a web service with a route`,
        ),
      );
  });
  if ('from' in service.image && !known.includes(service.image.from))
    errors.push(err(at(name, 'image.from'), 'SW150', unknownService(service.image.from, known)));
  if (service.database && !appDatabase)
    errors.push(
      err(
        at(name, 'database'),
        'SW157',
        'got true, and app.database is false; the app has no database to give',
      ),
    );
  if (service.migrationsPath !== undefined && !service.migrate)
    errors.push(
      err(
        at(name, 'migrationsPath'),
        'SW163',
        `a migrations folder without a migrate command; set services.${name}.migrate or remove migrationsPath`,
      ),
    );
  if (service.migrate && !service.database)
    errors.push(
      err(at(name, 'migrate'), 'SW156', `migrations need the database; set services.${name}.database: true`),
    );
  if (service.cpu !== undefined && !FARGATE_CPU_UNITS.includes(service.cpu))
    errors.push(
      err(
        at(name, 'cpu'),
        'SW110',
        `got ${service.cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`,
      ),
    );
  if (service.type === 'job') {
    const problem = scheduleProblem(service.schedule);
    if (problem)
      errors.push(err(at(name, 'schedule'), 'SW159', `got "${service.schedule}"; expected ${problem}`));
  }
  errors.push(...queueVariableErrors(name, service, services));
  return errors;
}

/** Slipway sets `QUEUE_URL` in a worker and `<WORKER>_QUEUE_URL` in each service that calls it. */
function queueVariableErrors(name: string, service: ServiceConfig, services: ServicesConfig): ConfigError[] {
  const taken = service.calls
    .filter((callee) => services[callee]?.type === 'worker')
    .map(producerQueueVariable);
  if (service.type === 'worker') taken.push(WORKER_QUEUE_URL_VARIABLE);
  return (['environment', 'secrets'] as const).flatMap((kind) =>
    Object.keys(service[kind])
      .filter((key) => taken.includes(key))
      .map((key) => reservedError(at(name, `${kind}.${key}`), key)),
  );
}

/** `image.from` chains that come back to where they started. */
function imageCycles(services: ServicesConfig): ConfigError[] {
  const reported = new Set<string>();
  const errors: ConfigError[] = [];
  for (const start of Object.keys(services)) {
    const path: string[] = [];
    let current: string | undefined = start;
    while (current !== undefined && !path.includes(current)) {
      path.push(current);
      const image: ServiceConfig['image'] | undefined = services[current]?.image;
      current = image && 'from' in image ? image.from : undefined;
    }
    if (current === undefined || current !== start) continue;
    const cycle = [...path, start].join(' → ');
    if (path.some((n) => reported.has(n))) continue;
    for (const n of path) reported.add(n);
    errors.push(
      err(
        at(start, 'image.from'),
        'SW152',
        `image.from goes round in a cycle: ${cycle}; one of them must build or name its own image`,
      ),
    );
  }
  return errors;
}

/** Exactly one web service without a route; no two routes matching the same host and path. */
function routeErrors(services: ServicesConfig): ConfigError[] {
  const webs = Object.entries(services).filter(
    (e): e is [string, Extract<ServiceConfig, { type: 'web' }>] => e[1].type === 'web',
  );
  const defaults = webs.filter(([, s]) => s.route === undefined).map(([n]) => n);
  const errors: ConfigError[] = [];
  if (defaults.length === 0)
    errors.push(
      err(
        'services',
        'SW154',
        webs.length === 0
          ? 'no web service; declare one with type: "web" and no route (it takes every request)'
          : `every web service has a route (${webs.map(([n]) => n).join(', ')}); leave route off the one that takes every other request`,
      ),
    );
  for (const extra of defaults.slice(1))
    errors.push(
      err(
        at(extra, 'route'),
        'SW154',
        `${extra} and ${defaults[0]} both have no route, and only one web service takes every other request; give ${extra} a route, e.g. { paths: ['/${extra}/*'] }`,
      ),
    );
  const owner = new Map<string, string>();
  for (const [name, service] of webs) {
    if (!service.route) continue;
    for (const host of service.route.hosts ?? ['*'])
      for (const path of service.route.paths ?? ['/*']) {
        const key = `${host}${path}`;
        const first = owner.get(key);
        if (first === undefined) owner.set(key, name);
        else if (first !== name)
          errors.push(
            err(
              at(name, 'route'),
              'SW153',
              `${host === '*' ? '' : `host ${host}, `}path ${path} is already ${first}'s route; give each web service its own`,
            ),
          );
      }
  }
  return errors;
}

/** Every rule on `services` (none without it: the `app` shorthand is one valid web service). */
export function servicesErrors(config: SlipwayConfig, names?: readonly string[]): ConfigError[] {
  const services = config.services;
  if (services === undefined) return [];
  const known = names ?? Object.keys(services);
  const appDatabase = config.app.database !== false;
  const errors = Object.entries(services).flatMap(([name, s]) =>
    serviceErrors(name, s, services, appDatabase, known),
  );
  const migrators = Object.entries(services).filter(([, s]) => s.migrate !== undefined);
  for (const [name] of migrators.slice(1))
    errors.push(
      err(
        at(name, 'migrate'),
        'SW155',
        `${migrators[0]?.[0]} already migrates the database; only the service that owns the schema declares migrate`,
      ),
    );
  errors.push(...imageCycles(services));
  // Which service is the default depends on all of them: wait until every one passes its schema.
  if (known.every((n) => services[n])) errors.push(...routeErrors(services));
  return errors;
}
