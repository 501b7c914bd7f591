import { type ReadinessCheck, type ReadinessStatus, readinessOf, type SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { indent, REPORT_WIDTH, table, wrap } from '../format.ts';

/* The production-readiness section of `slipway plan`: every rule, per environment, with its verdict. */

export interface EnvironmentReadiness {
  readonly environment: string;
  /** Only protected environments are checked; an unprotected one's verdicts are for information. */
  readonly protected: boolean;
  /** One verdict per rule (in `--json`, each rule with its key, id, setting, title, risk and fix). */
  readonly checks: readonly ReadinessCheck[];
}

/** Each rule's verdict on the named environments (previews included: they are never protected). */
export function environmentReadiness(
  config: SlipwayConfig,
  names: readonly string[],
): EnvironmentReadiness[] {
  return names.map((name) => {
    const env = resolveTarget(config, name).environment;
    return { environment: name, protected: env.protected, checks: readinessOf(env) };
  });
}

const MARK: Record<ReadinessStatus, string> = {
  ready: '✓',
  acknowledged: '~',
  risky: '✗',
  'not-applicable': '-',
};

/** The text section: one table per environment, the protected ones checked, the others informational. */
export function renderReadiness(readiness: readonly EnvironmentReadiness[]): string {
  const parts = readiness.map(({ environment, protected: checked, checks }) => {
    const risky = checks.filter((c) => c.status === 'risky').length;
    const acknowledged = checks.filter((c) => c.status === 'acknowledged').length;
    const heading = checked
      ? `${environment} (protected): ${risky === 0 ? 'ready' : `${risky} risk(s) not acknowledged`}${acknowledged ? `, ${acknowledged} acknowledged` : ''}`
      : `${environment} (not protected: not checked, shown for information)`;
    // One row per rule (mark, title, key: within 90 columns), its note wrapped on the lines below,
    // so the section fits a 100-column terminal however long a reason is.
    const rows = checks.map((c) => [
      checked || c.status !== 'risky' ? MARK[c.status] : '·',
      c.rule.title,
      c.rule.setting,
    ]);
    const body = table(rows)
      .split('\n')
      .flatMap((line, i) => {
        const text = note(checks[i] as ReadinessCheck, checked);
        return text ? [line, `   ${wrap(text, REPORT_WIDTH - 7, '   ')}`] : [line];
      });
    return `${wrap(heading, REPORT_WIDTH - 4)}\n${indent(body.join('\n'))}`;
  });
  return [
    wrap(
      'Production readiness (✓ ready, ~ acknowledged, ✗ risky, · risky but not checked, - does not apply):',
    ),
    indent(parts.join('\n')),
    '',
  ].join('\n');
}

function note(check: ReadinessCheck, checked: boolean): string {
  const ack = `acknowledge.${check.rule.key}`;
  if (check.status === 'acknowledged') return `${ack}: "${check.reason}"`;
  if (check.status === 'not-applicable') return check.rule.notApplicable ?? 'no database';
  if (check.status !== 'risky') return '';
  return checked ? `${check.rule.id}: ${check.rule.risk}` : `would need ${ack} if protected`;
}
