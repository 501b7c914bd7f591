import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import type { Config, LogFormat } from './config.ts';
import { TurnBatchedStream } from './log-batch.ts';

/** Field names whose values never reach a log line, wherever they are nested. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'password',
  'DB_PASSWORD',
  'DATABASE_URL',
  'connectionString',
  'secret',
  'token',
  'apiKey',
]);

/**
 * Request headers whose values never reach a log line: credentials a client or a proxy sends.
 * (Responses are logged by their status code only.)
 */
export const SECRET_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'x-amz-security-token',
]);

/**
 * pino's redaction, for fields at the top level of a log line, child-logger bindings included:
 * pino applies no formatter to those (below). Redacted values print as "[Redacted]". The service
 * never logs its configuration or connection settings unfiltered; this is the second line of
 * defence (an object logged by mistake).
 *
 * Only top-level paths: pino runs a path with a wildcard or with two segments on every line that has
 * the field, which cost `/health` 15 % of its throughput (docs/performance.md). Nested secret fields
 * are removed by `scrubSecrets` instead, once per log line, and secret headers by the request
 * serializer, which copies the headers only when one is present.
 */
export const REDACT_PATHS = [...SECRET_KEYS];

const CENSOR = '[Redacted]';
const SCRUB_DEPTH = 4;

/**
 * The logged object with every `SECRET_KEYS` field replaced by "[Redacted]", down to four levels.
 * Copy-on-write: an object without secret fields is returned as it is, so a log line pays for the
 * walk only. Only plain objects and arrays are walked; class instances (a request, a reply, an
 * Error) go through their serializers, which print chosen fields only.
 */
export function scrubSecrets<T>(value: T, depth = 0): T {
  if (value === null || typeof value !== 'object' || depth > SCRUB_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = scrubSecrets(value[i], depth + 1);
      if (next !== value[i]) {
        copy ??= value.slice();
        copy[i] = next;
      }
    }
    return (copy ?? value) as T;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const current = record[key];
    const next = SECRET_KEYS.has(key) ? CENSOR : scrubSecrets(current, depth + 1);
    if (next !== current) {
      copy ??= { ...record };
      copy[key] = next;
    }
  }
  return (copy ?? value) as T;
}

/** The headers with each `SECRET_HEADERS` value replaced by "[Redacted]"; the same object when there is none. */
export function censorHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  let copy: IncomingHttpHeaders | undefined;
  for (const name in headers) {
    if (SECRET_HEADERS.has(name)) {
      copy ??= { ...headers };
      copy[name] = CENSOR;
    }
  }
  return copy ?? headers;
}

function serializeRequest(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url,
    headers: censorHeaders(request.headers),
    remoteAddress: request.ip,
  };
}

function serializeReply(reply: FastifyReply) {
  return { statusCode: reply.statusCode };
}

/**
 * Where the lines go: stdout, as JSON lines (`stdoutLines`), or through pino-pretty, loaded here only
 * when chosen so that a JSON start pays nothing for it.
 */
export async function logDestination(format: LogFormat): Promise<pino.DestinationStream> {
  if (format === 'json') return stdoutLines();
  const { prettyStream } = await import('./log-pretty.ts');
  return prettyStream();
}

/**
 * The service's logger: JSON lines on stdout (CloudWatch Logs via the awslogs driver), level names
 * instead of numbers, ISO timestamps, and the service identity on every line.
 * @param destination where lines go (`logDestination`); JSON on stdout by default (tests capture them).
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
      formatters: {
        level: (label) => ({ level: label }),
        // Per log line. (A child logger's bindings skip formatters in pino: only the fixed
        // top-level paths above protect them, so the service binds no secret-bearing objects.)
        log: (object) => scrubSecrets(object),
      },
      redact: { paths: REDACT_PATHS, censor: CENSOR },
      serializers: { err: pino.stdSerializers.err, req: serializeRequest, res: serializeReply },
    },
    destination ?? stdoutLines(),
  );
}

/**
 * stdout, written synchronously by pino's SonicBoom, with the lines of one event-loop turn handed
 * over as one write (log-batch.ts): a line is on its way before the turn ends, so a crash loses none.
 *
 * Synchronous, not SonicBoom's asynchronous mode: an asynchronous write goes through libuv's thread
 * pool, and handing each turn's lines to it and back cost `GET /api/items/:id` about 5 % of its CPU
 * against one write(2) on the event loop (docs/performance.md). A write blocks only while the reader
 * of stdout lags; on ECS that is the awslogs driver in non-blocking mode (infra's app task), which
 * buffers instead of blocking, and SonicBoom retries a write that would block.
 */
function stdoutLines(): pino.DestinationStream {
  return new TurnBatchedStream(pino.destination({ fd: 1, sync: true }));
}
