import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * `Strict-Transport-Security` on every response to a request that reached the edge over HTTPS,
 * when the environment asks for it (`HSTS_MAX_AGE` > 0, set by Slipway only where the environment
 * is served over HTTPS). The load balancer terminates TLS, so the service learns the scheme from
 * `X-Forwarded-Proto`, believed only from a trusted proxy (`trustProxy` in app.ts); `request.protocol`
 * is Fastify's reading of the two.
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
      if (request.protocol === 'https') reply.header('strict-transport-security', value);
      done();
    });
  },
  { name: 'hsts' },
);
