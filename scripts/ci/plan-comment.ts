/*
 * The infra pipeline's pull-request comment: one comment, updated on every push, with the
 * monthly cost and the diff of every environment.
 *
 *   npx tsx scripts/ci/plan-comment.ts --dir plans --pr 42 [--print]
 *
 * `--dir` holds, per environment, what the plan job wrote:
 *   plan-<env>.json   `slipway plan <env> --json` (the cost is read from it)
 *   plan-<env>.exit   that command's exit code (non-zero: policy findings)
 *   diff-<env>.txt    `slipway diff <env>` output (with the plan role)
 *   diff-<env>.exit   that command's exit code
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { appendSummary, isMain, run } from './actions.ts';
import { GitHubClient } from './github.ts';

/** GitHub rejects comments over 65,536 characters; each diff gets a share of this budget. */
const COMMENT_BUDGET = 60_000;

export interface EnvironmentPlan {
  readonly environment: string;
  readonly monthlyCostUsd: number | undefined;
  readonly diff: string | undefined;
  readonly diffExit: number | undefined;
  readonly planError: string | undefined;
  /** Exit code of `slipway plan` (non-zero when its policy checks found problems). */
  readonly planExit?: number | undefined;
}

/**
 * The monthly cost of `environment` in a `slipway plan <env> --json` document:
 * `environments[].cost.total` (USD, the sum of the CLI's priced lines).
 */
export function monthlyCost(plan: unknown, environment: string): number | undefined {
  const doc = plan as { environments?: { name?: unknown; cost?: { total?: unknown } }[] } | null;
  const environments = Array.isArray(doc?.environments) ? doc.environments : [];
  const total = environments.find((e) => e?.name === environment)?.cost?.total;
  return typeof total === 'number' && Number.isFinite(total) ? total : undefined;
}

export function readPlans(dir: string): EnvironmentPlan[] {
  const names = new Set(
    readdirSync(dir)
      .map((f) => /^(?:plan|diff)-([a-z][a-z0-9-]*)\.(?:json|txt|exit)$/.exec(f)?.[1])
      .filter((n): n is string => !!n),
  );
  return [...names].sort().map((environment) => {
    const file = (suffix: string) => join(dir, `${suffix}`);
    let cost: number | undefined;
    let planError: string | undefined;
    const planFile = file(`plan-${environment}.json`);
    if (existsSync(planFile)) {
      try {
        cost = monthlyCost(JSON.parse(readFileSync(planFile, 'utf8')), environment);
      } catch (error) {
        planError = `plan output is not JSON: ${error instanceof Error ? error.message : String(error)}`;
      }
    } else {
      planError = 'no plan output';
    }
    const diffFile = file(`diff-${environment}.txt`);
    const exitFile = file(`diff-${environment}.exit`);
    const planExitFile = file(`plan-${environment}.exit`);
    return {
      environment,
      monthlyCostUsd: cost,
      diff: existsSync(diffFile) ? readFileSync(diffFile, 'utf8') : undefined,
      diffExit: existsSync(exitFile) ? Number(readFileSync(exitFile, 'utf8').trim()) : undefined,
      planError,
      planExit: existsSync(planExitFile) ? Number(readFileSync(planExitFile, 'utf8').trim()) : undefined,
    };
  });
}

const usd = (n: number | undefined) => (n === undefined ? 'n/a' : `$${n.toFixed(2)}`);

/** Removes ANSI colours and anything that would close the Markdown code fence. */
function clean(text: string): string {
  return stripVTControlCharacters(text).replace(/```/g, "'''");
}

export function renderPlanComment(
  plans: EnvironmentPlan[],
  context: { sha: string; runUrl?: string },
): string {
  const lines = [
    '## Slipway plan',
    '',
    `Commit \`${context.sha.slice(0, 12)}\`${context.runUrl ? ` · [run](${context.runUrl})` : ''}. Costs are estimates from the CLI's dated price table.`,
    '',
    '| environment | monthly cost | plan checks | diff |',
    '| --- | ---: | --- | --- |',
  ];
  for (const p of plans) {
    const diff =
      p.diffExit === undefined ? 'not run' : p.diffExit === 0 ? 'computed' : `failed (exit ${p.diffExit})`;
    const checks =
      p.planExit === undefined ? 'not run' : p.planExit === 0 ? 'passed' : `failed (exit ${p.planExit})`;
    lines.push(
      `| ${p.environment} | ${usd(p.monthlyCostUsd)}${p.planError ? ` (${p.planError})` : ''} | ${checks} | ${diff} |`,
    );
  }
  const total = plans.reduce((sum, p) => sum + (p.monthlyCostUsd ?? 0), 0);
  if (plans.some((p) => p.monthlyCostUsd !== undefined)) lines.push(`| **total** | **${usd(total)}** | | |`);
  const share = Math.floor(COMMENT_BUDGET / Math.max(plans.length, 1)) - 200;
  for (const p of plans) {
    if (p.diff === undefined) continue;
    let text = clean(p.diff).trim();
    if (text.length > share) text = `${text.slice(0, share)}\n… (truncated: the full diff is in the job log)`;
    lines.push(
      '',
      `<details><summary>${p.environment}: diff</summary>`,
      '',
      '```',
      text || '(no differences)',
      '```',
      '',
      '</details>',
    );
  }
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: { dir: { type: 'string' }, pr: { type: 'string' }, print: { type: 'boolean', default: false } },
  });
  if (!values.dir) throw new Error('usage: plan-comment.ts --dir <dir> --pr <number> [--print]');
  const server = process.env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = process.env.GITHUB_RUN_ID
    ? `${server}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`
    : undefined;
  const body = renderPlanComment(readPlans(values.dir), { sha: process.env.GITHUB_SHA ?? 'local', runUrl });
  appendSummary(body);
  if (values.print) return;
  const pr = Number(values.pr);
  if (!Number.isInteger(pr) || pr <= 0) throw new Error(`--pr: got "${values.pr}"; a pull request number`);
  const id = await GitHubClient.fromEnv().upsertComment(pr, 'plan', body);
  console.log(`plan comment ${id} updated on #${pr}`);
}

if (isMain(import.meta.url)) run(main);
