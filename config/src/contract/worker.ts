/*
 * How a queue worker and the services that send it work find the queue: both read its URL from a
 * container variable. The worker's own queue is always `QUEUE_URL`; a producer gets one variable per
 * worker it may send to, named after that worker, so one service can feed several workers.
 */

/** The variable holding the URL of the queue a worker service consumes. */
export const WORKER_QUEUE_URL_VARIABLE = 'QUEUE_URL';

/**
 * The variable holding the URL of worker `name`'s queue in a service that sends to it: the name in
 * upper snake case plus `_QUEUE_URL` (`worker` → `WORKER_QUEUE_URL`, `image-resizer` and
 * `imageResizer` → `IMAGE_RESIZER_QUEUE_URL`).
 */
export function producerQueueVariable(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return `${snake}_QUEUE_URL`;
}
