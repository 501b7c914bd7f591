/*
 * The names the services of one app agree on: how a service is named and where a backend answers
 * (Cloud Map DNS). The queue variables of workers and their producers are in ./worker.ts.
 */

/** A service name: lowercase, starting with a letter, at most 20 characters (it prefixes resource names). */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** The Cloud Map namespace of an environment: `<env>.internal`. */
export function serviceNamespace(env: string): string {
  return `${env}.internal`;
}

/** Where a backend service answers inside the VPC: `<service>.<env>.internal`. */
export function serviceDnsName(service: string, env: string): string {
  return `${service}.${serviceNamespace(env)}`;
}
