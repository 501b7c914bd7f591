import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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
 * A request that arrives while the service drains (`lifecycle.draining`): `/ready` answers 503
 * DRAINING; once the server is closing, other routes but `/health` get 503 SHUTTING_DOWN and every
 * response asks the client to close its connection. Called by request-context's `onRequest` hook,
 * the one hook every request passes through (one hook less per request than a hook of its own).
 */
export function onRequestWhileDraining(
  state: Lifecycle,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const route = request.routeOptions.url;
  if (route === '/ready') {
    if (state.closing) reply.header('connection', 'close');
    reply
      .code(503)
      .send({ status: 'not_ready', reason: 'DRAINING', message: readinessCatalog.DRAINING.message });
    return;
  }
  // Liveness stays true while the process drains: it is alive, just leaving.
  if (!state.closing || route === '/health') {
    done();
    return;
  }
  // Ask keep-alive clients (the ALB) to send their next request elsewhere.
  reply.header('connection', 'close');
  done(new AppError('SHUTTING_DOWN'));
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
  },
  { name: 'lifecycle' },
);
