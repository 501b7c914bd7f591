import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, readinessCatalog } from '../../errors.ts';

declare module 'fastify' {
  interface FastifyInstance {
    lifecycle: Lifecycle;
  }
}

export interface Lifecycle {
  /**
   * Shutdown has begun (SIGTERM): `/ready` answers 503 DRAINING; everything else is still served
   * during SHUTDOWN_DELAY_MS, so a load balancer that has not deregistered the task yet loses nothing.
   */
  draining: boolean;
  /**
   * The HTTP server is closing (set by `app.close()`): in-flight requests finish; requests arriving on
   * open connections get 503 SHUTTING_DOWN (but `/health`), and every response closes its connection.
   */
  closing: boolean;
}

/**
 * Drain behaviour. Fastify's own `return503OnClosing` answers with a body of its own; this plugin
 * answers in the service's error shape and tells `/ready` callers why.
 */
export default fp(
  async function lifecycle(app: FastifyInstance) {
    const state: Lifecycle = { draining: false, closing: false };
    app.decorate('lifecycle', state);

    // app.close() runs preClose before it stops the HTTP server. Fastify closes the connections that
    // are idle at that moment; a connection whose request was in flight becomes idle later, and the
    // server's close waits for it, so idle connections are closed again until the server has closed.
    let reaper: NodeJS.Timeout | undefined;
    app.addHook('preClose', (done) => {
      state.draining = true;
      state.closing = true;
      reaper = setInterval(() => app.server.closeIdleConnections(), 50);
      reaper.unref();
      done();
    });
    app.addHook('onClose', (_instance, done) => {
      clearInterval(reaper);
      done();
    });

    // A callback hook, not an async one: it runs on every request, and almost always does nothing.
    app.addHook('onRequest', (request, reply, done) => {
      if (!state.draining) return done();
      const route = request.routeOptions.url;
      if (route === '/ready') {
        if (state.closing) reply.header('connection', 'close');
        reply
          .code(503)
          .send({ status: 'not_ready', reason: 'DRAINING', message: readinessCatalog.DRAINING.message });
        return;
      }
      // Liveness stays true while the process drains: it is alive, just leaving.
      if (!state.closing || route === '/health') return done();
      // Ask keep-alive clients (the ALB) to send their next request elsewhere.
      reply.header('connection', 'close');
      done(new AppError('SHUTTING_DOWN'));
    });
  },
  { name: 'lifecycle' },
);
