/*
 * How the service's container is probed and stopped, shared by the image (app/Dockerfile, checked by
 * app/test/dockerfile.test.ts) and the task definition (infra's WebService), so the two cannot
 * drift apart.
 */

/**
 * Seconds ECS waits after SIGTERM beyond the service's own drain bound (`SHUTDOWN_TIMEOUT_MS`)
 * before it sends SIGKILL: time to close the pool, flush the embedded database and the last log
 * lines, so a drain that overruns ends with the service's own exit 1 and its log line, never a
 * silent SIGKILL.
 */
export const STOP_TIMEOUT_MARGIN_SECONDS = 5;

/** Fargate's largest container `stopTimeout`. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/**
 * The container's `stopTimeout`: the drain plus the margin. ECS deregisters a task from its target
 * groups and waits the deregistration delay BEFORE it sends SIGTERM, so the load balancer's drain
 * is not part of this number: after SIGTERM only the service's own drain is left.
 */
export function stopTimeoutSeconds(shutdownSeconds: number): number {
  return Math.min(shutdownSeconds + STOP_TIMEOUT_MARGIN_SECONDS, FARGATE_MAX_STOP_TIMEOUT_SECONDS);
}

/** The largest `SHUTDOWN_TIMEOUT_MS` that still leaves the margin inside Fargate's stop timeout. */
export const MAX_SHUTDOWN_TIMEOUT_MS =
  (FARGATE_MAX_STOP_TIMEOUT_SECONDS - STOP_TIMEOUT_MARGIN_SECONDS) * 1000;

/**
 * How often and how patiently the container's liveness probe runs, in the image (HEALTHCHECK) and
 * the task definition alike.
 *
 * Every 30 s, not 10 like the load balancer's target check: each probe starts a node process, and
 * the load balancer already replaces a task that stops answering within 20 s.
 *
 * `startSeconds`: how long a new task may take from start to answering its health path before a
 * failing probe counts. Measured: `node dist/main.js` to the first `/health` 200 took 0.75-1.2 s of
 * wall time and 0.44-0.63 s of CPU (10 runs, with and without applying every migration at start,
 * real PostgreSQL, Node 24.22.3, 2 CPUs shared with other jobs, 2026-12). At 0.25 vCPU that CPU is about
 * 2.5 s; 30 s leaves room for a TLS connection to RDS, a cold start of the runtime and, in rolling
 * deployments, a task that waits for another task's migration lock.
 */
export const SERVICE_HEALTH_CHECK = {
  intervalSeconds: 30,
  timeoutSeconds: 5,
  retries: 3,
  startSeconds: 30,
} as const;

/**
 * The liveness probe, as an exec-form health check command (`["CMD", ...]`): `GET <path>` on
 * 127.0.0.1 at `$PORT`, healthy on 200 only, unhealthy on any other status, a refused connection or
 * no answer within 2 s.
 *
 * Node's `http` module, not `fetch` and not curl: the slim image has no curl or wget, and `fetch`
 * loads undici first. Measured (Node 24.22.3, 2 CPUs shared with other jobs, 2026-12): a
 * probe with `http` costs 0.09-0.15 s of CPU, one with `fetch` 0.21-0.22 s. At 0.25 vCPU every
 * 30 s that is about 1.5 % of the task's CPU.
 */
export function serviceHealthCommand(path: string): string[] {
  const script = [
    "require('node:http')",
    `.get({host:'127.0.0.1',port:process.env.PORT||3000,path:${JSON.stringify(path)},timeout:2000},`,
    'r=>process.exit(r.statusCode===200?0:1))',
    ".on('timeout',()=>process.exit(1))",
    ".on('error',()=>process.exit(1))",
  ].join('');
  return ['CMD', 'node', '-e', script];
}

/** The one container of every Slipway task (service, worker, job): what `exec` enters and rollbacks compare. */
export const APP_CONTAINER_NAME = 'app';

/** The container's CloudWatch log stream of a task: the awslogs prefix (the container name), the container, the task id. */
export function appLogStream(taskArn: string): string {
  return `${APP_CONTAINER_NAME}/${APP_CONTAINER_NAME}/${taskArn.split('/').pop()}`;
}
