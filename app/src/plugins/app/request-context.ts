import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import fp from 'fastify-plugin';
import type pino from 'pino';
import { onRequestWhileDraining } from './lifecycle.ts';

/** Accepted incoming request ids: short, and nothing that could break a header or a log line. */
const SAFE_ID = /^[A-Za-z0-9._:;=/+-]{1,128}$/;

/**
 * The request id: the caller's `x-request-id`, else the ALB's `x-amzn-trace-id` (so ALB access logs
 * and X-Ray join with ours), else a new uuid. Unsafe values are replaced, not trusted.
 */
export function requestIdOf(req: IncomingMessage): string {
  const own = req.headers['x-request-id'];
  if (typeof own === 'string' && SAFE_ID.test(own)) return own;
  const trace = req.headers['x-amzn-trace-id'];
  if (typeof trace === 'string' && SAFE_ID.test(trace)) return trace;
  return randomUUID();
}

/** Paths polled by the load balancer and the container health check. */
function isProbe(url: string): boolean {
  // The raw URL, compared as a string: `request.routeOptions` builds a new object at every access.
  return url === '/health' || url === '/ready' || url.startsWith('/health?') || url.startsWith('/ready?');
}

export interface RequestLogOptions {
  /**
   * A health check (`/health`, `/ready`) that took at least this long is logged at warn.
   * @default 1000 (HEALTH_CHECK_SLOW_MS)
   */
  readonly slowHealthCheckMs?: number;
}

/**
 * One log line per request, written when the response is sent (fastify writes two: "incoming
 * request" and "request completed"). The line carries the request (secret headers redacted, see
 * logger.ts), status and response time; 5xx are logged at error.
 *
 * Health checks arrive every few seconds from the load balancer and the container health check: one
 * that succeeds in less than `slowHealthCheckMs` is logged at debug only. A slow one is logged at
 * warn ("slow health check"), a failed one at warn (4xx, "health check failed") or error (5xx).
 */
export class RequestLogController extends LogController {
  readonly #slowHealthCheckMs: number;

  constructor(options: RequestLogOptions = {}) {
    super({ requestIdLogLabel: 'requestId' });
    this.#slowHealthCheckMs = options.slowHealthCheckMs ?? 1000;
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const log = reply.log as FastifyBaseLogger & Pick<pino.Logger, 'isLevelEnabled'>;
    const responseTime = reply.elapsedTime;
    if (error || reply.statusCode >= 500) {
      const fields = { req: request, res: reply, responseTime };
      log.error(error ? { ...fields, err: error } : fields, 'request completed');
      return;
    }
    if (isProbe(request.raw.url ?? '')) {
      if (reply.statusCode >= 400) {
        log.warn({ req: request, res: reply, responseTime }, 'health check failed');
      } else if (responseTime >= this.#slowHealthCheckMs) {
        log.warn(
          { req: request, res: reply, responseTime, slowHealthCheckMs: this.#slowHealthCheckMs },
          'slow health check',
        );
      } else if (log.isLevelEnabled('debug')) {
        log.debug({ req: request, res: reply, responseTime }, 'request completed');
      }
      return;
    }
    if (log.isLevelEnabled('info')) log.info({ req: request, res: reply, responseTime }, 'request completed');
  }
}

/** pino's level methods. */
type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
type LogCall = (...args: unknown[]) => void;

/**
 * `request.log`: the request's child logger (its lines carry `requestId`), created on its first line
 * at an enabled level rather than with every request. Most requests (health checks, at the default
 * level) write no line, and creating the child was the largest part of the logging cost of such a
 * request; a request that logs gets the same child as before.
 */
export class RequestLogger {
  readonly #parent: pino.Logger;
  readonly #bindings: pino.Bindings;
  #child: pino.Logger | undefined;

  constructor(parent: pino.Logger, bindings: pino.Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  /** The child logger, created now if it was not yet. */
  get logger(): pino.Logger {
    this.#child ??= this.#parent.child(this.#bindings);
    return this.#child;
  }

  #log(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !this.#parent.isLevelEnabled(level)) return;
    (this.logger[level] as LogCall)(...args);
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#log('error', args);
  }
  warn(...args: unknown[]): void {
    this.#log('warn', args);
  }
  info(...args: unknown[]): void {
    this.#log('info', args);
  }
  debug(...args: unknown[]): void {
    this.#log('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#log('trace', args);
  }
  silent(): void {}

  get level(): string {
    return (this.#child ?? this.#parent).level;
  }
  set level(level: string) {
    this.logger.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return (this.#child ?? this.#parent).isLevelEnabled(level);
  }

  child(bindings: pino.Bindings, options?: pino.ChildLoggerOptions): pino.Logger {
    return this.logger.child(bindings, options);
  }

  bindings(): pino.Bindings {
    return this.logger.bindings();
  }
}

/**
 * Fastify's `childLoggerFactory`: a `RequestLogger`, or pino's child at once when the route asks
 * for its own level or serializers (no route does today).
 */
export function requestLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: pino.Bindings,
  options: pino.ChildLoggerOptions,
): FastifyBaseLogger {
  // A for-in, not Object.keys: no array allocated per request.
  for (const _ in options) return logger.child(bindings, options);
  return new RequestLogger(logger as pino.Logger, bindings) as unknown as FastifyBaseLogger;
}

/**
 * Echoes the request id in the `x-request-id` response header, errors included, and refuses what a
 * draining service must (lifecycle.ts): one hook for both, as each hook costs every request.
 */
export default fp(
  async function requestContext(app: FastifyInstance) {
    const state = app.lifecycle;
    // A callback hook, not an async one: no promise per request on the hot path.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      if (state.draining) onRequestWhileDraining(state, request, reply, done);
      else done();
    });
  },
  { name: 'request-context', dependencies: ['lifecycle'] },
);
