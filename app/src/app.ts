import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
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
import { type SchemaCompilers, schemaCompilers } from './schemas/compilers.ts';
import { serializerCompiler, validatorCompiler } from './schemas/fastify-compilers.ts';
import { isTrustedProxy } from './trusted-proxy.ts';

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

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
  /**
   * Turns route schemas into validators and serializers. The build's seam: it records every schema
   * the routes have, to compile them ahead of time (scripts/precompile-schemas.ts).
   * @default `schemaCompilers` of src/schemas/compilers.ts (compiled ahead of time in the bundle)
   */
  readonly schemaCompilers?: SchemaCompilers | undefined;
}

/**
 * Builds the service (fastify/demo layout): external plugins (config, database pool), app plugins
 * (request ids and logging, drain behaviour, errors, repositories), then routes. Plugins are
 * registered explicitly rather than autoloaded, so esbuild can bundle them into one file.
 */
export async function buildApp(options: BuildAppOptions): Promise<AppInstance> {
  const { config } = options;
  const compilers = options.schemaCompilers ?? schemaCompilers;
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
      // Cast: the factories' types say a compiler is given a bare schema; Fastify calls it with the
      // route's definition ({ schema, httpPart, ... }), as it calls one set with setValidatorCompiler.
      compilersFactory: {
        buildValidator: () => validatorCompiler(compilers),
        buildSerializer: () => serializerCompiler(compilers),
      } as unknown as CompilersFactory,
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
