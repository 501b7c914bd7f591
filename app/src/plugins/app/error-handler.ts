import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isDatabaseUnavailable } from '../../db/errors.ts';
import { AppError, type ErrorCode, errorCatalog, type FieldError } from '../../errors.ts';
import { CURSOR_PATTERN, UUID_PATTERN } from '../../schemas/item.ts';

// Read through require(), not `import … from 'node:http'`: an ES import of node:http builds its
// module namespace, which reads every export, and reading `WebSocket`/`MessageEvent` loads Node's
// bundled undici (~35 ms of start-up on Node 24). Fastify and pg already use require().
const { STATUS_CODES } = createRequire(import.meta.url)('node:http') as typeof import('node:http');

/** Readable messages for the `pattern` rules (ajv would print the regular expression). */
const PATTERN_MESSAGES: Readonly<Record<string, string>> = {
  [UUID_PATTERN]: 'must be a uuid like 0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10',
  [CURSOR_PATTERN]: 'must be a cursor returned by a previous list response',
  '^[^\\u0000-\\u001F\\u007F]*$': 'must not contain control characters',
  '^[^\\u0000]*$': 'must not contain NUL characters',
};

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** One entry per ajv error (ajv runs with allErrors), named like `body.tags.2` or `querystring.limit`. */
export function fieldErrors(context: string, errors: readonly AjvError[]): FieldError[] {
  return errors.map((error) => {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') {
      segments.push(String(error.params.additionalProperty));
      message = 'is not allowed';
    }
    if (error.keyword === 'pattern') message = PATTERN_MESSAGES[String(error.params.pattern)] ?? message;
    return { field: [context, ...segments].join('.'), message };
  });
}

/** Maps anything thrown while handling a request to a catalogued error. */
export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (error.validation) {
    const context = error.validationContext ?? 'request';
    return new AppError('VALIDATION_FAILED', undefined, fieldErrors(context, error.validation as AjvError[]));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('INVALID_JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
  }
  if (isDatabaseUnavailable(error)) return new AppError('DATABASE_UNAVAILABLE');
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's own client errors (bad URL encoding, bad content-length) have safe messages.
    return new AppError('BAD_REQUEST', error.code?.startsWith('FST_') ? error.message : undefined);
  }
  return new AppError('INTERNAL_ERROR');
}

/** Sends an error in the service's shape. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  // Also set here: errors raised before routing (frameworkErrors) skip the onRequest hooks.
  reply.header('x-request-id', request.id);
  if (error.code === 'DATABASE_UNAVAILABLE' || error.code === 'QUEUE_UNAVAILABLE')
    reply.header('retry-after', '5');
  return reply.code(error.statusCode).send({
    error: {
      code: error.code,
      message: error.message,
      requestId: request.id,
      ...(error.fields ? { fields: error.fields } : {}),
    },
  });
}

/** The catalogued error for an HTTP parser error (Node's `clientError`), as fastify's default handler maps them. */
function parserErrorCode(error: NodeJS.ErrnoException): ErrorCode {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  if (error.code === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  return 'BAD_REQUEST';
}

/**
 * fastify's `clientErrorHandler`: a request the HTTP parser rejects (malformed request line, bad
 * header, oversized headers, timeout) never reaches fastify's routing, so this writes the response
 * itself, in the same shape and with an `x-request-id` like every other error, then closes the
 * connection (the parser cannot resynchronise with the stream).
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  // The peer is gone or the response already started: nothing can be sent.
  if (
    error.code === 'ECONNRESET' ||
    !socket.writable ||
    (socket as { _httpMessage?: unknown })._httpMessage
  ) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const code = parserErrorCode(error);
  const { status } = errorCatalog[code];
  // llhttp's codes (HPE_INVALID_METHOD, ...) and reasons are fixed texts, never request bytes.
  const reason = error.code?.startsWith('HPE_')
    ? ` (${error.code}: ${String((error as { reason?: unknown }).reason ?? '')})`
    : '';
  const message =
    code === 'BAD_REQUEST' ? `The HTTP request could not be parsed${reason}.` : errorCatalog[code].message;
  const body = JSON.stringify({ error: { code, message, requestId } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\n` +
      'connection: close\r\n\r\n' +
      body,
  );
}

/**
 * Every error leaves in one shape, `{ error: { code, message, requestId, fields? } }`, with a code
 * from the catalog (src/errors.ts, docs/service.md). Client mistakes are 4xx and never 500.
 */
export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const appError = toAppError(error);
      if (appError.statusCode >= 500 && appError.code !== 'SHUTTING_DOWN') {
        const level = appError.code === 'INTERNAL_ERROR' ? 'error' : 'warn';
        request.log[level]({ err: error, code: appError.code }, error.message);
      } else {
        request.log.debug({ code: appError.code, fields: appError.fields }, appError.message);
      }
      return sendError(request, reply, appError);
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]?.slice(0, 200) ?? '';
      return sendError(
        request,
        reply,
        new AppError('ROUTE_NOT_FOUND', `No route for ${request.method} ${path}.`),
      );
    });
  },
  { name: 'error-handler' },
);
