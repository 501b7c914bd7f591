import type { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import type { Config } from './config.ts';

/**
 * Where secrets could appear in a log line. Redacted values print as "[Redacted]". The service never
 * logs its configuration or connection settings unfiltered; these paths are the second line of
 * defence (a header logged with the request, an object logged by mistake).
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-amz-security-token"]',
  'res.headers["set-cookie"]',
  ...['password', 'DB_PASSWORD', 'DATABASE_URL', 'connectionString', 'secret', 'token', 'apiKey'].flatMap(
    (key) => [key, `*.${key}`, `*.*.${key}`],
  ),
];

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url,
    headers: request.headers,
    remoteAddress: request.ip,
  };
}

function serializeReply(reply: FastifyReply) {
  return { statusCode: reply.statusCode };
}

/**
 * The service's logger: JSON lines on stdout (CloudWatch Logs via the awslogs driver), level names
 * instead of numbers, ISO timestamps, and the service identity on every line.
 * @param destination where lines go; stdout by default (tests capture them).
 */
export function createLogger(
  config: Pick<Config, 'logLevel' | 'name' | 'version' | 'environment'>,
  destination?: pino.DestinationStream,
): pino.Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: config.name, version: config.version, env: config.environment },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      serializers: { err: pino.stdSerializers.err, req: serializeRequest, res: serializeReply },
    },
    // Asynchronous writes: lines written while a write is in progress go out together, instead of one
    // write(2) per line on the request path. pino flushes what is pending when the process exits.
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
