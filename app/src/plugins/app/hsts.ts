import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isTrustedProxy } from '../../trusted-proxy.ts';

/**
 * The scheme the client used at the edge, as the proxies in front report it: CloudFront's own
 * `CloudFront-Forwarded-Proto` when present (CloudFront sets it, and reaches the load balancer over
 * plain HTTP, so the load balancer's `X-Forwarded-Proto` would say http), else `X-Forwarded-Proto`
 * (Fastify's `request.protocol`, which believes it only from a trusted proxy), else the socket's.
 */
function edgeProtocol(request: FastifyRequest): string {
  const cloudFront = request.headers['cloudfront-forwarded-proto'];
  if (typeof cloudFront === 'string' && isTrustedProxy(request.socket.remoteAddress)) return cloudFront;
  return request.protocol;
}

/**
 * `Strict-Transport-Security` on every response to a request that reached the edge over HTTPS,
 * when the environment asks for it (`HSTS_MAX_AGE` > 0, set by Slipway only where the environment
 * is served over HTTPS). TLS ends at the edge, so the service learns the scheme from the forwarding
 * headers of a trusted proxy (src/trusted-proxy.ts).
 *
 * Never over plain HTTP: a browser ignores the header there anyway (RFC 6797 section 8.1), and a
 * local run (`http://127.0.0.1`) must not teach a browser to refuse plain HTTP to localhost.
 * No `includeSubDomains` or `preload`: they bind every name under the domain, which the service
 * does not own.
 */
export default fp(
  async function hsts(app: FastifyInstance, options: { maxAgeSeconds: number }) {
    if (options.maxAgeSeconds <= 0) return;
    const value = `max-age=${options.maxAgeSeconds}`;
    // onRequest, so error replies (404, 413, 503 while draining) carry it as well.
    app.addHook('onRequest', (request, reply, done) => {
      if (edgeProtocol(request) === 'https') reply.header('strict-transport-security', value);
      done();
    });
  },
  { name: 'hsts' },
);
