import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The validated configuration (see src/config.ts). */
    config: Config;
  }
}

/** Makes the configuration, validated once at start by `loadConfig`, available as `app.config`. */
export default fp(
  async function env(app: FastifyInstance, options: { config: Config }) {
    app.decorate('config', options.config);
  },
  { name: 'config' },
);
