/*
 * The environment variables of the service container. Slipway sets the reserved ones itself
 * (infra's service stack and web service); the user's come from `app.environment` and
 * `app.secrets`. A user variable with a reserved name would appear twice in the container
 * definition, so config validation rejects it (SW119, SW130).
 */

/** Set by Slipway in every service container. */
const ALWAYS = {
  /** The port the service listens on (`app.port`). */
  PORT: 'PORT',
  /** Milliseconds the service has to drain after SIGTERM (`app.shutdownSeconds`). */
  SHUTDOWN_TIMEOUT_MS: 'SHUTDOWN_TIMEOUT_MS',
  /** The environment's name, e.g. `dev` or `pr-42`. */
  APP_ENV: 'APP_ENV',
  AWS_REGION: 'AWS_REGION',
  /** The image tag: the commit sha the pipeline built. */
  GIT_SHA: 'GIT_SHA',
} as const;

/** Set by Slipway when the app has a database (from the RDS secret's JSON fields, as ECS secrets). */
const WITH_DATABASE = {
  DB_HOST: 'DB_HOST',
  DB_PORT: 'DB_PORT',
  DB_NAME: 'DB_NAME',
  DB_USER: 'DB_USER',
  DB_PASSWORD: 'DB_PASSWORD',
  DB_SSL: 'DB_SSL',
  /** The RDS secret's ARN, so the service re-reads a rotated password. */
  DB_SECRET_ARN: 'DB_SECRET_ARN',
  /** Whether tasks migrate at start (rolling deployments, which have no lifecycle hooks). */
  MIGRATE_ON_START: 'MIGRATE_ON_START',
} as const;

/** Set by Slipway when the app has no database (and in previews): the embedded database's mode. */
const WITHOUT_DATABASE = {
  DB_EMBEDDED: 'DB_EMBEDDED',
} as const;

/** Set by Slipway when the environment is served over HTTPS. */
const WITH_HTTPS = {
  /**
   * Seconds of the `Strict-Transport-Security` max-age the service sends on requests that reached
   * the edge over HTTPS (`app.hstsMaxAgeSeconds`); unset or 0: no HSTS header.
   */
  HSTS_MAX_AGE: 'HSTS_MAX_AGE',
} as const;

/**
 * Read by the default service with a meaning of their own; Slipway does not set them, but a user
 * value would change how the service connects or reports itself.
 */
const READ_BY_SERVICE = {
  APP_VERSION: 'APP_VERSION',
  DATABASE_URL: 'DATABASE_URL',
  DB_EMBEDDED_DIR: 'DB_EMBEDDED_DIR',
} as const;

/** Every variable name Slipway sets in the service container, by name. */
export const CONTAINER_VARIABLES = {
  ...ALWAYS,
  ...WITH_DATABASE,
  ...WITHOUT_DATABASE,
  ...WITH_HTTPS,
} as const;

export type ContainerVariable = keyof typeof CONTAINER_VARIABLES;

/** Names a user may not give a variable or secret: the ones Slipway sets, and the ones the service reads. */
export const RESERVED_VARIABLES: ReadonlySet<string> = new Set([
  ...Object.keys(CONTAINER_VARIABLES),
  ...Object.keys(READ_BY_SERVICE),
]);

export function isReservedVariable(name: string): boolean {
  return RESERVED_VARIABLES.has(name);
}

/** The user's variable names, plain and secret, as they reach the container. */
export function userVariableNames(app: {
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, unknown>>;
}): string[] {
  return [...Object.keys(app.environment), ...Object.keys(app.secrets)];
}
