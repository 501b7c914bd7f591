import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import type { PolicyResult } from '../policy/checks.ts';
import type { Synthesized } from '../synth/stacks.ts';

/*
 * Where `slipway plan` spends its time, phase by phase: what `--verbose` prints on stderr. The
 * synth's parts (bundling, cdk-nag) are measured inside the synth; the checkers'
 * times are their runs' (they run side by side, so they add up to more than the checks' time).
 */

export interface Phase {
  readonly name: string;
  /** Nesting: 0 for a step of plan, 1 for a part of the step above it. */
  readonly depth: 0 | 1;
  readonly ms: number;
  /** What else the phase line says (cached, skipped, a version). */
  readonly note?: string;
}

/** The phase name of each checker that runs after the synth. */
const CHECKER_PHASES = {
  'control-tower': 'Control Tower',
  'cloudformation-validate': 'CloudFormation validation',
  'cfn-lint': 'cfn-lint',
} as const;

/** Collects the phases of one plan, in the order they ran. */
export class PhaseClock {
  readonly phases: Phase[] = [];

  add(name: string, ms: number, note?: string, depth: 0 | 1 = 0): void {
    this.phases.push({ name, depth, ms: Math.round(ms), ...(note ? { note } : {}) });
  }

  /** Runs `fn` and records its time as phase `name`. */
  time<T>(name: string, fn: () => T): T {
    const started = performance.now();
    try {
      return fn();
    } finally {
      this.add(name, performance.now() - started);
    }
  }

  /** The synth and its parts, as the synth measured them. */
  synth(synthesized: Synthesized): void {
    const phases = synthesized.phases;
    this.add('synth', synthesized.durationMs);
    this.add('asset bundling', phases?.bundlingMs ?? 0, phases ? undefined : 'not measured', 1);
    const plugins = Object.entries(phases?.pluginsMs ?? {});
    const nag = plugins.filter(([name]) => name !== CONTROL_TOWER_PLUGIN).reduce((n, [, ms]) => n + ms, 0);
    this.add('cdk-nag', nag, phases ? undefined : 'not measured', 1);
  }

  /** The checks (side by side) and each checker's run. */
  checks(policy: PolicyResult, checksMs: number): void {
    this.add('policy checks', checksMs, 'the checkers below run side by side');
    for (const run of policy.runs) {
      if (run.checker === 'cdk-nag') continue;
      const note = run.status === 'ran' ? run.note : `${run.status}${run.note ? `: ${run.note}` : ''}`;
      this.add(CHECKER_PHASES[run.checker], run.durationMs, note, 1);
    }
  }
}

/** `1.2 s` from a second on, `340 ms` below. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** The `--verbose` table: one line per phase, its time right-aligned, then the total. */
export function renderPhases(phases: readonly Phase[], totalMs: number): string {
  const rows = [...phases, { name: 'total', depth: 0 as const, ms: totalMs }];
  const label = (p: Phase) => `${'  '.repeat(p.depth + 1)}${p.name}`;
  const width = Math.max(...rows.map((p) => label(p).length));
  const lines = rows.map((p) => {
    const note = 'note' in p && p.note ? `  ${p.note}` : '';
    return `${label(p).padEnd(width)}  ${formatMs(p.ms).padStart(8)}${note}`;
  });
  return `Where plan spent its time:\n${lines.join('\n')}\n`;
}
