import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CONTROL_TOWER_PLUGIN } from '@slipway/config/contract';
import { parse as parseYaml } from 'yaml';
import type { StackInfo } from '../synth/synthesize.ts';

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
  const [validate, lint] = await Promise.all([
    builtInValidation(stacks, ignored, options.cacheDir, report),
    cfnLint(stacks, options, report),
  ]);
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
    const violations = await new Promise<Violation[]>((resolve, reject) => {
      const worker = new Worker(new URL('./validate-worker.mjs', import.meta.url), {
        workerData: {
          stackTemplates: todo.map((s) => ({
            stackConstructPath: s.constructPath,
            templatePath: s.templatePath,
            accountId: s.account,
            region: s.region,
          })),
        },
      });
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

export const CFN_LINT_INSTALL = 'pip install cfn-lint';

/** Whether `cfn-lint` is on PATH, and its version. */
export function cfnLintVersion(): string | undefined {
  const result = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** cfn-lint on every template in the stack's own region; one process per region, in parallel. */
async function cfnLint(
  stacks: readonly StackInfo[],
  options: PolicyOptions,
  report: Report = () => {},
): Promise<{ findings: Finding[]; run: CheckRun }> {
  const started = performance.now();
  const version = options.cfnLintAvailable === false ? undefined : cfnLintVersion();
  if (!version) {
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
  const rc = readFileSync(options.cfnLintConfig, 'utf8');
  const keyOf = (s: StackInfo) =>
    hash('cfn-lint', version, rc, s.region, readFileSync(s.templatePath, 'utf8'));
  const findings: Finding[] = [];
  const byRegion = new Map<string, StackInfo[]>();
  for (const s of stacks) {
    const cached = readCache<Finding[]>(options.cacheDir, keyOf(s));
    if (cached) {
      findings.push(...cached);
      continue;
    }
    byRegion.set(s.region, [...(byRegion.get(s.region) ?? []), s]);
  }
  const pending = new Map([...byRegion].map(([region, group]) => [region, group.length]));
  const lintState = () =>
    pending.size === 0
      ? 'done'
      : [...pending].map(([region, n]) => `${n} template${n === 1 ? '' : 's'} (${region})`).join(', ');
  report('cfn-lint', byRegion.size === 0 ? 'cached' : lintState());
  await Promise.all(
    [...byRegion].map(async ([region, group]) => {
      const lines = await lintFiles(
        group.map((s) => s.templatePath),
        [region],
        options.cfnLintConfig,
      );
      for (const s of group) {
        const found = lines
          .filter((l) => l.startsWith(`${s.templatePath}:`))
          .map((l) => parseLintLine(l, s.stackName));
        writeCache(options.cacheDir, keyOf(s), found);
        findings.push(...found);
      }
      pending.delete(region);
      report('cfn-lint', lintState());
    }),
  );
  return {
    findings,
    run: {
      checker: 'cfn-lint',
      status: byRegion.size === 0 ? 'cached' : 'ran',
      note: version,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/**
 * The one cfn-lint runner (`plan` and the policy test): lints the templates for each of the
 * regions with the given `.cfnlintrc.yaml` and returns its findings as `parseable` text lines
 * (empty when clean).
 */
export function lintFiles(files: string[], regions: string[], configFile: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'cfn-lint',
      ['--config-file', configFile, '--format', 'parseable', '--regions', ...regions, '--', ...files],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = out.split('\n').filter((l) => l.trim().length > 0);
      // 0 = clean; 2/4/8 and their sums = findings; anything else with no output = cfn-lint failed.
      if (code !== 0 && lines.length === 0) reject(new Error(`cfn-lint exited ${code} without output`));
      else resolve(lines);
    });
  });
}

/** `<file>:<line>:<col>:<endline>:<endcol>:<rule>:<message>` → a finding. */
export function parseLintLine(line: string, stack: string): Finding {
  const m = /^.*?\.template\.json:(\d+):\d+:\d+:\d+:([A-Z]\d+):(.*)$/.exec(line);
  const rule = m?.[2] ?? 'cfn-lint';
  return {
    checker: 'cfn-lint',
    rule,
    severity: rule.startsWith('E') ? 'error' : rule.startsWith('W') ? 'warning' : 'info',
    stack,
    where: m ? `line ${m[1]}` : '',
    message: m?.[3] ?? line,
  };
}
