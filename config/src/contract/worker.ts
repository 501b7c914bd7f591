/*
 * The names a queue worker and the services that feed it agree on: the variable that hands the
 * worker its own queue, the variable that hands a producer the queue of a worker it sends to, and
 * the worker's alarms.
 *
 *   worker's own queue          `QUEUE_URL`
 *   a producer's queue of `x`   `<X_IN_UPPER_SNAKE>_QUEUE_URL`   e.g. `EMAIL_SENDER_QUEUE_URL`
 *   alarms                      `<prefix>-alarm-worker-<name>-<alarm>`
 */
import { kebab, monitoringName } from './monitoring.ts';

/** The variable holding the URL of the queue a worker consumes. */
export const WORKER_QUEUE_URL_VARIABLE = 'QUEUE_URL';

/** A worker's name: lower-case letters, digits and single hyphens, starting with a letter. */
const WORKER_NAME = /^[a-z](?:-?[a-z0-9])*$/;

/** Throws unless `name` can name a worker or job (it becomes part of variables, parameters and alarms). */
export function assertServiceName(kind: 'worker' | 'job', name: string): void {
  if (!WORKER_NAME.test(name))
    throw new Error(
      `${kind} name must be lower-case letters, digits and single hyphens, starting with a letter, got "${name}"`,
    );
}

/** `email-sender` → `EMAIL_SENDER_QUEUE_URL`: the variable a producer of that worker reads its queue URL from. */
export function producerQueueVariable(workerName: string): string {
  assertServiceName('worker', workerName);
  return `${workerName.replaceAll('-', '_').toUpperCase()}_QUEUE_URL`;
}

/** The alarms of a worker, by rule name. */
export const WORKER_ALARMS = ['deadLetters', 'oldestMessage'] as const;
export type WorkerAlarm = (typeof WORKER_ALARMS)[number];

/** `<prefix>-alarm-worker-<name>-<alarm>`, e.g. `shop-prod-alarm-worker-email-sender-dead-letters`. */
export function workerAlarmName(prefix: string, workerName: string, alarm: WorkerAlarm): string {
  assertServiceName('worker', workerName);
  return monitoringName(prefix, 'alarm', `worker-${workerName}-${kebab(alarm)}`);
}
