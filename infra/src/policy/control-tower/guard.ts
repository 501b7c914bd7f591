import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { readResult, resultKey, writeResult } from '@slipway/config/result-cache';
import { type ControlRule, guardBinary, rulesFor, rulesVersion } from './rules.ts';

/** One resource that one control rejects. */
export interface ControlFinding {
  readonly rule: ControlRule;
  /** The template as given to runGuard (not the hook view evaluated in its place). */
  readonly templatePath: string;
  readonly logicalId: string;
}

export interface GuardRun {
  readonly findings: ControlFinding[];
  /** The controls evaluated: those reporting on a resource type the templates contain. */
  readonly rulesEvaluated: number;
  /** Templates cfn-guard ran on. */
  readonly evaluated: number;
  /** Templates whose result was read from the cache instead (`GuardOptions.cacheDir`). */
  readonly cached: number;
  readonly durationMs: number;
}

type Template = {
  Parameters?: Record<string, { Type?: string }>;
  Resources?: Record<string, { Type?: string }>;
};

/**
 * The template as a Control Tower hook sees its resources: a hook is handed each resource's
 * properties after CloudFormation resolved the parameters, so a `Ref` to a parameter (the SSM
 * parameters the service stack reads its subnets and VPC from) becomes the value, not an
 * unresolvable reference. References to resources and other intrinsics stay as they are: the
 * rules evaluate those themselves (a `Ref` to an `AWS::EC2::Subnet` in the same template passes).
 */
export function hookView(template: Template): Template {
  const parameters = template.Parameters ?? {};
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, ref] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Ref' && typeof ref === 'string' && ref in parameters) {
      const placeholder = `resolved-parameter-${ref}`;
      return /List<|CommaDelimitedList/.test(parameters[ref]?.Type ?? '') ? [placeholder] : placeholder;
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, resolve(v)]));
  };
  return { ...template, Resources: resolve(template.Resources ?? {}) as Template['Resources'] };
}

/** `/Resources/<logical id>/…` anywhere in one rule's part of cfn-guard's output. */
function resourcesIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const n of node) resourcesIn(n, found);
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const id =
        key === 'path' && typeof value === 'string' ? /^\/Resources\/([^/]+)/.exec(value)?.[1] : undefined;
      if (id) found.add(id);
      else resourcesIn(value, found);
    }
  }
  return found;
}

interface GuardFileResult {
  name: string;
  not_compliant?: { Rule?: { name?: string } }[] | Record<string, never>;
}

/** One template's cfn-guard run, prepared: the rules to give it and the arguments. */
interface TemplateJob {
  readonly path: string;
  readonly rules: readonly ControlRule[];
  readonly args: readonly string[];
  /** The file cfn-guard reads (`--data`), written only when it is to run. */
  readonly view: string;
  /** The template as evaluated: the longer, the longer its run. */
  readonly text: string;
  /** The result's cache key: cfn-guard's and the rules' version, the rules given, the template as evaluated. */
  readonly key: string;
}

/** What the cache keeps of one template's run: each rule that failed and the resource it failed on. */
type CachedFindings = { readonly ruleName: string; readonly logicalId: string }[];

// Part of every cache key: a change to what is cached, or to how cfn-guard's output is read, makes
// the old entries unreachable instead of wrong.
const CACHE_FORMAT = 'findings-v1';

/**
 * The template as cfn-guard is to see it (`hookView`, or raw with `asHook: false`), its file in
 * `dir`, and the rules that report on a resource type it contains: the others would skip, and
 * each one given costs cfn-guard a pass over the template. Undefined when no rule applies.
 */
function prepare(path: string, index: number, dir: string, options: GuardOptions): TemplateJob | undefined {
  const template = JSON.parse(readFileSync(path, 'utf8')) as Template;
  const rules = rulesFor(
    Object.values(template.Resources ?? {}).flatMap((r) => (r.Type ? [r.Type] : [])),
  ).filter((r) => options.controls?.includes(r.control) ?? true);
  if (rules.length === 0) return undefined;
  const view = join(dir, `${index}-${basename(path)}`);
  const text = JSON.stringify(options.asHook === false ? template : hookView(template));
  const args = ['validate', ...rules.flatMap((r) => ['--rules', r.file]), '--data', view];
  args.push('--output-format', 'json', '--show-summary', 'none', '--structured');
  const key = resultKey('cfn-guard', rulesVersion(), CACHE_FORMAT, ...rules.map((r) => r.control), text);
  return { path, rules, args, view, text, key };
}

/** The findings of one template's run, from cfn-guard's exit code and output. */
function findingsOf(
  job: TemplateJob,
  status: number | null,
  stdout: string,
  stderr: string,
): ControlFinding[] {
  // 0: all compliant; 19: some rule failed. Anything else is cfn-guard failing to run.
  if (status !== 0 && status !== 19) {
    throw new Error(
      `cfn-guard failed on ${basename(job.path)} (exit ${status}): ${stderr.trim().slice(0, 500)}`,
    );
  }
  const byName = new Map(job.rules.map((r) => [r.ruleName, r]));
  const findings: ControlFinding[] = [];
  for (const file of JSON.parse(stdout) as GuardFileResult[]) {
    for (const entry of Object.values(file.not_compliant ?? {})) {
      const rule = byName.get(entry.Rule?.name ?? '');
      if (!rule) throw new Error(`cfn-guard reported an unknown rule: ${entry.Rule?.name}`);
      for (const logicalId of resourcesIn(entry)) findings.push({ rule, templatePath: job.path, logicalId });
    }
  }
  return findings;
}

export interface GuardOptions {
  /** Evaluate each template as a Control Tower hook sees it (`hookView`); false, for tests, evaluates it raw. @default true */
  readonly asHook?: boolean;
  /**
   * Folder of results per template (as evaluated, with the rules given, under cfn-guard's and
   * the rules' version): a template evaluated before is not evaluated again.
   * @default no cache: cfn-guard runs on every template
   */
  readonly cacheDir?: string;
  /** Only these controls (`CT.ECS.PR.7`). @default every control that reports on a resource type the template contains */
  readonly controls?: readonly string[];
}

/** The findings the cache holds for `job`, tied back to its rules; undefined when none are cached. */
function cachedFindings(job: TemplateJob, cacheDir: string | undefined): ControlFinding[] | undefined {
  const cached = readResult<CachedFindings>(cacheDir, job.key);
  if (!cached) return undefined;
  const byName = new Map(job.rules.map((r) => [r.ruleName, r]));
  const findings: ControlFinding[] = [];
  for (const { ruleName, logicalId } of cached) {
    const rule = byName.get(ruleName);
    // An entry naming a rule the job does not have cannot come from this key: evaluate again.
    if (!rule) return undefined;
    findings.push({ rule, templatePath: job.path, logicalId });
  }
  return findings;
}

function cacheFindings(job: TemplateJob, cacheDir: string | undefined, findings: ControlFinding[]): void {
  const entry: CachedFindings = findings.map((f) => ({ ruleName: f.rule.ruleName, logicalId: f.logicalId }));
  writeResult(cacheDir, job.key, entry);
}

function withJobs<T>(
  templatePaths: readonly string[],
  options: GuardOptions,
  run: (jobs: TemplateJob[]) => T,
): T {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-guard-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const jobs = templatePaths.flatMap((p, i) => prepare(p, i, dir, options) ?? []);
    const result = run(jobs);
    if (result instanceof Promise) {
      result.then(cleanup, cleanup);
      return result;
    }
    cleanup();
    return result;
  } catch (error) {
    cleanup();
    throw error;
  }
}

function summary(
  jobs: readonly TemplateJob[],
  results: ReadonlyMap<TemplateJob, ControlFinding[]>,
  cached: number,
  started: number,
): GuardRun {
  return {
    findings: jobs.flatMap((j) => results.get(j) ?? []),
    rulesEvaluated: new Set(jobs.flatMap((j) => j.rules)).size,
    evaluated: jobs.length - cached,
    cached,
    durationMs: Math.round(performance.now() - started),
  };
}

/** The cached results of `jobs`, and the jobs left for cfn-guard, their files written. */
function fromCache(jobs: readonly TemplateJob[], cacheDir: string | undefined) {
  const results = new Map<TemplateJob, ControlFinding[]>();
  const todo: TemplateJob[] = [];
  for (const job of jobs) {
    const cached = cachedFindings(job, cacheDir);
    if (cached) results.set(job, cached);
    else {
      writeFileSync(job.view, job.text);
      todo.push(job);
    }
  }
  return { results, todo, cached: results.size };
}

/**
 * Evaluates the Control Tower rules on CloudFormation templates with the bundled cfn-guard, one
 * run per template with only the rules that report on a resource type the template contains
 * (a few dozen of the 237, where every rule on every template would evaluate thousands of
 * pairs). Synchronous, for CDK's validation plugin; `runGuardParallel` is the same, side by side.
 */
export function runGuard(templatePaths: readonly string[], options: GuardOptions = {}): GuardRun {
  const started = performance.now();
  return withJobs(templatePaths, options, (jobs) => {
    const { results, todo, cached } = fromCache(jobs, options.cacheDir);
    for (const job of todo) {
      const result = spawnSync(guardBinary(), job.args, { encoding: 'utf8', maxBuffer: 1 << 30 });
      if (result.error) throw new Error(`cfn-guard failed to start: ${result.error.message}`);
      const findings = findingsOf(job, result.status, result.stdout, result.stderr);
      cacheFindings(job, options.cacheDir, findings);
      results.set(job, findings);
    }
    return summary(jobs, results, cached, started);
  });
}

/** One cfn-guard process, to its exit. */
function guardProcess(job: TemplateJob): Promise<ControlFinding[]> {
  return new Promise((resolve, reject) => {
    execFile(guardBinary(), job.args, { encoding: 'utf8', maxBuffer: 1 << 30 }, (error, stdout, stderr) => {
      const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      if (error && status === null) reject(new Error(`cfn-guard failed to start: ${error.message}`));
      else {
        try {
          resolve(findingsOf(job, status, stdout, stderr));
        } catch (failure) {
          reject(failure);
        }
      }
    });
  });
}

/**
 * `runGuard` with up to `concurrency` cfn-guard processes side by side, the largest templates
 * first (what `slipway plan` runs beside cfn-lint). Findings come in the order of `templatePaths`.
 */
export function runGuardParallel(
  templatePaths: readonly string[],
  options: GuardOptions & { readonly concurrency?: number } = {},
): Promise<GuardRun> {
  const started = performance.now();
  return withJobs(templatePaths, options, async (jobs) => {
    const { results, todo, cached } = fromCache(jobs, options.cacheDir);
    const queue = todo.sort((a, b) => b.text.length - a.text.length);
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const findings = await guardProcess(job);
        cacheFindings(job, options.cacheDir, findings);
        results.set(job, findings);
      }
    };
    const width = Math.max(1, Math.min(options.concurrency ?? availableParallelism(), queue.length));
    await Promise.all(Array.from({ length: width }, worker));
    return summary(jobs, results, cached, started);
  });
}
