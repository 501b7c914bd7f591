import type { AppConfig, ServiceConfig, ServicesConfig, SlipwayConfig } from '../types.ts';

/*
 * The services a config declares: its `services`, or the one web service the `app` shorthand
 * means. Everything that reads services starts here, so the shorthand is one function.
 */

/** The name the `app` shorthand gives its one service. */
export const SHORTHAND_SERVICE = 'web';

/** The keys `app` keeps when `services` is given; every other key belongs to a service. */
export const APP_KEYS_WITH_SERVICES = ['name', 'database'] as const;

/**
 * The one web service `app: { name, image, port, … }` means. Its `cpu` and `memoryMiB` stay unset:
 * the app's sizes are every environment's fallback (`environments.<env>.service` wins over them),
 * exactly as before services existed.
 */
export function shorthandService(app: AppConfig): ServiceConfig {
  const hasDatabase = app.database !== false;
  return {
    type: 'web',
    image: app.image,
    command: undefined,
    user: app.user,
    cpu: undefined,
    memoryMiB: undefined,
    environment: app.environment,
    secrets: app.secrets,
    database: hasDatabase,
    calls: [],
    migrate: hasDatabase ? app.migrateCommand : undefined,
    port: app.port,
    healthPath: app.healthPath,
    healthCheck: app.healthCheck,
    readyPath: app.readyPath,
    shutdownSeconds: app.shutdownSeconds,
    hstsMaxAgeSeconds: app.hstsMaxAgeSeconds,
    route: undefined,
  };
}

/** The declared services in declaration order: `services`, or `{ web: … }` made of `app`. */
export function declaredServices(config: Pick<SlipwayConfig, 'app' | 'services'>): ServicesConfig {
  return config.services ?? { [SHORTHAND_SERVICE]: shorthandService(config.app) };
}

/** The web service without a route (it takes every request no route matches), if exactly one is. */
export function defaultWebService(
  services: ServicesConfig,
): [name: string, service: Extract<ServiceConfig, { type: 'web' }>] | undefined {
  const defaults = Object.entries(services).filter(
    (entry): entry is [string, Extract<ServiceConfig, { type: 'web' }>] =>
      entry[1].type === 'web' && entry[1].route === undefined,
  );
  return defaults.length === 1 ? defaults[0] : undefined;
}

/** A concrete image: built here from a Dockerfile, or pulled by URI. */
export type ConcreteImage = AppConfig['image'];

/**
 * The image `name` runs, following `from` to the service that builds or names it (its owner).
 * Undefined when `from` names an unknown service or goes round in a cycle (validation reports both).
 */
export function concreteImage(
  services: ServicesConfig,
  name: string,
): { image: ConcreteImage; owner: string } | undefined {
  const seen = new Set<string>();
  let current = name;
  for (;;) {
    const service = services[current];
    if (!service || seen.has(current)) return undefined;
    seen.add(current);
    if (!('from' in service.image)) return { image: service.image, owner: current };
    current = service.image.from;
  }
}

/** The service that owns the database schema (declares `migrate`), if one does. */
export function migrationOwner(services: ServicesConfig): [string, ServiceConfig] | undefined {
  return Object.entries(services).find(([, s]) => s.migrate !== undefined);
}
