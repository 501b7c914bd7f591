/*
 * What other packages may import from the default service: building the Fastify app (the
 * benchmarks and tests start it in process) and reading its configuration from the environment.
 */
export { type AppInstance, type BuildAppOptions, buildApp } from './app.ts';
export { type Config, ConfigError, loadConfig } from './config.ts';
