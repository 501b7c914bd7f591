import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import type { StackInfo } from '../synth/stacks.ts';
import type { CheckRun, Finding } from './checks.ts';

/*
 * The AWS Control Tower proactive controls as `plan` runs them: not inside the synth (CDK's
 * validation plugins run one after the other, synchronously), but after it, beside cfn-lint and
 * the CloudFormation validator, with one cfn-guard process per template on each core. The rules,
 * the hook view of a template and cfn-guard itself are @slipway/infra's (`runGuardParallel`), the
 * same as the synth-time plugin `cdk synth` runs; the acknowledgements are the ones the constructs
 * recorded (`StackInfo.acknowledged`), matched the way CDK matches them: on the resource or on a
 * construct above it.
 */

/** What one template's cfn-guard run found: control and logical id. */
interface RawFinding {
  readonly control: string;
  readonly description: string;
  readonly logicalId: string;
}

/** Whether an acknowledgement recorded at `ackPath` covers the resource at `resourcePath`. */
function covers(ackPath: string, resourcePath: string): boolean {
  return ackPath === '' || resourcePath === ackPath || resourcePath.startsWith(`${ackPath}/`);
}

/** Splits one stack's raw findings into reported and acknowledged ones. */
export function applyAcknowledgements(
  stack: StackInfo,
  raw: readonly RawFinding[],
): { findings: Finding[]; acknowledged: number } {
  const findings: Finding[] = [];
  let acknowledged = 0;
  for (const f of raw) {
    const path = stack.resourcePaths?.[f.logicalId] ?? f.logicalId;
    const acknowledgements = stack.acknowledged?.[`${CONTROL_TOWER_PLUGIN}::${f.control}`] ?? [];
    if (acknowledgements.some((ack) => covers(ack, path))) acknowledged += 1;
    else
      findings.push({
        checker: 'control-tower',
        rule: f.control,
        severity: 'error',
        stack: stack.stackName,
        where: `${stack.constructPath}/${path}`,
        message: f.description,
      });
  }
  return { findings, acknowledged };
}

/**
 * Evaluates the Control Tower controls on every stack's template, side by side, and reports what
 * no acknowledgement covers. Each template's result is cached under what decides it (`cacheDir`;
 * undefined: no cache), in the folder the synth-time plugin uses too, so a template either of
 * them evaluated is not evaluated again.
 */
export async function controlTowerChecks(
  stacks: readonly StackInfo[],
  cacheDir: string | undefined,
  report: (check: string, state: string) => void = () => {},
): Promise<{ findings: Finding[]; run: CheckRun }> {
  const started = performance.now();
  report('control-tower', `${stacks.length} templates`);
  // Loaded here, not at the top: @slipway/infra loads aws-cdk-lib, which only a synth needs (and
  // by now has loaded).
  const { runGuardParallel } = await import('@slipway/infra');
  const run = await runGuardParallel(
    stacks.map((s) => s.templatePath),
    { cacheDir },
  );
  report('control-tower', run.evaluated === 0 ? 'cached' : 'done');
  let acknowledged = 0;
  const findings = stacks.flatMap((s) => {
    const raw = run.findings
      .filter((f) => f.templatePath === s.templatePath)
      .map((f) => ({ control: f.rule.control, description: f.rule.description, logicalId: f.logicalId }));
    const applied = applyAcknowledgements(s, raw);
    acknowledged += applied.acknowledged;
    return applied.findings;
  });
  const evaluated = run.evaluated === 0 ? 'cached results' : `${run.rulesEvaluated} rules`;
  return {
    findings,
    run: {
      checker: 'control-tower',
      status: run.evaluated === 0 ? 'cached' : 'ran',
      note: `${evaluated} on ${stacks.length} templates, ${acknowledged} acknowledged finding(s)`,
      durationMs: Math.round(performance.now() - started),
    },
  };
}
