import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Ajv } from 'ajv';
import fastJson from 'fast-json-stringify';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import type pg from 'pg';
import type { Config } from './config.ts';
import bodyEncoding from './plugins/app/body-encoding.ts';
import errorHandler, { clientErrorHandler, sendError, toAppError } from './plugins/app/error-handler.ts';
import hsts from './plugins/app/hsts.ts';
import itemsRepository, { type ItemsRepositoryFactory } from './plugins/app/items-repository.ts';
import lifecycle from './plugins/app/lifecycle.ts';
import requestContext, {
  RequestLogController,
  requestIdOf,
  requestLoggerFactory,
} from './plugins/app/request-context.ts';
import workQueue from './plugins/app/work-queue.ts';
import env from './plugins/external/env.ts';
import postgres from './plugins/external/postgres.ts';
import itemsRoutes from './routes/api/items/index.ts';
import healthRoutes from './routes/health/index.ts';
import infoRoutes from './routes/info/index.ts';
import readyRoutes from './routes/ready/index.ts';
import rootRoutes from './routes/root.ts';
import { strictNumericStrings } from './schemas/strict-numbers.ts';
import { isTrustedProxy } from './trusted-proxy.ts';

/** The app with TypeBox schemas typing request and reply in route handlers. */
export type AppInstance = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export interface BuildAppOptions {
  readonly config: Config;
  /** `pg` client settings (src/db/connection.ts `clientConfig`). */
  readonly connection: pg.ClientConfig;
  /** Migrations this build ships; `/ready` checks the database has them all. */
  readonly migrations: readonly string[];
  readonly logger: FastifyBaseLogger;
  /**
   * Builds the items repository on the app's pool and DB_SCHEMA. The tests' seam: they pass a
   * subclass that holds a query in the database, so production code has no test-only branch.
   * @default the SQL repository (`new ItemsRepository(pool, schema)`)
   */
  readonly itemsRepository?: ItemsRepositoryFactory | undefined;
}

/**
 * Two validators: bodies are validated strictly (a number is not a string), while querystring and
 * params, which are always strings on the wire, are coerced to the schema's types. Both report every
 * error (allErrors), never drop unknown properties silently (removeAdditional: false: they are
 * rejected by `additionalProperties: false`), and fill defaults.
 *
 * allErrors is safe here because every string and array in an input schema has a maximum length and
 * the body is capped at BODY_LIMIT_BYTES (ajv's warning is about unbounded input).
 */
function validators() {
  const common = {
    allErrors: true,
    removeAdditional: false,
    useDefaults: true,
    strict: true,
    // The schemas are static and exercised by the tests; checking them against the JSON Schema
    // meta-schema at every start costs more than compiling them.
    validateSchema: false,
  } as const;
  // Created with the first schema compiled (see memoize).
  let bodyAjv: Ajv | undefined;
  let paramsAjv: Ajv | undefined;
  const body = memoize((schema: object) => {
    bodyAjv ??= new Ajv({ ...common, coerceTypes: false });
    return bodyAjv.compile(schema);
  });
  // Numbers in query strings and paths must be plain decimal (schemas/strict-numbers.ts says why).
  const params = memoize((schema: object) => {
    paramsAjv ??= new Ajv({ ...common, coerceTypes: 'array' });
    return strictNumericStrings(schema, paramsAjv.compile(schema));
  });
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    httpPart === 'body' ? body(schema) : params(schema);
}

/**
 * Compiles each distinct schema once, and only when a request first needs it. Fastify compiles per
 * route and status code, and most of them repeat (the error response on every route, the id
 * parameter on three). Compiling them all at start took most of the time between building the app
 * and the first `/ready` answer, while a load balancer's first requests (`/health`, `/ready`) use
 * their own response schemas only. The schemas are static and the tests exercise every route's, so
 * a schema error still shows before a release.
 */
function memoize<T extends Compiled>(compile: (schema: object) => T): (schema: object) => T {
  const compiled = new Map<string, T>();
  return (schema) => {
    const key = JSON.stringify(schema);
    let fn = compiled.get(key);
    if (fn === undefined) {
      fn = onFirstCall(() => compile(schema));
      compiled.set(key, fn);
    }
    return fn;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a compiled validator or serializer, whatever it takes
type Compiled = (...args: any[]) => unknown;

/**
 * A function that runs `compile()` on its first call and forwards every call to the result. Ajv
 * reports a failed validation in the function's `errors` property, which Fastify reads from the
 * function it was given when the call returns false: it is copied over then (only then, so a
 * passing validation or a serialization costs one call more and nothing else).
 */
function onFirstCall<T extends Compiled>(compile: () => T): T {
  let fn: T | undefined;
  const forward = ((...args: unknown[]) => {
    fn ??= compile();
    const result = fn(...args);
    if (result === false) forward.errors = (fn as { errors?: unknown }).errors;
    return result;
  }) as unknown as T & { errors?: unknown };
  forward.errors = null;
  return forward;
}

/** Response serializers (fast-json-stringify, fastify's default), compiled once per distinct schema. */
function serializers() {
  const serializer = memoize((schema: object) => fastJson(schema));
  return ({ schema }: { schema: object }) => serializer(schema);
}

/**
 * Builds the service (fastify/demo layout): external plugins (config, database pool), app plugins
 * (request ids and logging, drain behaviour, errors, repositories), then routes. Plugins are
 * registered explicitly rather than autoloaded, so esbuild can bundle them into one file.
 */
export async function buildApp(options: BuildAppOptions): Promise<AppInstance> {
  const { config } = options;
  const app = Fastify({
    loggerInstance: options.logger,
    // One line per request instead of fastify's two, and quiet health checks; request.log creates its
    // child logger on its first line (plugins/app/request-context.ts).
    logController: new RequestLogController({ slowHealthCheckMs: config.healthCheckSlowMs }),
    childLoggerFactory: requestLoggerFactory,
    genReqId: requestIdOf,
    bodyLimit: config.bodyLimitBytes,
    // Drain responses come from plugins/app/lifecycle.ts, in the service's error shape.
    return503OnClosing: false,
    // Above the ALB's 60 s idle timeout, so the ALB (not the service) closes idle connections and never
    // sends a request on a connection the service is closing. Source: AWS ELB docs, "Connection idle timeout".
    keepAliveTimeout: 72_000,
    forceCloseConnections: 'idle',
    // Errors raised before routing (a malformed URL encoding): same shape as every other error.
    frameworkErrors: (error, request, reply) => sendError(request, reply, toAppError(error)),
    // Errors of the HTTP parser itself (a malformed request line or header): same shape again.
    clientErrorHandler,
    // X-Forwarded-* are believed only from trusted proxies (private addresses: src/trusted-proxy.ts);
    // request.protocol (HSTS) and request.ip (logs) then describe the client, not the load balancer.
    trustProxy: isTrustedProxy,
    // The service's own compilers, given here rather than set after: Fastify then never loads its
    // defaults (@fastify/ajv-compiler with its own Ajv, and the fast-json-stringify compiler), which
    // it would otherwise evaluate at every start only to have them replaced (docs/performance.md).
    schemaController: {
      compilersFactory: { buildValidator: validators, buildSerializer: serializers },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Only JSON bodies: text/plain (fastify's other built-in parser) gets 415 like any other type.
  app.removeContentTypeParser('text/plain');

  await app.register(env, { config });
  await app.register(postgres, { connection: options.connection, max: config.dbPoolMax });

  await app.register(lifecycle);
  await app.register(requestContext);
  await app.register(hsts, { maxAgeSeconds: config.hstsMaxAgeSeconds });
  await app.register(errorHandler);
  await app.register(bodyEncoding);
  await app.register(itemsRepository, { create: options.itemsRepository });
  await app.register(workQueue);

  await app.register(rootRoutes);
  await app.register(healthRoutes, { prefix: '/health' });
  await app.register(readyRoutes, { prefix: '/ready', migrations: options.migrations });
  await app.register(infoRoutes, { prefix: '/info' });
  await app.register(itemsRoutes, { prefix: '/api/items' });

  return app;
}
