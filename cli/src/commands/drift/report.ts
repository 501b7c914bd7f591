import type { PropertyDifference } from '../../aws/drift-api.ts';
import { EXIT, type ExitCode } from '../../errors.ts';
import type { Finding } from './classify.ts';
import type { DriftResult } from './detect.ts';

/** The exit code of a result: 0 clean, 5 drifted, 1 when a stack could not be checked. */
export function exitCode(result: Pick<DriftResult, 'outcome'>): ExitCode {
  return { clean: EXIT.ok, drifted: EXIT.drifted, error: EXIT.failed }[result.outcome];
}

function clip(value: string | undefined, max = 400): string {
  if (value === undefined || value === '') return '—';
  const one = value.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

function describeDifference(d: PropertyDifference | undefined): string[] {
  if (!d) return [];
  return [
    `    ${d.PropertyPath ?? '?'}  ${d.DifferenceType ?? '?'}`,
    `      template: ${clip(d.ExpectedValue)}`,
    `      live:     ${clip(d.ActualValue)}`,
  ];
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Findings grouped under one heading per resource; with `withReason`, why each is expected. */
function group(findings: readonly Finding[], withReason: boolean): string[] {
  const out: string[] = [];
  let last = '';
  for (const f of findings) {
    const head = `  ${f.stack} › ${f.logicalId} (${f.resourceType})${f.status === 'MODIFIED' ? '' : `: ${f.status}`}`;
    if (head !== last) out.push(head);
    last = head;
    out.push(...describeDifference(f.difference));
    if (f.note) out.push(f.difference ? `      note: ${f.note}` : `    ${f.note}`);
    if (withReason && f.expected) out.push(`      why expected (${f.expected.id}): ${f.expected.reason}`);
  }
  return out;
}

function stackLines(result: DriftResult): string[] {
  return result.stacks.map((s) => {
    const counts =
      s.inSync === undefined
        ? ''
        : `  ${s.real?.length ?? 0} real, ${s.expected?.length ?? 0} expected, ${s.inSync} in sync` +
          (s.notChecked?.length ? `, not checked: ${s.notChecked.join(', ')}` : '');
    return `  ${s.stack}: ${s.status}${counts}${s.error ? `\n    error: ${s.error}` : ''}`;
  });
}

/**
 * The readable report: verdict, stacks, real drift, then expected differences with their reason.
 * Takes the `--json` document too, so the drift workflow's issue quotes exactly this text.
 */
export function formatReport(result: DriftResult): string {
  const verdict = {
    clean: `CLEAN: no real drift (${count(result.expected.length, 'expected difference')})`,
    drifted: `DRIFTED: ${count(result.real.length, 'real difference')} (and ${count(result.expected.length, 'expected difference')})`,
    error: `ERROR: drift detection did not complete for every stack, so nothing is concluded (${count(result.real.length, 'real difference')} found in what was checked)`,
  }[result.outcome];
  const lines = [
    `Drift detection for ${result.environment} (${result.region}): ${verdict}`,
    '',
    'Stacks:',
    ...stackLines(result),
  ];
  if (result.real.length > 0) {
    lines.push(
      '',
      'Real drift (bring the change into the code and deploy, or revert it in the account):',
      ...group(result.real, false),
    );
  }
  if (result.expected.length > 0) {
    lines.push(
      '',
      'Expected differences (changed by AWS on purpose; not drift, listed for the record):',
      ...group(result.expected, true),
    );
  }
  return `${lines.join('\n')}\n`;
}
