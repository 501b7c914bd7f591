/*
 * How `plan` reads the validation plugins' report (cdk-nag ran during synth; so did the Control
 * Tower controls when `cdk synth` wrote the assembly): a Control Tower finding is reported under
 * the `control-tower` checker, a cdk-nag one under `cdk-nag`.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nagFindings } from './checks.ts';

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
      violations: [violation('CT.S3.PR.2', 'slipway-prod-service/Bucket/Resource')],
    },
  ]);

  it('reports each plugin’s findings under its own checker', () => {
    const findings = nagFindings(dir, []);
    expect(findings.map((f) => `${f.checker} ${f.rule}`)).toEqual([
      'cdk-nag AwsSolutions-S1',
      'control-tower CT.S3.PR.2',
    ]);
  });
});
