import { fileURLToPath } from 'node:url';
import {
  CFN_LINT_INSTALL,
  cfnLintVersion,
  type Finding,
  lintFiles,
  nagFindings,
} from '@slipway/cli/src/policy/checks.ts';

// The policy checks the tests run are the ones `slipway plan` runs: one cfn-lint runner and one
// reader of the assembly's validation report, both in the CLI's production code.

export { CFN_LINT_INSTALL, type Finding };

/** infra/.cfnlintrc.yaml, which `plan` and the policy test both lint with. */
export const CFN_LINT_CONFIG = fileURLToPath(import.meta.resolve('@slipway/infra/.cfnlintrc.yaml'));

/**
 * Every finding the validation plugins (cdk-nag, CDK's built-in CloudFormation validation)
 * reported for an assembly that was synthesized with findings reported, not thrown.
 * Acknowledged findings are not in the report.
 */
export function validationFindings(assemblyDir: string): Finding[] {
  return nagFindings(assemblyDir, []);
}

let available: boolean | undefined;

/** Whether `cfn-lint` is on PATH (asked once per test file: its start-up takes seconds). */
export function cfnLintAvailable(): boolean {
  available ??= cfnLintVersion() !== undefined;
  return available;
}

/** cfn-lint over templates in the given regions; its findings as text lines (empty when clean). */
export function cfnLint(
  templates: string[],
  regions: string[],
  configFile = CFN_LINT_CONFIG,
): Promise<string[]> {
  return lintFiles(templates, regions, configFile);
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
