import type { CostEstimate } from '../cost/model.ts';
import { type DeployTimeModel, formatDuration } from '../deploy-time/model.ts';
import { indent, money, REPORT_WIDTH, table, wrap } from '../format.ts';
import { renderReadiness } from '../readiness/render.ts';
import type { AccountPlan, EnvironmentPlan, PlanResult } from './plan.ts';
import { environmentDeploySeconds } from './plan-services.ts';

/*
 * The human-readable report of `slipway plan`: every line fits REPORT_WIDTH columns. It is a
 * list of sections, each a function, printed in order; a new section is one more function in
 * ENVIRONMENT_SECTIONS (per environment) or REPORT_SECTIONS (once per report). The detail cut
 * here (how each cost line is reached, every resource type) is in `--json` and in the page
 * `slipway docs` writes.
 */

/** One part of an environment's report (no trailing newline; empty to print nothing). */
export type EnvironmentSection = (env: EnvironmentPlan, result: PlanResult) => string;

/** One part of the whole report, after the environments. */
export type ReportSection = (result: PlanResult) => string;

/** Resource types listed by name; the rest are counted on one line. */
const RESOURCE_TYPES_SHOWN = 10;

/** The stack column of a cost table: a stack's layer (`network`, `audit`), not its full name. */
const STACK_COLUMN = 14;
/** What a cost line prices; the widest cell that leaves room for the stack and the amount. */
const ITEM_COLUMN = REPORT_WIDTH - 2 - STACK_COLUMN - 2 - 2 - 10;

function header(env: EnvironmentPlan): string {
  return [
    `━━ ${env.name} (${env.region}, account ${env.account}${env.protected ? ', protected' : ''})`,
    wrap(`stacks, in deploy order: ${env.stacks.join(' → ')}`),
  ].join('\n');
}

function resources(env: EnvironmentPlan): string {
  const entries = Object.entries(env.resources);
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const shown = entries.slice(0, RESOURCE_TYPES_SHOWN).map(([type, n]) => [String(n), type]);
  const rest = entries.slice(RESOURCE_TYPES_SHOWN);
  const more = rest.length
    ? [
        `  … ${rest.length} more types, ${rest.reduce((sum, [, n]) => sum + n, 0)} resources` +
          ` (every type: slipway plan ${env.name} --json)`,
      ]
    : [];
  return [`Resources by type (${total}):`, indent(table(shown, ['r', 'l'])), ...more].join('\n');
}

/** Short stack names for a cost table: without the shared prefix and the account suffix. */
function stackLabel(stacks: readonly string[], account: string): (stack: string) => string {
  const bare = (s: string) => s.replace(new RegExp(`-${account}$`), '');
  const names = [...new Set(stacks.map(bare))];
  let prefix = names.length > 1 ? (names[0] ?? '') : '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.slice(0, prefix.lastIndexOf('-') + 1);
  return (stack) => {
    const name = bare(stack);
    return names.length > 1 ? name.slice(prefix.length) : name.slice(name.lastIndexOf('-') + 1);
  };
}

/**
 * The compact cost table: stack, what is priced, monthly amount; the notes wrapped below. Lines of
 * a service's resources follow the layers', grouped under the service's name with its subtotal.
 */
export function renderCost(cost: CostEstimate, stacks: readonly string[], account: string): string {
  const label = stackLabel(stacks, account);
  const row = (first: string, l: CostEstimate['lines'][number]) => [
    first,
    l.item + (l.estimatedPrice ? ' *' : '') + (l.assumption ? ' †' : ''),
    money(l.monthly),
  ];
  const rows = cost.lines.filter((l) => !l.service).map((l) => row(label(l.stack), l));
  for (const service of cost.services) {
    const lines = cost.lines.filter((l) => l.service === service.name);
    if (lines.length === 0) continue;
    rows.push(...lines.map((l) => row(service.name, l)));
    rows.push(['', `subtotal ${service.name} (${service.type})`, money(service.monthly)]);
  }
  rows.push(['', 'total', money(cost.total)]);
  const notes: string[] = [];
  if (cost.estimatedShare > 0) {
    notes.push(`* estimated regional price (${Math.round(cost.estimatedShare * 100)}% of this total)`);
  }
  const used = [...new Set(cost.lines.flatMap((l) => (l.assumption ? [l.assumption] : [])))];
  if (used.length > 0)
    notes.push(`† usage assumption: ${used.map((k) => `${k}=${cost.assumptions[k]}`).join(', ')}`);
  for (const u of cost.unpriced)
    notes.push(`unpriced: ${u.count} × ${u.resourceType} (${u.reason}) in ${u.stacks.join(', ')}`);
  notes.push(
    `prices: ${cost.priceTable.region} table as of ${cost.priceTable.asOf}, never fetched (${cost.priceTable.source})`,
  );
  const columns = [{ max: STACK_COLUMN }, { max: ITEM_COLUMN }, { align: 'r' as const }];
  return [table(rows, columns), ...notes.map((n) => wrap(n, REPORT_WIDTH - 2))].join('\n');
}

function cost(env: EnvironmentPlan): string {
  return [
    `Monthly cost estimate, USD: ${money(env.cost.total)}`,
    indent(renderCost(env.cost, env.stacks, env.account)),
  ].join('\n');
}

function renderDeployTime(model: DeployTimeModel): string {
  const rows = model.phases.map((p) => [p.name, formatDuration(p.seconds), p.source, p.detail]);
  rows.push([
    'total',
    formatDuration(model.totalSeconds),
    '',
    `ECS defaults: ${formatDuration(model.ecsDefaultsTotalSeconds)}`,
  ]);
  const tasks = `${model.settings.tasks} task${model.settings.tasks === 1 ? '' : 's'}`;
  const phases = table(rows, ['l', 'r', 'l', { max: 50 }]);
  const notes = model.notes.map((n) => wrap(n, REPORT_WIDTH - 4));
  const title = model.owner
    ? `${model.owner.name} (${model.owner.type}, ${model.strategy}, ${tasks})`
    : `${model.service} (${model.strategy}, ${tasks})`;
  return `${title}:\n${indent([phases, ...notes].join('\n'))}`;
}

function deployTime(env: EnvironmentPlan): string {
  const jobs = env.jobDeployTime.map((j) =>
    wrap(`${j.job} (job): ${formatDuration(j.seconds)}, ${j.detail} (${j.source})`, REPORT_WIDTH - 2),
  );
  return [
    'Deploy time (modeled critical path of one deployment):',
    indent([...env.deployTime.map(renderDeployTime), ...jobs].join('\n')),
  ].join('\n');
}

/** Every service's monthly cost and deploy time, side by side (when the app declares several). */
function perService(env: EnvironmentPlan): string {
  if (env.services.length < 2) return '';
  const rows = env.services.map((s) => [
    s.name,
    s.type,
    s.inTemplates ? money(s.monthly) : '-',
    s.deploySeconds === undefined ? '-' : formatDuration(s.deploySeconds),
    s.deploy,
  ]);
  return [
    'Per service (monthly cost of its own resources; the services deploy in parallel):',
    indent(
      table([['service', 'type', 'monthly', 'deploy', 'how'], ...rows], ['l', 'l', 'r', 'r', { max: 40 }]),
    ),
  ].join('\n');
}

function docsPage(env: EnvironmentPlan, result: PlanResult): string {
  return result.docsWritten
    ? `Diagram and cost detail: ${env.diagram} (written)`
    : wrap(`Diagram and cost detail: ${env.diagram} (written by: npx slipway docs ${env.name})`);
}

/** The sections of one environment, in print order. */
export const ENVIRONMENT_SECTIONS: readonly EnvironmentSection[] = [
  header,
  resources,
  cost,
  deployTime,
  perService,
  docsPage,
];

function account(acct: AccountPlan): string {
  return [
    wrap(`━━ account ${acct.account} (${acct.region}): shared by ${acct.environments.join(', ')}`),
    wrap(`stacks: ${acct.stacks.join(', ')}`),
    `Monthly cost estimate, USD: ${money(acct.cost.total)}`,
    indent(renderCost(acct.cost, acct.stacks, acct.account)),
  ].join('\n');
}

/** The environment's deploy time: the slowest service (they deploy in parallel), else the first model. */
function deploySummary(env: EnvironmentPlan): string {
  const seconds = environmentDeploySeconds(env.services, env.deployTime);
  return seconds === undefined ? '-' : formatDuration(seconds);
}

function summary(result: PlanResult): string {
  if (result.environments.length < 2) return '';
  return table(
    [
      ['environment', 'monthly', 'deploy time'],
      ...result.environments.map((e) => [e.name, money(e.cost.total), deploySummary(e)]),
      ...result.accounts.map((a) => [`account ${a.account}`, money(a.cost.total), '']),
    ],
    ['l', 'r', 'r'],
  );
}

function policy(result: PlanResult): string {
  const runs = result.policy.runs.map((r) => {
    const n = result.policy.findings.filter((f) => f.checker === r.checker).length;
    const what =
      r.status === 'skipped'
        ? `not run (${r.note})`
        : `${n} finding(s)${r.status === 'cached' ? ', cached result' : ''}`;
    return indent(wrap(`${r.checker}: ${what}`, REPORT_WIDTH - 2, '    '));
  });
  const findings = result.policy.findings.map((f) =>
    indent(wrap(`✗ ${f.checker} ${f.rule} (${f.severity}) ${f.stack} ${f.where}: ${f.message}`, 98, '    ')),
  );
  return ['Policy checks:', ...runs, ...findings].join('\n');
}

/** The sections after the environments, in print order. */
export const REPORT_SECTIONS: readonly ReportSection[] = [
  (result) => result.accounts.map(account).join('\n\n'),
  summary,
  policy,
  (result) => renderReadiness(result.readiness).trimEnd(),
];

/** The human-readable report. */
export function renderPlan(result: PlanResult): string {
  const environments = result.environments.map((env) =>
    ENVIRONMENT_SECTIONS.map((section) => section(env, result))
      .filter(Boolean)
      .join('\n\n'),
  );
  const rest = REPORT_SECTIONS.map((section) => section(result));
  return `${[...environments, ...rest].filter(Boolean).join('\n\n')}\n`;
}
