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

/** Paths polled by the load balancer and the container health check: logged at debug to keep logs quiet. */
function isProbe(url: string): boolean {
  // The raw URL, compared as a string: `request.routeOptions` builds a new object at every access.
  return url === '/health' || url === '/ready' || url.startsWith('/health?') || url.startsWith('/ready?');
}

/**
 * One log line per request, written when the response is sent (fastify writes two: "incoming
 * request" and "request completed"). The line carries the request (headers redacted, see logger.ts),
 * status and response time. Health probes are logged at debug; 5xx at error.
 */
export class RequestLogController extends LogController {
  constructor() {
    super({ requestIdLogLabel: 'requestId' });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const log = reply.log as FastifyBaseLogger & Pick<pino.Logger, 'isLevelEnabled'>;
    if (error || reply.statusCode >= 500) {
      const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
      log.error(error ? { ...fields, err: error } : fields, 'request completed');
      return;
    }
    const level = isProbe(request.raw.url ?? '') ? 'debug' : 'info';
    if (!log.isLevelEnabled(level)) return;
    log[level]({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** Echoes the request id in the `x-request-id` response header, errors included. */
export default fp(
  async function requestContext(app: FastifyInstance) {
    // A callback hook, not an async one: no promise per request on the hot path.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header('x-request-id', request.id);
      done();
    });
  },
  { name: 'request-context' },
);
