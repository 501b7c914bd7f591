import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/**
 * Every finding the validation plugins (cdk-nag, CDK's built-in CloudFormation validation)
 * reported for an assembly that was synthesized with `failSynthOnValidationErrors: false`.
 * Acknowledged findings are not in the report.
 */
export function validationFindings(assemblyDir: string): Finding[] {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports: {
      pluginName: string;
      violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
    }[];
  };
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        plugin: p.pluginName,
        rule: v.ruleName,
        severity: v.severity,
        path: c.constructPath,
      })),
    ),
  );
}

/** Whether `cfn-lint` is on PATH. */
export function cfnLintAvailable(): boolean {
  return spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;
}

export const CFN_LINT_INSTALL = 'pip install cfn-lint';

/**
 * Runs cfn-lint over templates in the given regions with the repository's `.cfnlintrc.yaml`.
 * Returns its findings as text lines (empty when clean).
 */
export function cfnLint(templates: string[], regions: string[], configFile: string): string[] {
  const result = spawnSync(
    'cfn-lint',
    ['--config-file', configFile, '--format', 'parseable', '--regions', ...regions, '--', ...templates],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.error) throw result.error;
  const lines = `${result.stdout}${result.stderr}`.split('\n').filter((l) => l.trim().length > 0);
  // Exit code 0 = clean; 2/4/8 (and sums) = findings; anything else = cfn-lint itself failed.
  if (result.status !== 0 && lines.length === 0) {
    throw new Error(`cfn-lint exited ${result.status} without output`);
  }
  return lines;
}

/**
 * For tests that need an external tool: one loud line saying it is missing and how to install
 * it; a failure in CI (`CI=true`), a visible skip elsewhere. Never a silent pass.
 */
export function requireTool(name: string, available: boolean, install: string): boolean {
  if (available) return true;
  const line = `\n!!! ${name.toUpperCase()} NOT FOUND: these checks did not run. Install it with: ${install}\n`;
  console.warn(line);
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI. Install it with: ${install}`);
  return false;
}
