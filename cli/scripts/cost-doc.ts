/**
 * Writes the generated part of docs/cost.md (between `<!-- cost:start -->` and
 * `<!-- cost:end -->`): the itemized monthly cost of every environment and of each account's
 * shared stacks, as `slipway plan` computes them (synthesize, then `estimateCost` on the same
 * stack groups), the price tables, the usage assumptions, and the reference architecture of the
 * design documents priced by the same model. The text around the markers is written by hand.
 *
 *   npx tsx cli/scripts/cost-doc.ts            rewrite the generated part
 *   npx tsx cli/scripts/cost-doc.ts --check    exit 1 when the generated part is stale
 *   npx tsx cli/scripts/cost-doc.ts --config <path>   another slipway.config.ts
 *
 * Deterministic (no dates, no timings): running it twice on the same sources changes nothing.
 * It synthesizes into a temporary directory, never into the shared `cdk.out`.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadConfig, resolveEnvironment, type SlipwayConfig } from '@slipway/config';
import { paths } from '../src/context.ts';
import { type CostEstimate, type CostLine, estimateCost } from '../src/cost/model.ts';
import { REFERENCE_COMPONENTS, referenceArchitectureCost } from '../src/cost/reference.ts';
import { money } from '../src/format.ts';
import { priceTable } from '../src/pricing/index.ts';
import { accountLevelStacks, type StackInfo, stacksOf, synthesize } from '../src/synth/synthesize.ts';

const START = '<!-- cost:start -->';
const END = '<!-- cost:end -->';

/** The issue's target for dev (issue: "dev ≤ $40/month, keeping the ALB, RDS and Grafana"). */
const DEV_TARGET_USD = 40;

interface EnvironmentCost {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly stacks: string[];
  readonly cost: CostEstimate;
}

interface AccountCost {
  readonly account: string;
  readonly region: string;
  readonly stacks: string[];
  readonly environments: string[];
  readonly cost: CostEstimate;
}

/** The same stack groups and `estimateCost` calls as `plan` (cli/src/commands/plan.ts). */
function costs(config: SlipwayConfig): { environments: EnvironmentCost[]; accounts: AccountCost[] } {
  const synthesized = synthesize(config);
  try {
    const environments = Object.keys(config.environments).map((name): EnvironmentCost => {
      const resolved = resolveEnvironment(name, config.environments[name] as never, config);
      const stacks = stacksOf(synthesized, name);
      return {
        name,
        account: resolved.account,
        region: resolved.region,
        stacks: stacks.map((s) => s.stackName),
        cost: estimateCost(stacks, { region: resolved.region }),
      };
    });
    const byAccount = new Map<string, StackInfo[]>();
    for (const s of accountLevelStacks(synthesized))
      byAccount.set(s.account, [...(byAccount.get(s.account) ?? []), s]);
    const accounts = [...byAccount].map(
      ([account, stacks]): AccountCost => ({
        account,
        region: stacks[0]?.region ?? '',
        stacks: stacks.map((s) => s.stackName),
        environments: Object.entries(config.environments)
          .filter(([, e]) => e.account === account)
          .map(([n]) => n),
        cost: estimateCost(stacks, { region: stacks[0]?.region }),
      }),
    );
    return { environments, accounts };
  } finally {
    rmSync(synthesized.outdir, { recursive: true, force: true });
  }
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('*', '\\*');
const usd = (n: number) => money(n);
const percent = (share: number) => `${Math.round(share * 100)}%`;

function flags(line: CostLine): string {
  return `${line.estimatedPrice ? ' \\*' : ''}${line.assumption ? ' †' : ''}`;
}

/** An itemized cost as a Markdown table, then its notes (estimates, assumptions, unpriced types). */
function costTable(cost: CostEstimate, stackLabel: (stack: string) => string): string {
  const rows = [
    '| stack | item | how | USD/month |',
    '|---|---|---|--:|',
    ...cost.lines.map(
      (l) =>
        `| ${cell(stackLabel(l.stack))} | ${cell(l.item)}${flags(l)} | ${cell(l.detail)} | ${usd(l.monthly)} |`,
    ),
    `| | **total** | | **${usd(cost.total)}** |`,
  ];
  const notes: string[] = [];
  if (cost.estimatedShare > 0)
    notes.push(`\\* an estimated regional price (${percent(cost.estimatedShare)} of this total).`);
  if (cost.lines.some((l) => l.assumption)) notes.push('† depends on a usage assumption.');
  for (const u of cost.unpriced)
    notes.push(`Unpriced: ${u.count} × \`${u.resourceType}\` (${u.reason}) in ${u.stacks.join(', ')}.`);
  return `${rows.join('\n')}\n${notes.length ? `\n${notes.join(' ')}\n` : ''}`;
}

const has = (cost: CostEstimate, test: (l: CostLine) => boolean) => cost.lines.some(test);

/** The generated Markdown (without the markers). */
function render(
  config: SlipwayConfig,
  data: { environments: EnvironmentCost[]; accounts: AccountCost[] },
): string {
  const { environments, accounts } = data;
  const regions = [...new Set(environments.map((e) => e.region))];
  const reference = new Map(regions.map((r) => [r, referenceArchitectureCost(r)]));
  const out: string[] = [
    '<!-- Generated by cli/scripts/cost-doc.ts from slipway.config.ts, the synthesized templates and cli/src/pricing/. Do not edit by hand: run `npx tsx cli/scripts/cost-doc.ts`. -->',
    '',
    '### Summary',
    '',
    '| | region | account | USD/month | on estimated prices | reference architecture, same region |',
    '|---|---|---|--:|--:|--:|',
    ...environments.map(
      (e) =>
        `| ${e.name} | ${e.region} | ${e.account} | ${usd(e.cost.total)} | ${percent(e.cost.estimatedShare)} | ${usd(reference.get(e.region)?.total ?? 0)} |`,
    ),
    ...accounts.map(
      (a) =>
        `| shared stacks of account ${a.account} (${a.environments.join(', ')}) | ${a.region} | ${a.account} | ${usd(a.cost.total)} | ${percent(a.cost.estimatedShare)} | |`,
    ),
    '',
  ];

  const dev = environments.find((e) => e.name === 'dev');
  if (dev) {
    const shared = accounts.find((a) => a.account === dev.account);
    const gap = Math.round((dev.cost.total - DEV_TARGET_USD) * 100) / 100;
    const kept = [
      ['ALB', has(dev.cost, (l) => l.resourceType === 'AWS::ElasticLoadBalancingV2::LoadBalancer')],
      ['RDS', has(dev.cost, (l) => l.resourceType === 'AWS::RDS::DBInstance')],
      ['Grafana', has(dev.cost, (l) => l.resourceType === 'AWS::ECS::Service' && l.item.includes('Grafana'))],
    ] as const;
    out.push(
      `**dev against the target of ${usd(DEV_TARGET_USD)}/month**: dev's own stacks are modeled at ${usd(dev.cost.total)}/month, ` +
        (gap > 0 ? `${usd(gap)} above the target` : `${usd(-gap)} under the target`) +
        `; it keeps ${kept.map(([name, present]) => `${name} ${present ? 'yes' : 'NO'}`).join(', ')}.` +
        (shared
          ? ` The shared stacks of its account add ${usd(shared.cost.total)} for ${shared.environments.join(' and ')} together (${usd(dev.cost.total + shared.cost.total)} if dev were alone in the account).`
          : ''),
      '',
    );
  }

  for (const e of environments) {
    const prefix = `${config.app.name}-${e.name}-`;
    out.push(
      `### ${e.name}: ${usd(e.cost.total)}/month`,
      '',
      `${e.region}, account ${e.account}; stacks in deploy order: ${e.stacks.map((s) => `\`${s}\``).join(' → ')}.`,
      '',
      costTable(e.cost, (s) => (s.startsWith(prefix) ? s.slice(prefix.length) : s)),
    );
  }

  for (const a of accounts) {
    out.push(
      `### Shared stacks of account ${a.account}: ${usd(a.cost.total)}/month`,
      '',
      `${a.region}; used by ${a.environments.join(', ')}; stacks: ${a.stacks.map((s) => `\`${s}\``).join(', ')}. \`slipway deploy\` includes them for each of these environments; they exist, and are paid for, once.`,
      '',
      costTable(a.cost, (s) => s),
    );
  }

  out.push(
    '### Reference architecture',
    '',
    'What the design documents describe (seeds 000 and 001), priced by the same model and price table (`cli/src/cost/reference.ts`):',
    '',
    ...REFERENCE_COMPONENTS.map((c) => `- ${c}`),
    '',
  );
  for (const [region, cost] of reference) {
    out.push(
      `#### Reference architecture in ${region}: ${usd(cost.total)}/month`,
      '',
      costTable(cost, () => 'reference'),
    );
  }

  out.push(
    '### Price tables',
    '',
    '| region | as of | source | estimated entries |',
    '|---|---|---|---|',
    ...regions.map((r) => {
      const t = priceTable(r);
      return t
        ? `| ${r} | ${t.asOf} | ${cell(t.source)} | ${t.estimates.length ? t.estimates.map((k) => `\`${k}\``).join(', ') : 'none'} |`
        : `| ${r} | - | no table in cli/src/pricing/ | - |`;
    }),
    '',
    '### Usage assumptions',
    '',
    '| assumption | value |',
    '|---|--:|',
    ...Object.entries(environments[0]?.cost.assumptions ?? {}).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
  );
  return out.join('\n');
}

/** `text` with the part between the markers replaced by `generated`. */
function splice(text: string, generated: string, file: string): string {
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(
      `${file}: no "${START}" … "${END}" pair; add both markers on their own lines where the generated tables go`,
    );
  }
  return `${text.slice(0, start + START.length)}\n${generated}\n${text.slice(end)}`;
}

async function run(): Promise<number> {
  const { values } = parseArgs({
    options: { check: { type: 'boolean', default: false }, config: { type: 'string' } },
  });
  const configFile = values.config ? resolve(values.config) : defaultConfigPath();
  const config = await loadConfig(configFile);
  const file = join(paths.root, 'docs', 'cost.md');
  const before = readFileSync(file, 'utf8');
  const after = splice(before, render(config, costs(config)), relative(paths.root, file));
  if (values.check) {
    if (after === before) return 0;
    process.stderr.write(
      `${relative(paths.root, file)} is stale: run npx tsx cli/scripts/cost-doc.ts and commit the result\n`,
    );
    return 1;
  }
  if (after !== before) writeFileSync(file, after);
  process.stdout.write(
    `${relative(paths.root, file)} ${after === before ? 'already up to date' : 'updated'}\n`,
  );
  return 0;
}

process.exitCode = await run();
