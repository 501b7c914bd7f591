import type { FastifyInstance, FastifyReply, FastifyRequest, preParsingHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';

/** `charset=utf-8`, case-insensitive, optionally quoted (RFC 9110 section 8.3.2: charset names are case-insensitive). */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const [name = '', value = ''] = parameter.split('=', 2).map((s) => s.trim());
    if (name.toLowerCase() === 'charset') return value.replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Bodies are read as UTF-8 JSON and never decompressed, so a body that declares anything else is
 * refused before it is parsed, rather than parsed as if it were UTF-8 and uncompressed (a UTF-16
 * or gzip body would then be 400 INVALID_JSON at best, or stored garbled):
 * - a `charset` other than utf-8 is 415 UNSUPPORTED_MEDIA_TYPE;
 * - a `content-encoding` other than `identity` is 415 UNSUPPORTED_CONTENT_ENCODING, with
 *   `accept-encoding: identity` (RFC 9110 section 15.5.16: unsupported content coding is 415, and
 *   the response's Accept-Encoding says which codings would have been accepted).
 */
export default fp(
  async function bodyEncoding(app: FastifyInstance) {
    // On the routes that read a body only: Fastify reads none for GET and HEAD, and every request
    // (a health check too) would otherwise pass through one more hook. A callback hook, not an async
    // one: no promise per request.
    const check: preParsingHookHandler = (request, reply, payload, done) => {
      done(hasBody(request) ? (encodingProblem(request, reply) ?? null) : null, payload);
    };
    app.addHook('onRoute', (route) => {
      const methods = [route.method].flat();
      if (methods.every((method) => method === 'GET' || method === 'HEAD')) return;
      route.preParsing = [...[route.preParsing ?? []].flat(), check];
    });
  },
  { name: 'body-encoding' },
);

/** The error for a body this service cannot read as sent, or undefined. */
function encodingProblem(request: FastifyRequest, reply: FastifyReply): AppError | undefined {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined) {
    const codings = encoding
      .split(',')
      .map((coding) => coding.trim().toLowerCase())
      .filter((coding) => coding !== '' && coding !== 'identity');
    if (codings.length > 0) {
      reply.header('accept-encoding', 'identity');
      return new AppError(
        'UNSUPPORTED_CONTENT_ENCODING',
        `The content encoding ${codings.join(', ').slice(0, 100)} is not supported; send the body uncompressed.`,
      );
    }
  }
  const charset = charsetOf(request.headers['content-type'] ?? '');
  if (charset !== undefined && charset !== 'utf-8') {
    return new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `The charset ${charset.slice(0, 40)} is not supported; send the body as UTF-8 (charset=utf-8 or no charset).`,
    );
  }
  return undefined;
}
