/*
 * How `plan` reads the validation plugins' report (cdk-nag and the Control Tower controls ran
 * during synth):
 *   - a Control Tower finding is reported under the `control-tower` checker, a cdk-nag one under
 *     `cdk-nag`
 *   - the Control Tower run states the rules it evaluated, the templates, the acknowledged
 *     findings and its time, as the plugin wrote them
 *   - a report without a Control Tower entry (nothing found, nothing acknowledged) says so
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { controlTowerRun, nagFindings } from './checks.ts';

function assembly(pluginReports: unknown[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-checks-'));
  writeFileSync(join(dir, 'validation-report.json'), JSON.stringify({ pluginReports }));
  return dir;
}

const violation = (ruleName: string, constructPath: string) => ({
  ruleName,
  description: `${ruleName} description`,
  severity: 'error',
  violatingConstructs: [{ constructPath }],
});

describe('the validation report in plan', () => {
  const dir = assembly([
    {
      pluginName: 'AwsSolutions',
      violations: [violation('AwsSolutions-S1', 'slipway-dev-service/Bucket/Resource')],
    },
    {
      pluginName: 'control-tower',
      metadata: { rulesEvaluated: '99', templates: '24', durationMs: '2100' },
      violations: [violation('CT.S3.PR.2', 'slipway-prod-service/Bucket/Resource')],
      suppressedViolations: [{ violatingConstructs: [{}, {}] }, { violatingConstructs: [{}] }],
    },
  ]);

  it('reports each plugin’s findings under its own checker', () => {
    const findings = nagFindings(dir, []);
    expect(findings.map((f) => `${f.checker} ${f.rule}`)).toEqual([
      'cdk-nag AwsSolutions-S1',
      'control-tower CT.S3.PR.2',
    ]);
  });

  it('states the rules evaluated, the acknowledged findings and the time of the Control Tower run', () => {
    expect(controlTowerRun(dir)).toEqual({
      checker: 'control-tower',
      status: 'ran',
      note: '99 rules on 24 templates during synth, 3 acknowledged finding(s)',
      durationMs: 2100,
    });
  });

  it('says a run with nothing to report found nothing', () => {
    expect(controlTowerRun(assembly([])).note).toBe('during synth: nothing found, nothing acknowledged');
  });
});
