import type { AppConfig, EnvironmentConfig, SlipwayConfig } from '../types.ts';
import { concreteImage, declaredServices, defaultWebService, migrationOwner } from './declared.ts';

/*
 * `resolved.app` seen through services: the app as one service, as constructs read it before
 * there were several. With the `app` shorthand it is `config.app` itself; with `services` it is
 * the default web service (the one without a route) with the app's name and database.
 */

/** The app as its default web service: `config.app`, or built from `services`. */
export function appView(config: SlipwayConfig): AppConfig {
  const services = config.services;
  if (services === undefined) return config.app;
  const found = defaultWebService(services);
  if (!found) return config.app; // validation reports the missing default web service
  const [name, web] = found;
  const owner = migrationOwner(services);
  return {
    ...config.app,
    image: concreteImage(services, name)?.image ?? config.app.image,
    port: web.port,
    user: web.user,
    healthPath: web.healthPath,
    healthCheck: web.healthCheck,
    readyPath: web.readyPath,
    migrateCommand: owner?.[1].migrate ?? config.app.migrateCommand,
    cpu: web.cpu ?? config.app.cpu,
    memoryMiB: web.memoryMiB ?? config.app.memoryMiB,
    shutdownSeconds: web.shutdownSeconds,
    hstsMaxAgeSeconds: web.hstsMaxAgeSeconds,
    environment: web.environment,
    secrets: web.secrets,
  };
}

/**
 * The app as the default web service runs in one environment: `appView` with the variables that
 * `environments.<env>.services.<default web>.environment` adds. Without such variables it is
 * `appView(config)` itself (with the `app` shorthand: `config.app`).
 */
export function appViewIn(config: SlipwayConfig, env: EnvironmentConfig): AppConfig {
  const app = appView(config);
  const web = defaultWebService(declaredServices(config));
  const added = web ? env.services?.[web[0]]?.environment : undefined;
  if (!added || Object.keys(added).length === 0) return app;
  return { ...app, environment: { ...app.environment, ...added } };
}
