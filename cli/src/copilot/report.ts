/*
 * What the importer did with each field of Copilot's manifests: mapped (same behaviour in
 * Slipway), approximated (a close equivalent, with what differs) or not mapped (no equivalent,
 * with what to do instead). Nothing it reads is dropped without an entry here.
 */

export type Outcome = 'mapped' | 'approximated' | 'not-mapped';

export interface Finding {
  /** `app`, `environment <name>` or `service <name>`: the group the report prints it under. */
  readonly subject: string;
  /** The Copilot file, relative to the folder the import read (e.g. `copilot/api/manifest.yml`). */
  readonly file: string;
  /** The Copilot field (e.g. `count.range`, `environments.prod.count`). */
  readonly field: string;
  readonly outcome: Outcome;
  /** The Slipway key it became, when it became one. */
  readonly to?: string;
  /** Why: what differs, or what to do by hand. */
  readonly why: string;
}

/** Collects findings for one subject and file. */
export class Findings {
  readonly list: Finding[] = [];

  /** The recorder of one subject's findings. */
  for(subject: string, file: string): Recorder {
    const add = (outcome: Outcome) => (field: string, why: string, to?: string) => {
      const duplicate = this.list.some(
        (f) => f.subject === subject && f.field === field && f.outcome === outcome && f.why === why,
      );
      if (!duplicate) this.list.push({ subject, file, field, outcome, why, ...(to ? { to } : {}) });
    };
    return { mapped: add('mapped'), approximated: add('approximated'), notMapped: add('not-mapped') };
  }
}

export interface Recorder {
  mapped(field: string, why: string, to?: string): void;
  approximated(field: string, why: string, to?: string): void;
  notMapped(field: string, why: string): void;
}

const HEADINGS: Record<Outcome, string> = {
  mapped: 'mapped',
  approximated: 'approximated',
  'not-mapped': 'not mapped',
};

/** The report as text, grouped by subject, then by outcome. */
export function formatReport(findings: readonly Finding[]): string {
  const subjects = [...new Set(findings.map((f) => f.subject))];
  const out: string[] = [];
  for (const subject of subjects) {
    const mine = findings.filter((f) => f.subject === subject);
    out.push(`${subject} (${mine[0]?.file})`);
    for (const outcome of ['mapped', 'approximated', 'not-mapped'] as const) {
      const some = mine.filter((f) => f.outcome === outcome);
      if (some.length === 0) continue;
      out.push(`  ${HEADINGS[outcome]}:`);
      for (const f of some) out.push(`    ${f.field}${f.to ? ` → ${f.to}` : ''}: ${f.why}`);
    }
  }
  const count = (o: Outcome) => findings.filter((f) => f.outcome === o).length;
  out.push(
    `${count('mapped')} mapped, ${count('approximated')} approximated, ${count('not-mapped')} not mapped`,
  );
  return `${out.join('\n')}\n`;
}
