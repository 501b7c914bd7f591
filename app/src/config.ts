import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { type Static, Type } from 'typebox';
import pkg from '../package.json' with { type: 'json' };
import { compileEnvValidator } from './env-validator.ts';

/**
 * The service's configuration: environment variables only, validated once at start.
 *
 * The schema below (TypeBox, i.e. JSON Schema, validated by Ajv: the same toolchain as the request
 * schemas) is the single source of truth: the `Env` type is derived from it, and docs/service.md's
 * environment table is checked against its keys by a test. Every variable's `description` is the
 * sentence shown to the operator when a value is rejected: `PORT: got "abc"; expected an integer 1-65535`.
 *
 * Why not zod (used by config/): it would be a second validation library in the service's bundle,
 * and importing it cost ~20% of the start-up time budget when measured during development.
 */

/** The app package folder (`app/` in the repo, `/app` in the image): this file is one level below it, in `src/` or `dist/`. */
export const appRoot = fileURLToPath(new URL('..', import.meta.url));

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * Variables the AWS runtimes set in every task or function: ECS (Fargate platform 1.4 and later, and
 * EC2) sets the metadata endpoint and `AWS_EXECUTION_ENV`, Lambda sets `AWS_EXECUTION_ENV`. Source:
 * Amazon ECS developer guide, "Task metadata endpoint version 4"; AWS Lambda developer guide,
 * "Defined runtime environment variables" (read 2026-12).
 */
const AWS_RUNTIME_VARIABLES = [
  'ECS_CONTAINER_METADATA_URI_V4',
  'ECS_CONTAINER_METADATA_URI',
  'AWS_EXECUTION_ENV',
];

function int(min: number, max: number, defaultValue?: number) {
  return Type.Integer({
    minimum: min,
    maximum: max,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    description: `an integer ${min}-${max}`,
  });
}

function oneOf<const T extends readonly string[]>(values: T, defaultValue: T[number]) {
  return Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    default: defaultValue,
    description: `one of ${values.join(', ')}`,
  });
}

function text(pattern: RegExp, allowed: string, defaultValue?: string) {
  return Type.String({
    pattern: pattern.source,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
    description: allowed,
  });
}

/** Where the embedded database keeps its data when DB_EMBEDDED_DIR is unset (git-ignored). */
const DEFAULT_DATA_DIR = join(appRoot, '.data', 'pglite');
/** Where the embedded database keeps PGlite's empty cluster, so a new database skips initdb (git-ignored). */
export const PRISTINE_CLUSTER_DIR = join(appRoot, '.data', 'cache');

/** The largest age `prune` accepts, in days (PRUNE_AFTER_DAYS and `--older-than-days`): a century. */
export const MAX_PRUNE_DAYS = 36500;

const HOST = /^[A-Za-z0-9.:-]{1,253}$/;
const HOST_ALLOWED = 'an IP address or a host name';
// http for local endpoints (moto_server, ElasticMQ); the account id and queue name as SQS has them.
const QUEUE_URL_PATTERN = /^https?:\/\/[A-Za-z0-9.:-]{1,253}\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;
const QUEUE_URL_ALLOWED = 'an SQS queue URL like https://sqs.eu-west-1.amazonaws.com/123456789012/name';

/** Environment variables read by the service. Unknown variables are ignored: the process environment is shared. */
export const envSchema = Type.Object({
  PORT: int(1, 65535, 3000),
  HOST: text(HOST, HOST_ALLOWED, '127.0.0.1'),
  NODE_ENV: oneOf(['production', 'development', 'test'], 'production'),
  APP_NAME: text(/^[A-Za-z0-9@/._-]{1,100}$/, 'letters, digits, @ / . _ - (1-100 characters)', pkg.name),
  APP_ENV: text(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and - (1-63 characters)', 'local'),
  APP_VERSION: Type.Optional(
    text(/^[0-9A-Za-z.+_-]{1,64}$/, 'a version like 1.4.2 (letters, digits, . + _ -)'),
  ),
  GIT_SHA: Type.Optional(text(/^[0-9A-Za-z._-]{1,64}$/, 'a commit sha (letters, digits, . _ -, at most 64)')),
  AWS_REGION: Type.Optional(text(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'an AWS region like eu-west-1')),
  LOG_LEVEL: oneOf(LOG_LEVELS, 'info'),
  // No default: unset means "pretty on a terminal outside AWS, else JSON" (resolveLogFormat).
  LOG_FORMAT: Type.Optional(
    Type.Unsafe<LogFormat>({
      type: 'string',
      enum: [...LOG_FORMATS],
      description: `one of ${LOG_FORMATS.join(', ')}`,
    }),
  ),
  // Half the 2 s `/ready` waits for the database, a fifth of the ALB's 5 s health-check timeout.
  HEALTH_CHECK_SLOW_MS: int(1, 60000, 1000),
  DATABASE_URL: Type.Optional(
    Type.String({ description: 'a URL like postgres://user:password@host:5432/db' }),
  ),
  DB_HOST: Type.Optional(text(HOST, HOST_ALLOWED)),
  DB_PORT: int(1, 65535, 5432),
  DB_NAME: text(/^\S{1,63}$/, 'a database name (1-63 characters, no spaces)', 'postgres'),
  DB_USER: text(/^\S{1,63}$/, 'a user name (1-63 characters, no spaces)', 'postgres'),
  DB_PASSWORD: Type.Optional(Type.String({ maxLength: 1024, description: 'at most 1024 characters' })),
  DB_SECRET_ARN: Type.Optional(
    text(
      /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
      'a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
    ),
  ),
  DB_SSL: oneOf(['disable', 'require'], 'disable'),
  DB_SCHEMA: text(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'a lower-case SQL identifier (a-z, 0-9, _; 1-63 characters)',
    'public',
  ),
  DB_POOL_MAX: int(1, 100, 10),
  DB_CONNECT_TIMEOUT_MS: int(100, 60000, 5000),
  DB_STATEMENT_TIMEOUT_MS: int(0, 600000, 15000),
  DB_EMBEDDED: oneOf(['file', 'memory'], 'file'),
  // Unset: DEFAULT_DATA_DIR. Not a schema default, which the build would fix to the folder it ran in
  // (src/env-validator.ts: the bundle's validator is compiled at build time).
  DB_EMBEDDED_DIR: Type.Optional(Type.String({ minLength: 1, description: 'a path' })),
  MIGRATE_ON_START: Type.Boolean({ default: true, description: 'true or false' }),
  // Slipway sets the container's stopTimeout (SIGKILL after SIGTERM) to this plus 5 s, and Fargate
  // allows at most 120 s: 115 s is the most a drain can take and still end with the service's own exit.
  SHUTDOWN_TIMEOUT_MS: int(0, 115000, 10000),
  SHUTDOWN_DELAY_MS: int(0, 20000, 0),
  BODY_LIMIT_BYTES: int(1024, 10485760, 65536),
  // Set by Slipway only where the environment is served over HTTPS; at most two years (HSTS practice).
  HSTS_MAX_AGE: int(0, 63072000, 0),
  // Names from config/src/contract/worker.ts (QUEUE_URL, and producerQueueVariable('worker')).
  QUEUE_URL: Type.Optional(text(QUEUE_URL_PATTERN, QUEUE_URL_ALLOWED)),
  WORKER_QUEUE_URL: Type.Optional(text(QUEUE_URL_PATTERN, QUEUE_URL_ALLOWED)),
  PRUNE_AFTER_DAYS: int(1, MAX_PRUNE_DAYS, 30),
});

export type Env = Static<typeof envSchema>;

interface EnvProperty {
  readonly type?: string;
  readonly description: string;
}

let validateEnv: ValidateFunction | undefined;

/** What is wrong with a DATABASE_URL, or undefined. */
function postgresUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'a URL like postgres://user:password@host:5432/db';
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
    return 'a postgres:// or postgresql:// URL';
  // pg lets URL parameters override the `ssl` object, which would silently drop CA verification.
  if (url.searchParams.has('sslmode') || url.searchParams.has('ssl')) {
    return 'no sslmode/ssl parameter in the URL; use DB_SSL instead';
  }
  return undefined;
}

/** Variables whose value must never be printed, not even in an error message. */
const SECRET_VARS: ReadonlySet<string> = new Set(['DATABASE_URL', 'DB_PASSWORD']);

export type DatabaseTarget =
  | {
      readonly kind: 'server';
      readonly connectionString?: string;
      readonly host?: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly password?: string;
      /** Secret to re-read the password from when it rotates (DB_SECRET_ARN). */
      readonly secretArn?: string;
      readonly ssl: 'disable' | 'require';
    }
  | { readonly kind: 'embedded'; readonly mode: 'file' | 'memory'; readonly dataDir: string };

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly nodeEnv: Env['NODE_ENV'];
  readonly name: string;
  readonly environment: string;
  readonly version: string;
  readonly commit: string;
  readonly region: string | null;
  readonly logLevel: Env['LOG_LEVEL'];
  /** JSON lines, or pino-pretty's one line per entry for a person at a terminal. */
  readonly logFormat: LogFormat;
  /**
   * A health check (`/health`, `/ready`) that took at least this many milliseconds is logged at warn;
   * faster successful ones only at debug (HEALTH_CHECK_SLOW_MS).
   */
  readonly healthCheckSlowMs: number;
  readonly database: DatabaseTarget;
  readonly dbSchema: string;
  readonly dbPoolMax: number;
  readonly dbConnectTimeoutMs: number;
  readonly dbStatementTimeoutMs: number;
  readonly migrateOnStart: boolean;
  readonly shutdownTimeoutMs: number;
  readonly shutdownDelayMs: number;
  readonly bodyLimitBytes: number;
  /** `Strict-Transport-Security` max-age for requests that reached the edge over HTTPS; 0: never sent. */
  readonly hstsMaxAgeSeconds: number;
  /** The queue the `worker` command consumes (QUEUE_URL); null: the command refuses to start. */
  readonly queueUrl: string | null;
  /** The worker's queue, for `POST /api/items/:id/process` (WORKER_QUEUE_URL); null: that route answers 503. */
  readonly workerQueueUrl: string | null;
  /** Default age in days past which `prune` deletes items (PRUNE_AFTER_DAYS). */
  readonly pruneAfterDays: number;
}

/** All configuration problems found, one line each (`NAME: got "value"; expected ...`). */
export class ConfigError extends Error {
  readonly lines: readonly string[];
  constructor(lines: readonly string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
    this.lines = lines;
  }
}

function shown(name: string, raw: string | undefined): string {
  if (raw === undefined) return 'nothing';
  return SECRET_VARS.has(name) ? '(hidden)' : JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
}

export interface ConfigOverrides {
  /** `--memory`: the embedded database in memory, whatever DB_EMBEDDED says. */
  readonly embedded?: 'memory';
  /**
   * Whether stdout is a terminal; with LOG_FORMAT unset, a terminal outside AWS gets pretty logs.
   * @default false (JSON lines)
   */
  readonly terminal?: boolean;
}

/**
 * LOG_FORMAT when set; else pretty on a terminal unless an AWS runtime variable says the process
 * runs in ECS or Lambda (where a pseudo-terminal must not turn CloudWatch's lines into prose).
 */
export function resolveLogFormat(
  requested: LogFormat | undefined,
  env: Readonly<Record<string, string | undefined>>,
  terminal: boolean,
): LogFormat {
  if (requested) return requested;
  const inAws = AWS_RUNTIME_VARIABLES.some((name) => env[name]);
  return terminal && !inAws ? 'pretty' : 'json';
}

/**
 * Reads and validates the configuration. Empty variables count as unset (`PORT=` means the default).
 * @throws ConfigError listing every invalid variable, one line each.
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: ConfigOverrides = {},
): Config {
  const e = parseEnv(env, overrides);
  checkCombinations(e);
  return toConfig(e, resolveLogFormat(e.LOG_FORMAT, env, overrides.terminal ?? false));
}

/** Each variable against the schema (types, ranges, defaults); every invalid one is reported at once. */
function parseEnv(
  env: Readonly<Record<string, string | undefined>>,
  overrides: { readonly embedded?: 'memory' },
): Env {
  const input: Record<string, unknown> = {};
  const raw: Record<string, string> = {};
  const lines = new Map<string, string>();
  const fail = (name: string, allowed: string) => {
    if (!lines.has(name)) lines.set(name, `${name}: got ${shown(name, raw[name])}; expected ${allowed}`);
  };
  const properties = envSchema.properties as unknown as Record<string, EnvProperty>;
  for (const [name, schema] of Object.entries(properties)) {
    const value = name === 'DB_EMBEDDED' && overrides.embedded ? overrides.embedded : env[name];
    if (value === undefined || value === '') continue;
    raw[name] = value;
    // Ajv would coerce "1e3" or " 30" to numbers; an integer variable is digits only.
    if (schema.type === 'integer' && !/^\d{1,9}$/.test(value)) fail(name, schema.description);
    else input[name] = value;
  }
  validateEnv ??= compileEnvValidator(envSchema);
  if (!validateEnv(input)) {
    for (const error of validateEnv.errors ?? []) {
      const name = error.instancePath.split('/')[1] ?? '';
      fail(name, properties[name]?.description ?? 'a valid value');
    }
  }
  if (raw.DATABASE_URL !== undefined && !lines.has('DATABASE_URL')) {
    const problem = postgresUrlProblem(raw.DATABASE_URL);
    if (problem) fail('DATABASE_URL', problem);
  }
  if (lines.size > 0) {
    // In schema order, like the docs.
    const order = Object.keys(envSchema.properties);
    throw new ConfigError(
      [...lines.entries()].sort((x, y) => order.indexOf(x[0]) - order.indexOf(y[0])).map((e) => e[1]),
    );
  }
  return input as Env;
}

/** Variables that are valid alone but not together. */
function checkCombinations(e: Env): void {
  const problems: string[] = [];
  if (e.DATABASE_URL !== undefined && e.DB_HOST !== undefined) {
    problems.push(
      `DATABASE_URL: got (hidden) and DB_HOST: got ${shown('DB_HOST', e.DB_HOST)}; expected only one of them (unset one)`,
    );
  }
  const hasServer = e.DATABASE_URL !== undefined || e.DB_HOST !== undefined;
  if (!hasServer && e.DB_SECRET_ARN !== undefined) {
    problems.push(
      'DB_SECRET_ARN: got an ARN; expected a database server whose password it holds (set DB_HOST or DATABASE_URL, or unset DB_SECRET_ARN)',
    );
  }
  if (!hasServer && e.DB_SSL === 'require') {
    problems.push(
      'DB_SSL: got "require"; expected a database server to connect to (set DB_HOST or DATABASE_URL)',
    );
  }
  if (e.SHUTDOWN_DELAY_MS >= e.SHUTDOWN_TIMEOUT_MS && e.SHUTDOWN_DELAY_MS > 0) {
    problems.push(
      `SHUTDOWN_DELAY_MS: got "${e.SHUTDOWN_DELAY_MS}"; expected less than SHUTDOWN_TIMEOUT_MS (${e.SHUTDOWN_TIMEOUT_MS}), which bounds the whole shutdown`,
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

function toConfig(e: Env, logFormat: LogFormat): Config {
  const hasServer = e.DATABASE_URL !== undefined || e.DB_HOST !== undefined;
  const database: DatabaseTarget = hasServer
    ? {
        kind: 'server',
        ...(e.DATABASE_URL === undefined ? {} : { connectionString: e.DATABASE_URL }),
        ...(e.DB_HOST === undefined ? {} : { host: e.DB_HOST }),
        port: e.DB_PORT,
        database: e.DB_NAME,
        user: e.DB_USER,
        ...(e.DB_PASSWORD === undefined ? {} : { password: e.DB_PASSWORD }),
        ...(e.DB_SECRET_ARN === undefined ? {} : { secretArn: e.DB_SECRET_ARN }),
        ssl: e.DB_SSL,
      }
    : { kind: 'embedded', mode: e.DB_EMBEDDED, dataDir: e.DB_EMBEDDED_DIR ?? DEFAULT_DATA_DIR };

  return {
    port: e.PORT,
    host: e.HOST,
    nodeEnv: e.NODE_ENV,
    name: e.APP_NAME,
    environment: e.APP_ENV,
    version: e.APP_VERSION ?? pkg.version,
    commit: e.GIT_SHA ?? 'unknown',
    region: e.AWS_REGION ?? null,
    logLevel: e.LOG_LEVEL,
    logFormat,
    healthCheckSlowMs: e.HEALTH_CHECK_SLOW_MS,
    database,
    dbSchema: e.DB_SCHEMA,
    dbPoolMax: e.DB_POOL_MAX,
    dbConnectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
    dbStatementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    migrateOnStart: e.MIGRATE_ON_START,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    shutdownDelayMs: e.SHUTDOWN_DELAY_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    hstsMaxAgeSeconds: e.HSTS_MAX_AGE,
    queueUrl: e.QUEUE_URL ?? null,
    workerQueueUrl: e.WORKER_QUEUE_URL ?? null,
    pruneAfterDays: e.PRUNE_AFTER_DAYS,
  };
}
