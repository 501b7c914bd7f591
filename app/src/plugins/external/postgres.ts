import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import pg from 'pg';

declare module 'fastify' {
  interface FastifyInstance {
    /** The node-postgres pool; the same code path for RDS, a local server and the embedded database. */
    pg: pg.Pool;
  }
}

export interface PostgresPluginOptions {
  /** Client settings from `clientConfig` (src/db/connection.ts). */
  readonly connection: pg.ClientConfig;
  /** Most connections the pool opens (DB_POOL_MAX). */
  readonly max: number;
}

/**
 * One `pg.Pool` for the app, ended when the app closes (after the HTTP server has finished its
 * in-flight requests: fastify closes the server before running plugin onClose hooks).
 */
export default fp(
  async function postgres(app: FastifyInstance, options: PostgresPluginOptions) {
    const pool = new pg.Pool({
      ...options.connection,
      max: options.max,
      // Idle connections are closed after 30 s; RDS and PgBouncer-style proxies drop long-idle ones anyway.
      idleTimeoutMillis: 30_000,
    });
    // An idle client whose connection dies (database restart, failover, pg_terminate_backend) is
    // reported here. Without a listener the 'error' event would crash the process; the pool has
    // already discarded the client and opens a new one on the next query.
    pool.on('error', (error) => {
      app.log.warn({ err: error }, 'idle database connection lost; the pool will reconnect');
    });
    app.decorate('pg', pool);
    app.addHook('onClose', async () => {
      await pool.end();
    });
  },
  { name: 'postgres' },
);
