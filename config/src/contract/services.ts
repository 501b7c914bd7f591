/*
 * The names the services of one app agree on: how a service is named, where a backend answers
 * (Cloud Map DNS), and the variables a worker and the services that send to it read their queue
 * from. infra sets them; a user's code reads them.
 */

/** A service name: lowercase, starting with a letter, at most 20 characters (it prefixes resource names). */
export const SERVICE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/** The variable a worker reads its own queue's URL from. */
export const WORKER_QUEUE_VARIABLE = 'QUEUE_URL';

/**
 * The variable a service that sends to `worker` reads that worker's queue URL from:
 * `<WORKER_NAME_UPPER_SNAKE>_QUEUE_URL`, e.g. `thumbnails` → `THUMBNAILS_QUEUE_URL`.
 */
export function producerQueueVariable(worker: string): string {
  return `${worker.toUpperCase().replace(/-/g, '_')}_QUEUE_URL`;
}

/** The Cloud Map namespace of an environment: `<env>.internal`. */
export function serviceNamespace(env: string): string {
  return `${env}.internal`;
}

/** Where a backend service answers inside the VPC: `<service>.<env>.internal`. */
export function serviceDnsName(service: string, env: string): string {
  return `${service}.${serviceNamespace(env)}`;
}
