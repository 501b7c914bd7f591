import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type ControlRule, controlTowerRules, guardBinary, rulesFor } from './rules.ts';

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

/**
 * Evaluates the Control Tower rules on CloudFormation templates with the bundled cfn-guard, in one
 * process. Each template is evaluated as a hook would see it (`hookView`; `asHook: false`, for
 * tests, evaluates the raw template); only the rules that
 * report on a resource type present are given to cfn-guard (the others would skip), which takes
 * the run from every rule × template to a few dozen.
 */
export function runGuard(templatePaths: readonly string[], options: { asHook?: boolean } = {}): GuardRun {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'slipway-guard-'));
  try {
    const types = new Set<string>();
    const views = templatePaths.map((path, i) => {
      const template = JSON.parse(readFileSync(path, 'utf8')) as Template;
      for (const r of Object.values(template.Resources ?? {})) if (r.Type) types.add(r.Type);
      const view = join(dir, `${i}-${basename(path)}`);
      writeFileSync(
        view,
        JSON.stringify(options.asHook === false ? template : hookView(template), undefined, 1),
      );
      return { path, view };
    });
    const rules = rulesFor(types);
    if (rules.length === 0 || views.length === 0) {
      return { findings: [], rulesEvaluated: 0, durationMs: Math.round(performance.now() - started) };
    }
    const args = ['validate', ...rules.flatMap((r) => ['--rules', r.file])];
    args.push(...views.flatMap((v) => ['--data', v.view]));
    args.push('--output-format', 'json', '--show-summary', 'none', '--structured');
    const result = spawnSync(guardBinary(), args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    // 0: all compliant; 19: some rule failed. Anything else is cfn-guard failing to run.
    if (result.error || (result.status !== 0 && result.status !== 19)) {
      throw new Error(
        `cfn-guard failed (exit ${result.status}): ${result.error?.message ?? result.stderr.trim().slice(0, 500)}`,
      );
    }
    const byName = new Map(controlTowerRules().map((r) => [r.ruleName, r]));
    const findings: ControlFinding[] = [];
    for (const file of JSON.parse(result.stdout) as GuardFileResult[]) {
      const template = views.find((v) => file.name.endsWith(basename(v.view)))?.path ?? file.name;
      for (const entry of Object.values(file.not_compliant ?? {})) {
        const rule = byName.get(entry.Rule?.name ?? '');
        if (!rule) throw new Error(`cfn-guard reported an unknown rule: ${entry.Rule?.name}`);
        for (const logicalId of resourcesIn(entry))
          findings.push({ rule, templatePath: template, logicalId });
      }
    }
    return { findings, rulesEvaluated: rules.length, durationMs: Math.round(performance.now() - started) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
