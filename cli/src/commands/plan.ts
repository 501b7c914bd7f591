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
import { type PolicyResult, runPolicyChecks } from '../policy/checks.ts';
import { type EnvironmentReadiness, environmentReadiness } from '../readiness/render.ts';
import { serviceOwners } from '../services/owners.ts';
import {
  accountLevelStacks,
  type StackInfo,
  type Synthesized,
  stacksOf,
  synthesize,
} from '../synth/synthesize.ts';
import { displayPath, docsDirectory, docsPagePath, writeDocsPages } from './docs.ts';
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
  /** An assembly synthesized already (tests pass the shared one). @default synthesizes the environments */
  readonly synthesized?: Synthesized;
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
  readonly timings: { readonly synthMs: number; readonly checksMs: number; readonly totalMs: number };
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
 * docs page, as `slipway docs` does. Exit 1 (SW205) on any policy finding.
 */
export async function plan(
  config: SlipwayConfig,
  envArg: string | undefined,
  options: PlanOptions,
  io: Io,
): Promise<{ exitCode: ExitCode; result: PlanResult }> {
  const started = performance.now();
  const names = selectEnvironments(config, envArg, options.all, 'plan');
  const writeDocs = options.writeDocs === true || options.out !== undefined;
  const outDir = docsDirectory(options.out, writeDocs ? 'plan --write-docs' : undefined);

  const synthesized = options.synthesized ?? synthesizeEnvironments(config, names, options, io);
  const { policy, checksMs } = await checkPolicy(synthesized, options, io);

  const environments = names.map((name): EnvironmentPlan => {
    const resolved = resolveTarget(config, name).environment;
    const stacks = stacksOf(synthesized, name);
    const owners = serviceOwners(resolved.services);
    const cost = estimateCost(stacks, { region: resolved.region, owners });
    const deployTime = deployTimeModels(stacks, undefined, owners);
    const jobDeployTime = jobDeployTimes(stacks, owners);
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
  if (writeDocs) writeDocsPages(config, synthesized, names, outDir);

  const result: PlanResult = {
    version: 1,
    environments,
    accounts: accountPlans(synthesized, config),
    policy,
    docsWritten: writeDocs,
    readiness: environmentReadiness(config, names),
    timings: {
      synthMs: synthesized.durationMs,
      checksMs,
      totalMs: Math.round(performance.now() - started),
    },
  };
  if (options.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else io.out(renderPlan(result));
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

function synthesizeEnvironments(
  config: SlipwayConfig,
  names: string[],
  options: PlanOptions,
  io: Io,
): Synthesized {
  io.progress.start(`Synthesizing ${names.join(', ')}`);
  const synthesized = synthesize(config, {
    environments: names,
    outdir: options.assemblyDir ?? paths.assembly,
  });
  io.progress.succeed(
    `Synthesized ${synthesized.stacks.length} stacks in ${(synthesized.durationMs / 1000).toFixed(1)} s`,
  );
  return synthesized;
}

/** cdk-nag, the CloudFormation validator and cfn-lint over every synthesized stack, with one summary line. */
async function checkPolicy(synthesized: Synthesized, options: PlanOptions, io: Io) {
  io.progress.start('Policy checks: cdk-nag, CloudFormation validation, cfn-lint');
  const checksStarted = performance.now();
  const policy = await runPolicyChecks(synthesized.outdir, synthesized.stacks, {
    cfnLintConfig: paths.cfnLintConfig,
    cacheDir: options.cache === false ? undefined : paths.policyCache,
    cfnLintAvailable: options.cfnLintAvailable,
    onProgress: (text) => io.progress.update(text),
  });
  const checksMs = Math.round(performance.now() - checksStarted);
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
