/**
 * Configuration of the smoke hook, read from environment variables at cold start.
 */
import { type Env, EnvReader } from '../shared/config.ts';

export interface SmokeHookConfig {
  /** The ALB's full name, `app/<name>/<id>` (CloudFormation `LoadBalancerFullName`). */
  loadBalancerFullName: string;
  /** Port of the test listener. */
  testPort: number;
  /** Host header sent to the test listener, for host-based listener rules. */
  hostHeader: string | undefined;
  readyPath: string;
  infoPath: string;
  /** The application container whose image names the commit being deployed. */
  containerName: string;
  /** Container environment entry holding the commit when the image is referenced by digest. */
  commitEnvName: string;
  /** Overall budget, counted from the first invocation of this hook in this deployment. */
  timeoutSeconds: number;
  /** Budget for one HTTP request (connect + response). */
  requestTimeoutMs: number;
  /** Checks per invocation before answering IN_PROGRESS or FAILED. */
  attempts: number;
  /** Wait before the second check of an invocation; doubles after each further check. */
  retryDelayMs: number;
  callBackDelaySeconds: number;
}

export const SMOKE_HOOK_DEFAULTS = {
  readyPath: '/ready',
  infoPath: '/info',
  containerName: 'app',
  commitEnvName: 'GIT_SHA',
  /** seconds */
  timeoutSeconds: 300,
  /** ms */
  requestTimeoutMs: 3000,
  attempts: 3,
  /** ms; checks at 0, 1 s, 3 s */
  retryDelayMs: 1000,
  /** seconds */
  callBackDelaySeconds: 15,
} as const;

const LOAD_BALANCER_FULL_NAME = /^app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]{16}$/;
const PATH = /^\/[\x21-\x7e]*$/;

export function loadSmokeHookConfig(env: Env): SmokeHookConfig {
  const r = new EnvReader('smoke-hook', env);
  const loadBalancerFullName = r.requiredString(
    'LOAD_BALANCER_FULL_NAME',
    'the ALB full name "app/<name>/<id>" (e.g. app/my-alb/50dc6c495c0c9188)',
  );
  if (loadBalancerFullName !== '' && !LOAD_BALANCER_FULL_NAME.test(loadBalancerFullName)) {
    r.problem(
      `LOAD_BALANCER_FULL_NAME: got "${loadBalancerFullName}"; expected "app/<name>/<16 hex>" (the LoadBalancerFullName attribute, not the ARN or DNS name)`,
    );
  }
  const testPort = r.integer('TEST_PORT', undefined, { min: 1, max: 65_535, unit: 'port number' });
  const hostHeader = r.optionalString('HOST_HEADER');
  const readyPath = r.string('READY_PATH', SMOKE_HOOK_DEFAULTS.readyPath);
  const infoPath = r.string('INFO_PATH', SMOKE_HOOK_DEFAULTS.infoPath);
  for (const [name, value] of [
    ['READY_PATH', readyPath],
    ['INFO_PATH', infoPath],
  ] as const) {
    if (!PATH.test(value))
      r.problem(`${name}: got "${value}"; expected an absolute URL path such as "/ready"`);
  }
  const containerName = r.string('CONTAINER_NAME', SMOKE_HOOK_DEFAULTS.containerName);
  const commitEnvName = r.string('COMMIT_ENV_NAME', SMOKE_HOOK_DEFAULTS.commitEnvName);
  const timeoutSeconds = r.integer('TIMEOUT_SECONDS', SMOKE_HOOK_DEFAULTS.timeoutSeconds, {
    min: 10,
    max: 86_400,
    unit: 'seconds',
  });
  const requestTimeoutMs = r.integer('REQUEST_TIMEOUT_MS', SMOKE_HOOK_DEFAULTS.requestTimeoutMs, {
    min: 50,
    max: 60_000,
    unit: 'milliseconds',
  });
  const attempts = r.integer('ATTEMPTS', SMOKE_HOOK_DEFAULTS.attempts, { min: 1, max: 10, unit: 'attempts' });
  const retryDelayMs = r.integer('RETRY_DELAY_MS', SMOKE_HOOK_DEFAULTS.retryDelayMs, {
    min: 0,
    max: 60_000,
    unit: 'milliseconds',
  });
  const callBackDelaySeconds = r.integer('CALLBACK_DELAY_SECONDS', SMOKE_HOOK_DEFAULTS.callBackDelaySeconds, {
    min: 5,
    max: 300,
    unit: 'seconds',
  });
  r.done();
  return {
    loadBalancerFullName,
    testPort,
    hostHeader,
    readyPath,
    infoPath,
    containerName,
    commitEnvName,
    timeoutSeconds,
    requestTimeoutMs,
    attempts,
    retryDelayMs,
    callBackDelaySeconds,
  };
}
