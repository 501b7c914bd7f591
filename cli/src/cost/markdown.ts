import { money } from '../format.ts';
import type { CostEstimate, CostLine } from './model.ts';

/** A Markdown table cell: pipes and asterisks escaped. */
const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('*', '\\*');
const percent = (share: number) => `${Math.round(share * 100)}%`;

function flags(line: CostLine): string {
  return `${line.estimatedPrice ? ' \\*' : ''}${line.assumption ? ' †' : ''}`;
}

/**
 * An itemized cost as a Markdown table (stack, item, how the number is reached, amount), then its
 * notes (estimates, assumptions, unpriced types). docs/cost.md and the environment pages
 * `slipway docs` writes use it: the full detail that `plan`'s terminal table leaves out.
 */
export function costTable(cost: CostEstimate, stackLabel: (stack: string) => string): string {
  const rows = [
    '| stack | item | how | USD/month |',
    '|---|---|---|--:|',
    ...cost.lines.map(
      (l) =>
        `| ${cell(stackLabel(l.stack))} | ${cell(l.item)}${flags(l)} | ${cell(l.detail)} | ${money(l.monthly)} |`,
    ),
    `| | **total** | | **${money(cost.total)}** |`,
  ];
  const notes: string[] = [];
  if (cost.estimatedShare > 0)
    notes.push(`\\* an estimated regional price (${percent(cost.estimatedShare)} of this total).`);
  if (cost.lines.some((l) => l.assumption)) notes.push('† depends on a usage assumption.');
  for (const u of cost.unpriced)
    notes.push(`Unpriced: ${u.count} × \`${u.resourceType}\` (${u.reason}) in ${u.stacks.join(', ')}.`);
  return `${rows.join('\n')}\n${notes.length ? `\n${notes.join(' ')}\n` : ''}`;
}
