import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { paths } from '../context.ts';
import { type CostEstimate, estimateCost } from '../cost/model.ts';
import {
  type DeployTimeModel,
  deployTimeModels,
  type JobDeployTime,
  jobDeployTimes,
} from '../deploy-time/model.ts';
import { selectEnvironments } from '../environments.ts';
import { CliError, EXIT, type ExitCode, formatCliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { findCfnLint } from '../policy/cfn-lint.ts';
import { type PolicyResult, runPolicyChecks, type WarmChecks, warmUpChecks } from '../policy/checks.ts';
import { type EnvironmentReadiness, environmentReadiness } from '../readiness/render.ts';
import { serviceOwners } from '../services/owners.ts';
import { accountLevelStacks, type StackInfo, type Synthesized, stacksOf } from '../synth/stacks.ts';
import { displayPath, docsDirectory, docsPagePath, writeDocsPages } from './docs.ts';
import { PLAN_CACHE, planCacheKey, readPlanCache, sourcesFingerprint, writePlanCache } from './plan-cache.ts';
import { formatMs, PhaseClock, renderPhases } from './plan-phases.ts';
import { renderPlan } from './plan-report.ts';
import { type ServicePlan, servicePlans } from './plan-services.ts';

export interface PlanOptions {
  readonly all?: boolean;
  readonly json?: boolean;
  /** Also write each environment's docs page (diagram and cost detail). @default plan writes nothing */
  readonly writeDocs?: boolean;
  /** Directory for the docs pages; giving it implies `writeDocs`. @default docs/generated */
  readonly out?: string;
  /** Reuse cached policy results for unchanged templates. @default true */
  readonly cache?: boolean;
  /** Cloud assembly directory. @default <repo>/cdk.out */
  readonly assemblyDir?: string;
  /** Whether cfn-lint may run (tests switch it off). @default looks it up on PATH */
  readonly cfnLintAvailable?: boolean;
  /** An assembly synthesized already (tests pass the shared one); the plan cache is then not used. @default synthesizes the environments */
  readonly synthesized?: Synthesized;
  /** Print where the time went, phase by phase, on stderr. @default off */
  readonly verbose?: boolean;
  /** Directory of the plan cache (whole results by key). @default node_modules/.cache/slipway/plan */
  readonly planCacheDir?: string;
}

export interface EnvironmentPlan {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly protected: boolean;
  /** Stack names in deploy order. */
  readonly stacks: string[];
  readonly resources: Record<string, number>;
  readonly cost: CostEstimate;
  readonly deployTime: DeployTimeModel[];
  /** Each job's part of a deploy (a new task definition). */
  readonly jobDeployTime: JobDeployTime[];
  /** Every service of the app: its cost (the sum of its lines) and its modeled deploy time. */
  readonly services: ServicePlan[];
  /** Path of the environment's docs page (diagram and cost detail), as `slipway docs` writes it. */
  readonly diagram: string;
}

export interface AccountPlan {
  readonly account: string;
  readonly region: string;
  readonly stacks: string[];
  readonly environments: string[];
  readonly cost: CostEstimate;
}

/** The account-level stacks (registry, audit, CI access) grouped by account, each group priced. */
export function accountPlans(synthesized: Synthesized, config: SlipwayConfig): AccountPlan[] {
  const byAccount = new Map<string, StackInfo[]>();
  for (const s of accountLevelStacks(synthesized))
    byAccount.set(s.account, [...(byAccount.get(s.account) ?? []), s]);
  return [...byAccount].map(([account, stacks]) => ({
    account,
    region: stacks[0]?.region ?? '',
    stacks: stacks.map((s) => s.stackName),
    environments: Object.entries(config.environments)
      .filter(([, e]) => e.account === account)
      .map(([n]) => n),
    cost: estimateCost(stacks, { region: stacks[0]?.region }),
  }));
}

export interface PlanResult {
  readonly version: 1;
  readonly environments: EnvironmentPlan[];
  /** Account-level stacks (CI access, audit trail, registry), shared by the environments of one account. */
  readonly accounts: AccountPlan[];
  readonly policy: PolicyResult;
  /** Whether this run wrote the docs pages (`--write-docs` or `--out`); `plan` alone writes nothing. */
  readonly docsWritten: boolean;
  /** Each production-readiness rule's verdict per environment (config validation already enforced them). */
  readonly readiness: EnvironmentReadiness[];
  readonly timings: {
    readonly synthMs: number;
    readonly checksMs: number;
    readonly totalMs: number;
    /** `hit`: synth and checks read from the plan cache; `miss`: computed and stored; `off`: an assembly was given. */
    readonly cache: 'hit' | 'miss' | 'off';
  };
}

/** Resources by CloudFormation type, most frequent first. */
export function resourceCounts(stacks: readonly StackInfo[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of stacks)
    for (const r of Object.values(s.template.Resources ?? {})) counts[r.Type] = (counts[r.Type] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
}

/**
 * `slipway plan <env> | --all`: synthesize offline, run the policy checks, and report per
 * environment the resources, the monthly cost and the modeled deploy time. Needs no AWS account
 * and writes nothing unless asked: `--write-docs` (or `--out <dir>`) also writes each environment's
 * docs page, as `slipway docs` does. Exit 1 (SW205) on any policy finding. The synth and the
 * checks' result are cached under a hash of what determines them (plan-cache.ts); `--verbose`
 * prints each phase's time on stderr.
 */
export async function plan(
  config: SlipwayConfig,
  envArg: string | undefined,
  options: PlanOptions,
  io: Io,
): Promise<{ exitCode: ExitCode; result: PlanResult }> {
  const started = performance.now();
  const clock = new PhaseClock();
  const names = selectEnvironments(config, envArg, options.all, 'plan');
  const writeDocs = options.writeDocs === true || options.out !== undefined;
  const outDir = docsDirectory(options.out, writeDocs ? 'plan --write-docs' : undefined);

  const { synthesized, policy, checksMs, cache } = await synthesizeAndCheck(
    config,
    names,
    options,
    io,
    clock,
  );
  const environments = environmentPlans(config, names, synthesized, outDir, clock);
  if (writeDocs) clock.time('docs pages', () => writeDocsPages(config, synthesized, names, outDir));

  const result: PlanResult = {
    version: 1,
    environments,
    accounts: clock.time('cost (account stacks)', () => accountPlans(synthesized, config)),
    policy,
    docsWritten: writeDocs,
    readiness: clock.time('readiness', () => environmentReadiness(config, names)),
    timings: {
      synthMs: cache === 'hit' ? 0 : synthesized.durationMs,
      checksMs,
      totalMs: Math.round(performance.now() - started),
      cache,
    },
  };
  const output = clock.time('render', () =>
    options.json ? `${JSON.stringify(result, null, 2)}\n` : renderPlan(result),
  );
  io.out(output);
  if (options.verbose) io.err(renderPhases(clock.phases, Math.round(performance.now() - started)));
  if (!policy.ok) {
    const error = new CliError(
      'SW205',
      `${policy.findings.length} policy finding(s) (listed above)`,
      `fix them, then run slipway plan ${options.all ? '--all' : names[0]}`,
    );
    io.err(`${formatCliError(error)}\n`);
    return { exitCode: EXIT.failed, result };
  }
  return { exitCode: EXIT.ok, result };
}

/** Each environment's part of the plan: its stacks, resources, cost and modeled deploy time. */
function environmentPlans(
  config: SlipwayConfig,
  names: readonly string[],
  synthesized: Synthesized,
  outDir: string,
  clock: PhaseClock,
): EnvironmentPlan[] {
  let costMs = 0;
  let deployMs = 0;
  const timed = <T>(fn: () => T, add: (ms: number) => void): T => {
    const t = performance.now();
    const value = fn();
    add(performance.now() - t);
    return value;
  };
  const plans = names.map((name): EnvironmentPlan => {
    const resolved = resolveTarget(config, name).environment;
    const stacks = stacksOf(synthesized, name);
    const owners = serviceOwners(resolved.services);
    const cost = timed(
      () => estimateCost(stacks, { region: resolved.region, owners }),
      (ms) => (costMs += ms),
    );
    const [deployTime, jobDeployTime] = timed(
      () => [deployTimeModels(stacks, undefined, owners), jobDeployTimes(stacks, owners)] as const,
      (ms) => (deployMs += ms),
    );
    return {
      name,
      account: resolved.account,
      region: resolved.region,
      protected: resolved.protected,
      stacks: stacks.map((s) => s.stackName),
      resources: resourceCounts(stacks),
      cost,
      deployTime,
      jobDeployTime,
      services: servicePlans([...owners.values()], cost, deployTime, jobDeployTime),
      diagram: displayPath(docsPagePath(outDir, name)),
    };
  });
  clock.add('cost', costMs);
  clock.add('deploy-time model', deployMs);
  return plans;
}

interface Checked {
  readonly synthesized: Synthesized;
  readonly policy: PolicyResult;
  readonly checksMs: number;
  readonly cache: PlanResult['timings']['cache'];
}

/**
 * The synthesized stacks and the policy checks' result: read from the plan cache when its key is
 * stored (unless `--no-cache`), else computed (the checkers started before the synth, so their
 * start-up overlaps it) and stored.
 */
async function synthesizeAndCheck(
  config: SlipwayConfig,
  names: string[],
  options: PlanOptions,
  io: Io,
  clock: PhaseClock,
): Promise<Checked> {
  if (options.synthesized) {
    clock.add('synth', 0, 'an assembly was given');
    const { policy, checksMs } = await checkPolicy(options.synthesized, options, io, undefined, clock);
    return { synthesized: options.synthesized, policy, checksMs, cache: 'off' };
  }
  const lookupStarted = performance.now();
  // cfn-lint's version (a Python process) is read while the sources are hashed.
  const probe = options.cfnLintAvailable === false ? undefined : findCfnLint();
  const sources = sourcesFingerprint();
  const tool = await probe;
  const cacheDir = options.planCacheDir ?? PLAN_CACHE;
  const key = planCacheKey({
    config,
    environments: names,
    sources,
    cfnLint: options.cfnLintAvailable === false ? 'off' : (tool?.version ?? 'not installed'),
  });
  const cached = options.cache === false ? undefined : readPlanCache(cacheDir, key);
  const state = options.cache === false ? 'not read (--no-cache)' : cached ? 'hit' : 'miss';
  clock.add('cache lookup', performance.now() - lookupStarted, `${state}, key ${key.slice(0, 12)}`);
  if (cached) {
    io.progress.succeed(
      `Synth and policy checks unchanged since the cached run (same config, sources and tools; key ${key.slice(0, 12)})`,
    );
    clock.add('synth', 0, 'cached');
    clock.add('policy checks', 0, 'cached');
    return { ...cached, checksMs: 0, cache: 'hit' };
  }
  const warm = warmUpChecks(tool);
  let synthesized: Synthesized;
  try {
    // Loaded only here: aws-cdk-lib and the CDK app take a second or more to load, which a cache hit skips.
    const loadStarted = performance.now();
    const { synthesize } = await import('../synth/synthesize.ts');
    clock.add('load aws-cdk-lib and the app', performance.now() - loadStarted);
    synthesized = synthesizeEnvironments(synthesize, config, names, options, io);
  } catch (error) {
    warm.close();
    throw error;
  }
  clock.synth(synthesized);
  const { policy, checksMs } = await checkPolicy(synthesized, options, io, warm, clock);
  const storeStarted = performance.now();
  try {
    writePlanCache(cacheDir, key, synthesized, policy);
  } catch (error) {
    io.progress.warn(`plan cache not written (${(error as Error).message}); the next plan computes it again`);
  }
  clock.add('cache store', performance.now() - storeStarted);
  return { synthesized, policy, checksMs, cache: 'miss' };
}

function synthesizeEnvironments(
  synthesize: typeof import('../synth/synthesize.ts').synthesize,
  config: SlipwayConfig,
  names: string[],
  options: PlanOptions,
  io: Io,
): Synthesized {
  io.progress.start(`Synthesizing ${names.join(', ')}`);
  const synthesized = synthesize(config, {
    environments: names,
    outdir: options.assemblyDir ?? paths.assembly,
    // Run after the synth instead, beside the other checkers (runPolicyChecks).
    controlTower: false,
  });
  io.progress.succeed(
    `Synthesized ${synthesized.stacks.length} stacks in ${formatMs(synthesized.durationMs)}`,
  );
  return synthesized;
}

/** cdk-nag, the CloudFormation validator and cfn-lint over every synthesized stack, with one summary line. */
async function checkPolicy(
  synthesized: Synthesized,
  options: PlanOptions,
  io: Io,
  warm: WarmChecks | undefined,
  clock: PhaseClock,
) {
  io.progress.start('Policy checks: cdk-nag, CloudFormation validation, cfn-lint');
  const checksStarted = performance.now();
  const policy = await runPolicyChecks(synthesized.outdir, synthesized.stacks, {
    cfnLintConfig: paths.cfnLintConfig,
    cacheDir: options.cache === false ? undefined : paths.policyCache,
    cfnLintAvailable: options.cfnLintAvailable,
    onProgress: (text) => io.progress.update(text),
    warm,
  });
  const checksMs = Math.round(performance.now() - checksStarted);
  clock.checks(policy, checksMs);
  const summary = policy.runs
    .map(
      (r) =>
        `${r.checker} ${r.status === 'skipped' ? 'skipped' : policy.findings.filter((f) => f.checker === r.checker).length}${r.status === 'cached' ? ' (cached)' : ''}`,
    )
    .join(', ');
  if (policy.ok) io.progress.succeed(`Policy checks passed in ${(checksMs / 1000).toFixed(1)} s: ${summary}`);
  else io.progress.fail(`Policy checks found ${policy.findings.length} problem(s): ${summary}`);
  for (const run of policy.runs)
    if (run.status === 'skipped') io.progress.warn(`${run.checker}: ${run.note}`);
  return { policy, checksMs };
}
