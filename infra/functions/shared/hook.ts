/**
 * The contract of an ECS-native deployment lifecycle hook (Lambda hook target).
 *
 * Source: Amazon ECS Developer Guide, "Lambda hooks for Amazon ECS service deployments"
 * (lambda-lifecycle-hooks), read 2026-11:
 * - ECS invokes the function with `{ executionId, lifecycleStage, resourceArn, executionDetails:
 *   { serviceArn, targetServiceRevisionArn, testTrafficWeights, productionTrafficWeights },
 *   hookDetails? }`. `resourceArn` is the service-deployment ARN.
 * - The function returns `{ hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS', callBackDelay?,
 *   hookDetails? }`. IN_PROGRESS makes ECS invoke it again after `callBackDelay` seconds (default
 *   30). `hookDetails` returned with IN_PROGRESS is merged and passed back on the next invocation
 *   of the same hook in the same deployment only.
 * - A missing/invalid hookStatus or a thrown error rolls the deployment back, like FAILED.
 * - On rollback ECS re-invokes only the hooks registered at TEST_TRAFFIC_SHIFT and
 *   PRODUCTION_TRAFFIC_SHIFT; `targetServiceRevisionArn` stays the green revision.
 *
 * The response carries only the documented fields; the human-readable reason goes to the
 * function's structured log line (ECS does not surface a reason field from the hook).
 */

export type HookStatus = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';

export type HookDetails = Record<string, unknown>;

export interface HookResponse {
  hookStatus: HookStatus;
  /** Seconds until ECS invokes the hook again; only with IN_PROGRESS. */
  callBackDelay?: number;
  /** State handed back to the next invocation; only with IN_PROGRESS. */
  hookDetails?: HookDetails;
}

export interface LifecycleHookEvent {
  executionId: string | undefined;
  lifecycleStage: string | undefined;
  /** The service-deployment ARN (unique per deployment). */
  resourceArn: string | undefined;
  serviceArn: string | undefined;
  targetServiceRevisionArn: string;
  testTrafficWeights: Record<string, number>;
  productionTrafficWeights: Record<string, number>;
  hookDetails: HookDetails;
}

export const SERVICE_REVISION_ARN =
  /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):service-revision\/([^/]+)\/([^/]+)\/([^/]+)$/;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function weights(value: unknown): Record<string, number> {
  if (!isRecord(value)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number') out[k] = v;
  return out;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Validates the invocation payload. Only `executionDetails.targetServiceRevisionArn` is required:
 * it is the one field both hooks cannot work without.
 */
export function parseLifecycleHookEvent(event: unknown): ParseResult<LifecycleHookEvent> {
  if (!isRecord(event)) {
    return { ok: false, problem: `unexpected payload: expected a JSON object, got ${describe(event)}` };
  }
  const details = event.executionDetails;
  if (!isRecord(details)) {
    return {
      ok: false,
      problem:
        'unexpected payload: no executionDetails object; is this function registered as an ECS deployment lifecycle hook?',
    };
  }
  const target = details.targetServiceRevisionArn;
  if (typeof target !== 'string' || !SERVICE_REVISION_ARN.test(target)) {
    return {
      ok: false,
      problem: `unexpected payload: executionDetails.targetServiceRevisionArn is ${describe(target)}; expected an ECS service-revision ARN (arn:aws:ecs:<region>:<account>:service-revision/<cluster>/<service>/<id>)`,
    };
  }
  return {
    ok: true,
    value: {
      executionId: optionalString(event.executionId),
      lifecycleStage: optionalString(event.lifecycleStage),
      resourceArn: optionalString(event.resourceArn),
      serviceArn: optionalString(details.serviceArn),
      targetServiceRevisionArn: target,
      testTrafficWeights: weights(details.testTrafficWeights),
      productionTrafficWeights: weights(details.productionTrafficWeights),
      hookDetails: isRecord(event.hookDetails) ? event.hookDetails : {},
    },
  };
}

/**
 * True when ECS is rolling back: production traffic goes back from the target (green) revision
 * to another one (documented signal: green weight 0, another revision > 0). Hooks that change
 * state (migrations) or gate the deployment (smoke test) must not block a rollback.
 */
export function isRollbackInvocation(event: LifecycleHookEvent): boolean {
  const w = event.productionTrafficWeights;
  const green = w[event.targetServiceRevisionArn];
  if (green === undefined || green !== 0) return false;
  return Object.entries(w).some(([arn, weight]) => arn !== event.targetServiceRevisionArn && weight > 0);
}

/** The fields every hook's log line carries to identify the invocation. */
export function hookLogFields(event: LifecycleHookEvent): Record<string, unknown> {
  return {
    lifecycleStage: event.lifecycleStage,
    executionId: event.executionId,
    deployment: event.resourceArn,
    targetServiceRevisionArn: event.targetServiceRevisionArn,
  };
}

/** How an invocation starts: answered already (a malformed event, a rollback), or the event to work on. */
export type HookStart =
  | { readonly answered: true; readonly response: HookResponse; readonly fields: Record<string, unknown> }
  | { readonly answered: false; readonly event: LifecycleHookEvent; readonly base: Record<string, unknown> };

/**
 * The start every hook shares: a malformed event fails the hook (ECS then rolls back), and a
 * rollback invocation succeeds without work (`rollbackReason` says why in the log line).
 */
export function startHook(rawEvent: unknown, rollbackReason: string): HookStart {
  const parsed = parseLifecycleHookEvent(rawEvent);
  if (!parsed.ok) return { answered: true, response: failed(), fields: { reason: parsed.problem } };
  const event = parsed.value;
  const base = hookLogFields(event);
  if (isRollbackInvocation(event)) {
    return { answered: true, response: succeeded(), fields: { ...base, reason: rollbackReason } };
  }
  return { answered: false, event, base };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `"${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  return typeof value;
}

export const succeeded = (): HookResponse => ({ hookStatus: 'SUCCEEDED' });
export const failed = (): HookResponse => ({ hookStatus: 'FAILED' });
export const inProgress = (callBackDelaySeconds: number, hookDetails?: HookDetails): HookResponse =>
  hookDetails === undefined
    ? { hookStatus: 'IN_PROGRESS', callBackDelay: callBackDelaySeconds }
    : { hookStatus: 'IN_PROGRESS', callBackDelay: callBackDelaySeconds, hookDetails };

/** The subset of the Lambda context the hooks use. */
export interface InvocationContext {
  getRemainingTimeInMillis?: () => number;
  awsRequestId?: string;
}
