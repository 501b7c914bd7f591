import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { paths } from '../context.ts';
import { type CostEstimate, estimateCost } from '../cost/model.ts';
import { type DeployTimeModel, deployTimeModels, formatDuration } from '../deploy-time/model.ts';
import { diagramDocument } from '../diagram/mermaid.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import { indent, money, table } from '../format.ts';
import type { Io } from '../io.ts';
import { type PolicyResult, runPolicyChecks } from '../policy/checks.ts';
import { type EnvironmentReadiness, environmentReadiness, renderReadiness } from '../readiness/render.ts';
import {
  accountLevelStacks,
  type StackInfo,
  type Synthesized,
  stacksOf,
  synthesize,
} from '../synth/synthesize.ts';

export interface PlanOptions {
  readonly all?: boolean;
  readonly json?: boolean;
  /** Directory for the generated diagrams. @default docs/generated */
  readonly out?: string;
  /** Reuse cached policy results for unchanged templates. @default true */
  readonly cache?: boolean;
  /** Cloud assembly directory. @default <repo>/cdk.out */
  readonly assemblyDir?: string;
  /** Whether cfn-lint may run (tests switch it off). @default looks it up on PATH */
  readonly cfnLintAvailable?: boolean;
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
  /** Path of the generated diagram, relative to the repository root. */
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
 * environment the resources, the monthly cost, the modeled deploy time, and a diagram written
 * to `docs/generated/<env>.md`. Needs no AWS account. Exit 1 (SW205) on any policy finding.
 */
export async function plan(
  config: SlipwayConfig,
  envArg: string | undefined,
  options: PlanOptions,
  io: Io,
): Promise<{ exitCode: ExitCode; result: PlanResult }> {
  const started = performance.now();
  const names = selectedEnvironments(config, envArg, options);

  io.progress.start(`Synthesizing ${names.join(', ')}`);
  const synthesized = synthesize(config, {
    environments: names,
    outdir: options.assemblyDir ?? paths.assembly,
  });
  io.progress.succeed(
    `Synthesized ${synthesized.stacks.length} stacks in ${(synthesized.durationMs / 1000).toFixed(1)} s`,
  );

  const { policy, checksMs } = await checkPolicy(synthesized, options, io);

  const outDir = options.out ?? paths.generated;
  mkdirSync(outDir, { recursive: true });
  const environments = names.map((name): EnvironmentPlan => {
    const resolved = resolveTarget(config, name).environment;
    const stacks = stacksOf(synthesized, name);
    const file = join(outDir, `${name}.md`);
    writeFileSync(file, diagramDocument(name, stacks, { parameterPath: resolved.parameterPath }));
    return {
      name,
      account: resolved.account,
      region: resolved.region,
      protected: resolved.protected,
      stacks: stacks.map((s) => s.stackName),
      resources: resourceCounts(stacks),
      cost: estimateCost(stacks, { region: resolved.region }),
      deployTime: deployTimeModels(stacks.map((s) => s.template)),
      diagram: relative(paths.root, file),
    };
  });
  const accounts = accountPlans(synthesized, config);

  const result: PlanResult = {
    version: 1,
    environments,
    accounts,
    policy,
    readiness: environmentReadiness(config, names),
    timings: {
      synthMs: synthesized.durationMs,
      checksMs,
      totalMs: Math.round(performance.now() - started),
    },
  };
  if (options.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else io.out(`${renderPlan(result)}\n${renderReadiness(result.readiness)}`);
  if (!policy.ok) {
    const error = new CliError(
      'SW205',
      `${policy.findings.length} policy finding(s) (listed above)`,
      `fix them, then run slipway plan ${options.all ? '--all' : names[0]}`,
    );
    io.err(`error ${error.code}: ${error.message}. Next: ${error.next}\n`);
    return { exitCode: EXIT.failed, result };
  }
  return { exitCode: EXIT.ok, result };
}

/** The environments to plan: `--all`, or the one named (never both, never neither). */
function selectedEnvironments(
  config: SlipwayConfig,
  envArg: string | undefined,
  options: PlanOptions,
): string[] {
  if (options.all && envArg) {
    throw new CliError('SW203', 'give an environment or --all, not both', `slipway plan ${envArg}`);
  }
  if (!options.all && !envArg) {
    throw new CliError(
      'SW203',
      'missing environment',
      `slipway plan ${Object.keys(config.environments)[0]} or slipway plan --all`,
    );
  }
  return options.all
    ? Object.keys(config.environments)
    : [resolveEnvironmentName(config, envArg as string, 'plan').name];
}

/** cdk-nag, the CloudFormation validator and cfn-lint over every synthesized stack, with one summary line. */
async function checkPolicy(synthesized: Synthesized, options: PlanOptions, io: Io) {
  io.progress.start('Policy checks: cdk-nag, CloudFormation validation, cfn-lint');
  const checksStarted = performance.now();
  const policy = await runPolicyChecks(synthesized.outdir, synthesized.stacks, {
    cfnLintConfig: paths.cfnLintConfig,
    cacheDir: options.cache === false ? undefined : paths.policyCache,
    cfnLintAvailable: options.cfnLintAvailable,
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

function renderCost(cost: CostEstimate): string {
  const rows = cost.lines.map((l) => [
    l.stack.replace(/^.*-(?=[a-z]+$)/, ''),
    l.item + (l.estimatedPrice ? ' *' : '') + (l.assumption ? ' †' : ''),
    l.detail,
    money(l.monthly),
  ]);
  rows.push(['', 'total', '', money(cost.total)]);
  const notes: string[] = [
    `prices: ${cost.priceTable.region} table as of ${cost.priceTable.asOf} (${cost.priceTable.source}); never fetched`,
  ];
  if (cost.estimatedShare > 0) {
    notes.push(
      `* uses an estimated regional price (${Math.round(cost.estimatedShare * 100)}% of this total)`,
    );
  }
  notes.push('† depends on a usage assumption (below)');
  for (const u of cost.unpriced)
    notes.push(`unpriced: ${u.count} × ${u.resourceType} (${u.reason}) in ${u.stacks.join(', ')}`);
  return `${table(rows, ['l', 'l', 'l', 'r'])}\n${notes.join('\n')}`;
}

function renderDeployTime(models: readonly DeployTimeModel[]): string {
  return models
    .map((m) => {
      const rows = m.phases.map((p) => [p.name, formatDuration(p.seconds), p.source, p.detail]);
      rows.push([
        'total',
        formatDuration(m.totalSeconds),
        '',
        `ECS defaults: ${formatDuration(m.ecsDefaultsTotalSeconds)}`,
      ]);
      return `${m.service} (${m.strategy}, ${m.settings.tasks} task${m.settings.tasks === 1 ? '' : 's'}):\n${indent(table(rows, ['l', 'r', 'l', 'l']))}\n${indent(m.notes.join('\n'))}`;
    })
    .join('\n');
}

/** The human-readable report. */
export function renderPlan(result: PlanResult): string {
  const parts: string[] = [];
  for (const env of result.environments) {
    const resources = Object.entries(env.resources).map(([type, n]) => [String(n), type]);
    parts.push(
      [
        `━━ ${env.name} (${env.region}, account ${env.account}${env.protected ? ', protected' : ''})`,
        `stacks, in deploy order: ${env.stacks.join(' → ')}`,
        '',
        `Resources by type (${Object.values(env.resources).reduce((a, b) => a + b, 0)}):`,
        indent(table(resources, ['r', 'l'])),
        '',
        `Monthly cost estimate, USD: ${money(env.cost.total)}`,
        indent(renderCost(env.cost)),
        `assumptions: ${Object.entries(env.cost.assumptions)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}`,
        '',
        'Deploy time (modeled critical path of one deployment):',
        indent(renderDeployTime(env.deployTime)),
        '',
        `Diagram: ${env.diagram}`,
      ].join('\n'),
    );
  }
  for (const acct of result.accounts) {
    parts.push(
      [
        `━━ account ${acct.account} (${acct.region}): shared by ${acct.environments.join(', ')}`,
        `stacks: ${acct.stacks.join(', ')}`,
        `Monthly cost estimate, USD: ${money(acct.cost.total)}`,
        indent(renderCost(acct.cost)),
      ].join('\n'),
    );
  }
  if (result.environments.length > 1) {
    parts.push(
      table(
        [
          ['environment', 'monthly', 'deploy time'],
          ...result.environments.map((e) => [
            e.name,
            money(e.cost.total),
            e.deployTime[0] ? formatDuration(e.deployTime[0].totalSeconds) : '-',
          ]),
          ...result.accounts.map((a) => [`account ${a.account}`, money(a.cost.total), '']),
        ],
        ['l', 'r', 'r'],
      ),
    );
  }
  const policyLines = result.policy.runs.map((r) => {
    const n = result.policy.findings.filter((f) => f.checker === r.checker).length;
    return `  ${r.checker}: ${r.status === 'skipped' ? `not run (${r.note})` : `${n} finding(s)${r.status === 'cached' ? ', cached result' : ''}`}`;
  });
  const findings = result.policy.findings.map(
    (f) => `  ✗ ${f.checker} ${f.rule} (${f.severity}) ${f.stack} ${f.where}: ${f.message}`,
  );
  parts.push(['Policy checks:', ...policyLines, ...findings].join('\n'));
  return `${parts.join('\n\n')}\n`;
}
