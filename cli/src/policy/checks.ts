import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
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
  /** Checkers started before the synth (`warmUpChecks`); closed once done. @default started here */
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
 * The policy rung of the verification ladder for `plan`: cdk-nag and the AWS Control Tower
 * proactive controls (both ran during synth as validation plugins; read from the assembly's
 * validation report), CDK's built-in CloudFormation validation and cfn-lint
 * (each stack in its own region). The last two are slow (≈10 s each, mostly start-up), so they
 * run side by side and their results are cached per template content and tool version: an
 * unchanged template is not checked twice.
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
    options.warm ?? warmUpChecks(options.cfnLintAvailable === false ? undefined : await findCfnLint());
  const [validate, lint] = await Promise.all([
    builtInValidation(stacks, ignored, options.cacheDir, report, warm.validator),
    cfnLint(stacks, options, warm.cfnLint, report),
  ]).finally(() => warm.close());
  const findings = [...nag, ...validate.findings, ...lint.findings];
  const runs = [nagRun, controlTowerRun(assemblyDir), validate.run, lint.run];
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
    metadata?: Record<string, string>;
    suppressedViolations?: { violatingConstructs?: unknown[] }[];
    violations: {
      ruleName: string;
      description?: string;
      severity: string;
      violatingConstructs: { constructPath?: string; templatePath?: string; resourceLogicalId?: string }[];
    }[];
  }[];
}

/** cdk-nag findings (and any other synth-time plugin) from the assembly's `validation-report.json`. */
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

/**
 * The Control Tower controls' run, as the plugin described it in the validation report: the rules
 * it evaluated, the findings acknowledged, its time (part of the synth's). A plugin with nothing to
 * report at all (no finding, none acknowledged) leaves no entry; it ran all the same, since every
 * synth with policies adds it.
 */
export function controlTowerRun(assemblyDir: string): CheckRun {
  const file = join(assemblyDir, 'validation-report.json');
  const report = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ValidationReport) : undefined;
  const entry = report?.pluginReports.find((p) => p.pluginName === CONTROL_TOWER_PLUGIN);
  const meta = entry?.metadata ?? {};
  // Acknowledged resources: each suppressed violation groups the resources of one acknowledgement.
  const acknowledged = (entry?.suppressedViolations ?? []).reduce(
    (n, v) => n + (v.violatingConstructs?.length ?? 1),
    0,
  );
  return {
    checker: 'control-tower',
    status: 'ran',
    note: entry
      ? `${meta.rulesEvaluated} rules on ${meta.templates} templates during synth, ${acknowledged} acknowledged finding(s)`
      : 'during synth: nothing found, nothing acknowledged',
    durationMs: Number(meta.durationMs ?? 0),
  };
}

function stackOfPath(path: string, stacks: readonly StackInfo[]): string {
  const first = path.split('/')[0] ?? '';
  return (
    stacks.find((s) => s.constructPath === first || path.endsWith(`${s.stackName}.template.json`))
      ?.stackName ?? first
  );
}

function hash(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}

function readCache<T>(cacheDir: string | undefined, key: string): T | undefined {
  if (!cacheDir) return undefined;
  const file = join(cacheDir, `${key}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

function writeCache(cacheDir: string | undefined, key: string, value: unknown) {
  if (!cacheDir) return;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, `${key}.json`), JSON.stringify(value));
}

let cdkVersion: string | undefined;
function awsCdkLibVersion(): string {
  if (!cdkVersion) {
    const pkg = new URL(import.meta.resolve('aws-cdk-lib/package.json'));
    cdkVersion = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  }
  return cdkVersion;
}

interface Violation {
  ruleName: string;
  description: string;
  severity: string;
  violatingResources: { resourceLogicalId?: string; constructPath?: string; templatePath: string }[];
}

/** CDK's built-in CloudFormation validation, in a worker thread, per-template cached. */
async function builtInValidation(
  stacks: readonly StackInfo[],
  ignored: readonly string[],
  cacheDir: string | undefined,
  report: Report = () => {},
  warm?: Worker,
): Promise<{ findings: Finding[]; run: CheckRun }> {
  const started = performance.now();
  const version = awsCdkLibVersion();
  const keyOf = (s: StackInfo) =>
    hash('validate', version, s.account, s.region, readFileSync(s.templatePath, 'utf8'));
  const findings: Finding[] = [];
  const todo: StackInfo[] = [];
  for (const s of stacks) {
    const cached = readCache<Finding[]>(cacheDir, keyOf(s));
    if (cached) findings.push(...cached);
    else todo.push(s);
  }
  report('CloudFormation validation', todo.length === 0 ? 'cached' : `${todo.length} templates`);
  if (todo.length > 0) {
    const stackTemplates = todo.map((s) => ({
      stackConstructPath: s.constructPath,
      templatePath: s.templatePath,
      accountId: s.account,
      region: s.region,
    }));
    const violations = await new Promise<Violation[]>((resolve, reject) => {
      const worker =
        warm ??
        new Worker(new URL('./validate-worker.mjs', import.meta.url), { workerData: { stackTemplates } });
      if (warm) {
        warm.ref();
        warm.postMessage({ stackTemplates });
      }
      worker.once('message', (m: { ok: boolean; violations?: Violation[]; error?: string }) => {
        if (m.ok) resolve(m.violations ?? []);
        else reject(new Error(`CloudFormation validation failed to run: ${m.error}`));
      });
      worker.once('error', reject);
    });
    const perStack = new Map<string, Finding[]>(todo.map((s) => [s.stackName, []]));
    for (const v of violations) {
      if (ignored.includes(v.ruleName)) continue;
      for (const r of v.violatingResources) {
        const stack = todo.find((s) => s.templatePath === r.templatePath);
        if (!stack) continue;
        perStack.get(stack.stackName)?.push({
          checker: 'cloudformation-validate',
          rule: v.ruleName,
          severity: v.severity,
          stack: stack.stackName,
          where: r.resourceLogicalId ?? r.constructPath ?? '',
          message: v.description,
        });
      }
    }
    for (const s of todo) {
      const found = perStack.get(s.stackName) ?? [];
      writeCache(cacheDir, keyOf(s), found);
      findings.push(...found);
    }
    report('CloudFormation validation', 'done');
  }
  return {
    findings,
    run: {
      checker: 'cloudformation-validate',
      status: todo.length === 0 ? 'cached' : 'ran',
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/**
 * The slow checkers started before the synth, so their start-up (Python importing cfn-lint, a
 * worker loading aws-cdk-lib) overlaps it: `runPolicyChecks` hands them the templates once they
 * exist. `close` ends whatever was given nothing to do (every template cached).
 */
export interface WarmChecks {
  /** Undefined when cfn-lint is not installed or was switched off. */
  readonly cfnLint?: CfnLintPool;
  readonly validator: Worker;
  close(): void;
}

/** Starts cfn-lint (`findCfnLint`'s; none: not installed or switched off) and the validator's worker ahead of the templates. */
export function warmUpChecks(tool: CfnLintTool | undefined): WarmChecks {
  const cfnLint = tool ? new CfnLintPool(tool) : undefined;
  const validator = new Worker(new URL('./validate-worker.mjs', import.meta.url));
  validator.unref();
  return {
    cfnLint,
    validator,
    close: () => {
      cfnLint?.close();
      void validator.terminate();
    },
  };
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
  const keyOf = (s: StackInfo) => hash('cfn-lint', version, rc, s.region, templates.get(s) ?? '');
  const findings: Finding[] = [];
  const byRegion = new Map<string, StackInfo[]>();
  for (const s of stacks) {
    const cached = readCache<Finding[]>(options.cacheDir, keyOf(s));
    if (cached) findings.push(...cached);
    else byRegion.set(s.region, [...(byRegion.get(s.region) ?? []), s]);
  }
  // Each region's templates in groups of about equal size, one group per linter.
  const jobs = [...byRegion].flatMap(([region, group]) =>
    balance(
      group,
      Math.max(1, Math.floor(pool.width / byRegion.size)),
      (s) => templates.get(s)?.length ?? 0,
    ).map((part) => ({ region, part })),
  );
  let pending = jobs.reduce((n, j) => n + j.part.length, 0);
  const lintState = () => (pending === 0 ? 'done' : `${pending} template${pending === 1 ? '' : 's'}`);
  report('cfn-lint', jobs.length === 0 ? 'cached' : lintState());
  await Promise.all(
    jobs.map(async ({ region, part }) => {
      const lines = await pool.lint(
        part.map((s) => s.templatePath),
        [region],
        options.cfnLintConfig,
      );
      for (const s of part) {
        const found = lines
          .filter((l) => l.startsWith(`${s.templatePath}:`))
          .map((l) => parseLintLine(l, s.stackName));
        writeCache(options.cacheDir, keyOf(s), found);
        findings.push(...found);
      }
      pending -= part.length;
      report('cfn-lint', lintState());
    }),
  );
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
