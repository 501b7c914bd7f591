/**
 * Smoke hook: an ECS deployment lifecycle hook registered at POST_TEST_TRAFFIC_SHIFT
 * (the green revision then receives 100% of the test listener's traffic and none of production's).
 * It calls `/ready` and `/info` through the test listener — on each ALB node's private IP — and
 * passes only if `/ready` answers 200 and `/info`'s `commit` is the commit being deployed.
 *
 * The commit being deployed comes from the target revision's task definition, container
 * CONTAINER_NAME: its image tag when that looks like a git sha; otherwise its COMMIT_ENV_NAME
 * (default GIT_SHA) environment entry (the case of an image referenced by digest); otherwise any
 * other tag. With none of these the hook fails: there is nothing to compare.
 *
 * Within one invocation: ATTEMPTS checks with exponential backoff. Then: SUCCEEDED; FAILED for a
 * definitive answer (wrong commit, /info not JSON or without commit); IN_PROGRESS for a retryable
 * one (non-200, timeout, refused) until TIMEOUT_SECONDS after the first invocation (kept in
 * hookDetails), then FAILED with the last reason. One `smoke-hook.result` log line per invocation.
 */
import {
  failed,
  type HookDetails,
  type HookResponse,
  type InvocationContext,
  inProgress,
  startHook,
  succeeded,
} from '../shared/hook.ts';
import { parseImageRef } from '../shared/image-ref.ts';
import { errorMessage, type LogFields, type Logger } from '../shared/log.ts';
import {
  type EcsTaskDefinitionReader,
  resolveTargetContainer,
  type TargetContainer,
} from '../shared/target-container.ts';
import type { SmokeHookConfig } from './config.ts';
import type { LoadBalancerAddresses } from './discovery.ts';
import { type CheckResult, checkTarget } from './probe.ts';

export interface SmokeHookDeps {
  config: SmokeHookConfig;
  taskDefinitions: EcsTaskDefinitionReader;
  addresses: LoadBalancerAddresses;
  now: () => Date;
  sleep?: (ms: number) => Promise<void>;
  log: Logger;
}

export const SMOKE_STARTED_AT = 'smokeStartedAt';

const GIT_SHA = /^[0-9a-f]{7,40}$/i;

export function expectedCommitOf(
  target: TargetContainer,
  commitEnvName: string,
): { ok: true; commit: string; source: string } | { ok: false; problem: string } {
  const image = target.container.image;
  const ref = parseImageRef(image);
  if (ref?.tag !== undefined && GIT_SHA.test(ref.tag))
    return { ok: true, commit: ref.tag, source: `tag of image ${image}` };
  const fromEnv = target.container.environment[commitEnvName];
  if (fromEnv !== undefined && fromEnv !== '') {
    return {
      ok: true,
      commit: fromEnv,
      source: `${commitEnvName} in the environment of container "${target.container.name}"`,
    };
  }
  if (ref?.tag !== undefined) return { ok: true, commit: ref.tag, source: `tag of image ${image}` };
  return {
    ok: false,
    problem: `cannot tell which commit is deployed: image "${image}" of container "${target.container.name}" (${target.taskDefinitionArn}) has no tag and no ${commitEnvName} environment entry; push and deploy images tagged with the commit sha, or set ${commitEnvName} in the container's environment`,
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type CheckFailure = Extract<CheckResult, { ok: false }>;

/** One invocation's fixed facts: its log fields and the overall deadline (from the first invocation). */
interface Invocation {
  readonly base: LogFields;
  readonly deadline: number;
  readonly details: HookDetails;
}

/** One invocation's work; ECS calls the hook again every callback delay while it answers IN_PROGRESS. */
class SmokeHook {
  private readonly config: SmokeHookDeps['config'];
  private readonly sleep: (ms: number) => Promise<void>;
  /** Worst-case duration of one check: two requests. */
  private readonly checkBudgetMs: number;

  private readonly deps: SmokeHookDeps;

  constructor(deps: SmokeHookDeps) {
    this.deps = deps;
    this.config = deps.config;
    this.sleep = deps.sleep ?? defaultSleep;
    this.checkBudgetMs = 2 * this.config.requestTimeoutMs;
  }

  async handle(rawEvent: unknown, context?: InvocationContext): Promise<HookResponse> {
    const { config, deps } = this;
    const start = startHook(rawEvent, 'deployment is rolling back; nothing to smoke-test');
    if (start.answered) return this.finish(start.response, start.fields);
    const { event } = start;
    const base: LogFields = start.base;

    const startedAtRaw = Date.parse(String(event.hookDetails[SMOKE_STARTED_AT] ?? ''));
    const startedAt = Number.isNaN(startedAtRaw) ? deps.now().getTime() : startedAtRaw;
    const run: Invocation = {
      base,
      deadline: startedAt + config.timeoutSeconds * 1000,
      details: { [SMOKE_STARTED_AT]: new Date(startedAt).toISOString() },
    };

    // What should be running: a failure here is definitive (retrying cannot make it knowable).
    let expected: { commit: string; source: string };
    try {
      const target = await resolveTargetContainer(
        deps.taskDefinitions,
        event.targetServiceRevisionArn,
        config.containerName,
      );
      const e = expectedCommitOf(target, config.commitEnvName);
      if (!e.ok) return this.finish(failed(), { ...base, reason: e.problem });
      expected = e;
    } catch (error) {
      return this.retryOrFail(run, `cannot read the target revision: ${errorMessage(error)}`);
    }
    base.expectedCommit = expected.commit;
    base.expectedCommitSource = expected.source;

    let ips: string[];
    try {
      ips = await deps.addresses.privateIps();
    } catch (error) {
      return this.retryOrFail(run, `cannot discover the load balancer's private IPs: ${errorMessage(error)}`);
    }
    if (ips.length === 0) {
      return this.finish(failed(), {
        ...base,
        reason: `no network interface described "ELB ${config.loadBalancerFullName}"; check LOAD_BALANCER_FULL_NAME (the ALB's full name, app/<name>/<id>) and that the ALB is in this account and region`,
      });
    }
    base.targets = ips.map((ip) => `${ip}:${config.testPort}`);
    return this.probe(run, ips, expected, context);
  }

  /** ATTEMPTS rounds of checks on every ALB node, with exponential backoff, within the time left. */
  private async probe(
    run: Invocation,
    ips: string[],
    expected: { commit: string; source: string },
    context: InvocationContext | undefined,
  ): Promise<HookResponse> {
    const { config, deps } = this;
    let last: CheckFailure | undefined;
    let attempts = 0;
    for (let attempt = 1; attempt <= config.attempts; attempt += 1) {
      attempts = attempt;
      const results = await Promise.all(
        ips.map((ip) =>
          checkTarget({
            baseUrl: `http://${ip}:${config.testPort}`,
            hostHeader: config.hostHeader,
            readyPath: config.readyPath,
            infoPath: config.infoPath,
            timeoutMs: config.requestTimeoutMs,
            expectedCommit: expected.commit,
            expectedCommitSource: expected.source,
          }),
        ),
      );
      const failure = results.find((r): r is CheckFailure => !r.ok);
      if (failure === undefined) {
        const ok = results[0] as Extract<CheckResult, { ok: true }>;
        return this.finish(succeeded(), {
          ...run.base,
          attempts,
          commit: ok.commit,
          version: ok.version,
          reason: 'smoke test passed',
        });
      }
      last = failure;
      if (attempt === config.attempts) break;
      const delay = config.retryDelayMs * 2 ** (attempt - 1);
      // Leave room to answer: a Lambda timeout counts as FAILED and rolls the deployment back.
      const remaining = context?.getRemainingTimeInMillis?.();
      if (remaining !== undefined && remaining < delay + this.checkBudgetMs + 1000) break;
      if (deps.now().getTime() + delay > run.deadline) break;
      await this.sleep(delay);
    }

    const failure = last as CheckFailure;
    if (failure.kind === 'definitive')
      return this.finish(failed(), { ...run.base, attempts, reason: failure.message });
    return this.retryOrFail(run, failure.message, attempts);
  }

  /** IN_PROGRESS until the deadline, FAILED with the last reason after it. */
  private retryOrFail(run: Invocation, reason: string, attemptsMade?: number): HookResponse {
    const fields = { ...run.base, attempts: attemptsMade, reason };
    if (this.deps.now().getTime() < run.deadline) {
      return this.finish(inProgress(this.config.callBackDelaySeconds, run.details), {
        ...fields,
        deadline: new Date(run.deadline).toISOString(),
      });
    }
    return this.finish(failed(), {
      ...fields,
      reason: `still failing after TIMEOUT_SECONDS=${this.config.timeoutSeconds}s: ${reason}`,
    });
  }

  private finish(response: HookResponse, fields: LogFields): HookResponse {
    this.deps.log({ event: 'smoke-hook.result', hookStatus: response.hookStatus, ...fields });
    return response;
  }
}

export function createHandler(
  deps: SmokeHookDeps,
): (event: unknown, context?: InvocationContext) => Promise<HookResponse> {
  return (event, context) => new SmokeHook(deps).handle(event, context);
}
