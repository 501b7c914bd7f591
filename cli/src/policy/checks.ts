import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import { readResult, resultKey, writeResult } from '@slipway/config/result-cache';
import { parse as parseYaml } from 'yaml';
import type { StackInfo } from '../synth/stacks.ts';
import {
  balance,
  CFN_LINT_INSTALL,
  CfnLintPool,
  type CfnLintTool,
  findCfnLint,
  parseLintLine,
} from './cfn-lint.ts';
import { builtInValidation, startValidator, type Validator } from './cloudformation-validate.ts';
import { controlTowerChecks } from './control-tower.ts';

export { CFN_LINT_INSTALL, cfnLintVersion, lintFiles, parseLintLine } from './cfn-lint.ts';

/** One policy finding, from whichever checker reported it. */
export interface Finding {
  readonly checker: 'cdk-nag' | 'control-tower' | 'cloudformation-validate' | 'cfn-lint';
  readonly rule: string;
  readonly severity: string;
  readonly stack: string;
  /** Construct path or logical id the finding points at. */
  readonly where: string;
  readonly message: string;
}

export interface CheckRun {
  readonly checker: Finding['checker'];
  /** `ran`; `cached` (same templates and tool versions as a previous run); `skipped` (tool missing). */
  readonly status: 'ran' | 'cached' | 'skipped';
  readonly note?: string;
  readonly durationMs: number;
}

export interface PolicyResult {
  readonly findings: Finding[];
  readonly runs: CheckRun[];
  /** True when no checker reported anything. A skipped checker does not fail the plan; it is printed. */
  readonly ok: boolean;
}

export interface PolicyOptions {
  /** `.cfnlintrc.yaml`; its `ignore_checks` apply to the built-in validator too. */
  readonly cfnLintConfig: string;
  /** Directory of cached results; undefined disables the cache. */
  readonly cacheDir?: string;
  /** Whether cfn-lint is installed. @default looks it up on PATH */
  readonly cfnLintAvailable?: boolean;
  /** Told what runs now, as each check starts and ends (a spinner's text). @default nothing is told */
  readonly onProgress?: (text: string) => void;
  /** Checkers started before the synth (`warmUpChecks`); closed once done. @default each started once a template needs it */
  readonly warm?: WarmChecks;
}

type Report = (check: string, state: string) => void;

/** One line of what each check is doing, e.g. `cdk-nag done, cfn-lint 7 templates (us-east-1)`. */
function progressLine(onProgress: PolicyOptions['onProgress']): Report {
  const states = new Map<string, string>();
  return (check, state) => {
    states.set(check, state);
    onProgress?.(`Policy checks: ${[...states].map(([c, s]) => `${c} ${s}`).join(', ')}`);
  };
}

/**
 * The policy rung of the verification ladder for `plan`: cdk-nag (it ran during synth as a
 * validation plugin; read from the assembly's validation report), then, side by side, the AWS
 * Control Tower proactive controls (cfn-guard), CDK's built-in CloudFormation validation and
 * cfn-lint (each stack in its own region). Those three take seconds each, so they share the cores
 * and their results are cached per template content and tool version: an unchanged template is
 * not checked twice.
 */
export async function runPolicyChecks(
  assemblyDir: string,
  stacks: readonly StackInfo[],
  options: PolicyOptions,
): Promise<PolicyResult> {
  const ignored = ignoredChecks(options.cfnLintConfig);
  const report = progressLine(options.onProgress);
  const nagStarted = performance.now();
  const nag = nagFindings(assemblyDir, stacks);
  const nagRun: CheckRun = {
    checker: 'cdk-nag',
    status: 'ran',
    durationMs: Math.round(performance.now() - nagStarted),
  };
  report('cdk-nag', 'done');
  const warm =
    options.warm ?? onDemandChecks(options.cfnLintAvailable === false ? undefined : await findCfnLint());
  const [controls, validate, lint] = await Promise.all([
    controlTowerChecks(stacks, options.cacheDir, report),
    builtInValidation(stacks, ignored, options.cacheDir, report, warm.validator),
    cfnLint(stacks, options, warm.cfnLint, report),
  ]).finally(() => warm.close());
  const findings = [...nag, ...controls.findings, ...validate.findings, ...lint.findings];
  const runs = [nagRun, controls.run, validate.run, lint.run];
  return { findings, runs, ok: findings.length === 0 };
}

/** The `ignore_checks` of a cfn-lint config file. */
export function ignoredChecks(configFile: string): string[] {
  const parsed = parseYaml(readFileSync(configFile, 'utf8')) as { ignore_checks?: unknown } | null;
  return Array.isArray(parsed?.ignore_checks) ? parsed.ignore_checks.map(String) : [];
}

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    violations: {
      ruleName: string;
      description?: string;
      severity: string;
      violatingConstructs: { constructPath?: string; templatePath?: string; resourceLogicalId?: string }[];
    }[];
  }[];
}

/**
 * cdk-nag findings (and any other synth-time plugin's: the Control Tower controls' when `cdk synth`
 * wrote the assembly) from the assembly's `validation-report.json`.
 */
export function nagFindings(assemblyDir: string, stacks: readonly StackInfo[]): Finding[] {
  const file = join(assemblyDir, 'validation-report.json');
  if (!existsSync(file)) return [];
  const report = JSON.parse(readFileSync(file, 'utf8')) as ValidationReport;
  return report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) =>
      v.violatingConstructs.map((c) => ({
        checker: p.pluginName === CONTROL_TOWER_PLUGIN ? ('control-tower' as const) : ('cdk-nag' as const),
        rule: v.ruleName,
        severity: v.severity,
        stack: stackOfPath(c.constructPath ?? c.templatePath ?? '', stacks),
        where: c.constructPath ?? c.resourceLogicalId ?? '',
        message: (v.description ?? '').split('\n')[0] ?? '',
      })),
    ),
  );
}

function stackOfPath(path: string, stacks: readonly StackInfo[]): string {
  const first = path.split('/')[0] ?? '';
  return (
    stacks.find((s) => s.constructPath === first || path.endsWith(`${s.stackName}.template.json`))
      ?.stackName ?? first
  );
}

/**
 * The slow checkers started before the synth, so their start-up (Python importing cfn-lint, a
 * process loading aws-cdk-lib) overlaps it: `runPolicyChecks` hands them the templates once they
 * exist. `close` ends whatever was given nothing to do (every template cached).
 */
export interface WarmChecks {
  /** Undefined when cfn-lint is not installed or was switched off. */
  readonly cfnLint?: CfnLintPool;
  readonly validator: Validator;
  close(): void;
}

/** The two checkers as one: `close` ends both. */
function checkers(cfnLint: CfnLintPool | undefined, validator: Validator): WarmChecks {
  return {
    cfnLint,
    validator,
    close: () => {
      cfnLint?.close();
      validator.close();
    },
  };
}

/** Starts cfn-lint (`findCfnLint`'s; none: not installed or switched off) and the validator's process ahead of the templates. */
export function warmUpChecks(tool: CfnLintTool | undefined): WarmChecks {
  return checkers(tool ? new CfnLintPool(tool) : undefined, startValidator());
}

/**
 * The checkers for templates that exist already (no synth to overlap): each process starts only
 * when a template misses its cache, so a fully cached run starts neither Python nor aws-cdk-lib.
 */
export function onDemandChecks(
  tool: CfnLintTool | undefined,
  start: () => Validator = startValidator,
): WarmChecks {
  let started: Validator | undefined;
  const validator: Validator = {
    validate: (stackTemplates) => {
      started ??= start();
      return started.validate(stackTemplates);
    },
    close: () => started?.close(),
  };
  return checkers(tool ? new CfnLintPool(tool, { start: false }) : undefined, validator);
}

/** cfn-lint on every template in the stack's own region; the templates split among the linters. */
async function cfnLint(
  stacks: readonly StackInfo[],
  options: PolicyOptions,
  pool: CfnLintPool | undefined,
  report: Report = () => {},
): Promise<{ findings: Finding[]; run: CheckRun }> {
  const started = performance.now();
  if (!pool) {
    return {
      findings: [],
      run: {
        checker: 'cfn-lint',
        status: 'skipped',
        note: `cfn-lint not found; install it with: ${CFN_LINT_INSTALL}`,
        durationMs: 0,
      },
    };
  }
  const version = pool.tool.version;
  const rc = readFileSync(options.cfnLintConfig, 'utf8');
  const templates = new Map(stacks.map((s) => [s, readFileSync(s.templatePath, 'utf8')]));
  const keyOf = (s: StackInfo) => resultKey('cfn-lint', version, rc, s.region, templates.get(s) ?? '');
  const findings: Finding[] = [];
  const byRegion = new Map<string, StackInfo[]>();
  for (const s of stacks) {
    const cached = readResult<Finding[]>(options.cacheDir, keyOf(s));
    if (cached) findings.push(...cached);
    else byRegion.set(s.region, [...(byRegion.get(s.region) ?? []), s]);
  }
  // Each region's templates in groups of about equal size, one group per core.
  const jobs = [...byRegion].flatMap(([region, group]) =>
    balance(
      group,
      Math.max(1, Math.floor(pool.width / byRegion.size)),
      (s) => templates.get(s)?.length ?? 0,
    ).map((part) => ({ region, part })),
  );
  const todo = jobs.flatMap((j) => j.part);
  report('cfn-lint', todo.length === 0 ? 'cached' : `${todo.length} template${todo.length === 1 ? '' : 's'}`);
  if (todo.length > 0) {
    const lines = await pool.lint(
      jobs.map((j) => ({ files: j.part.map((s) => s.templatePath), regions: [j.region] })),
      options.cfnLintConfig,
    );
    for (const s of todo) {
      const found = lines
        .filter((l) => l.startsWith(`${s.templatePath}:`))
        .map((l) => parseLintLine(l, s.stackName));
      writeResult(options.cacheDir, keyOf(s), found);
      findings.push(...found);
    }
    report('cfn-lint', 'done');
  }
  return {
    findings: sortFindings(findings, stacks),
    run: {
      checker: 'cfn-lint',
      status: jobs.length === 0 ? 'cached' : 'ran',
      note: version,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/** Findings in stack order, then as each checker listed them: the same order however the work was split. */
function sortFindings(findings: Finding[], stacks: readonly StackInfo[]): Finding[] {
  const order = new Map(stacks.map((s, i) => [s.stackName, i]));
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => (order.get(a.f.stack) ?? 0) - (order.get(b.f.stack) ?? 0) || a.i - b.i)
    .map(({ f }) => f);
}
