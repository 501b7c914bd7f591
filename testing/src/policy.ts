import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CFN_LINT_INSTALL,
  cfnLintVersion,
  type Finding,
  lintFiles,
  nagFindings,
} from '@slipway/cli/src/policy/checks.ts';
import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import { applyPolicies } from '@slipway/infra';
import { acknowledgeControls } from '@slipway/infra/src/policy/index.ts';
import { App, Stack } from 'aws-cdk-lib';
import { scratchDir } from './synth.ts';

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

/** A Control Tower finding accepted through the reviewed acknowledgement table. */
export interface AcknowledgedControl {
  readonly control: string;
  readonly path: string;
  readonly reason: string;
}

/**
 * The policy rung for one construct: builds a stack (`Policy`, us-east-1) with `build`, applies the
 * reviewed Control Tower acknowledgement table to it as the app does (for an account-level stack:
 * no environment), and synthesizes it with cdk-nag's AwsSolutions pack and the Control Tower
 * controls. Returns the unacknowledged findings as `rule at path` lines and the Control Tower
 * findings the table accepted.
 */
export function constructPolicyFindings(build: (stack: Stack) => void): {
  findings: string[];
  acknowledged: AcknowledgedControl[];
} {
  const outdir = scratchDir('slipway-construct-policy-');
  const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  const stack = new Stack(app, 'Policy', { env: { account: '111111111111', region: 'us-east-1' } });
  build(stack);
  acknowledgeControls(stack, undefined);
  applyPolicies(app);
  app.synth();
  const findings = validationFindings(outdir).map((f) => `${f.rule} at ${f.where}`);
  const file = join(outdir, 'validation-report.json');
  if (!existsSync(file)) return { findings, acknowledged: [] };
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    pluginReports: {
      pluginName: string;
      suppressedViolations?: {
        ruleName: string;
        reason: string;
        violatingConstructs: { constructPath: string }[];
      }[];
    }[];
  };
  const controls = report.pluginReports.find((p) => p.pluginName === CONTROL_TOWER_PLUGIN);
  const acknowledged = (controls?.suppressedViolations ?? []).flatMap((v) =>
    v.violatingConstructs.map((c) => ({ control: v.ruleName, path: c.constructPath, reason: v.reason })),
  );
  return { findings, acknowledged };
}
