import type { z } from 'zod';
import { closest } from '../closest.ts';
import type { ConfigError } from '../errors.ts';
import { err, isObject, show } from './util.ts';

// ---- zod issues → ConfigError ----------------------------------------------------------------

type Issue = z.core.$ZodIssue;

/** Keys that were renamed, with the one sentence an old config gets instead of "unknown key". */
const RENAMED_KEYS: Record<string, string> = {
  uptime:
    'uptime is now officeHours; rename the key (days, start, stop and timezone stay the same, and waivers.uptime is now acknowledge.officeHours)',
  waivers:
    'waivers is now acknowledge; rename the key, and waivers.deletionProtection to acknowledge.noDeletionProtection (waivers.officeHours keeps its name: acknowledge.officeHours)',
};

export function fromZod(error: z.ZodError, root: z.ZodType, prefix: (string | number)[]): ConfigError[] {
  return error.issues.flatMap((issue) => fromIssue(issue, root, prefix));
}

function fromIssue(issue: Issue, root: z.ZodType, prefix: (string | number)[]): ConfigError[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  const at = path.join('.');
  const got = 'input' in issue && issue.input !== undefined ? `got ${show(issue.input)}; ` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(root, issue.path, issue.input);
        const renamed = RENAMED_KEYS[key];
        if (renamed) return err([...path, key].join('.'), 'SW101', renamed);
        const near = closest(key, known);
        const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`;
        return err([...path, key].join('.'), 'SW101', `unknown key; ${hint}`);
      });
    case 'invalid_type':
      if (issue.input === undefined) return [err(at, 'SW106', `missing; expected ${issue.expected}`)];
      return [err(at, 'SW102', `${got}expected ${issue.expected}`)];
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length <= 8)
        return [err(at, 'SW103', `${got}allowed: ${values.map((v) => show(v)).join(', ')}`)];
      // Long lists (regions): suggest the nearest instead of printing all of them.
      const near = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
      const hint = near ? `did you mean "${near}"?` : `allowed: ${values.slice(0, 6).join(', ')}, ...`;
      return [err(at, 'SW103', `${got}not one of the ${values.length} allowed values; ${hint}`)];
    }
    case 'too_small':
    case 'too_big':
      return [err(at, 'SW104', `${got}expected ${sizeBound(issue)}`)];
    case 'invalid_format':
    case 'custom':
    case 'not_multiple_of':
      return [err(at, 'SW105', `${got}expected ${issue.message.replace(/^Invalid (string: )?/, '')}`)];
    case 'invalid_union': {
      // A discriminated union (a service's `type`) given a value none of its options has.
      const discriminator = (issue as { discriminator?: string }).discriminator;
      if (discriminator !== undefined && issue.errors.length === 0 && isObject(issue.input))
        return [
          err(
            at,
            'SW103',
            `got ${show(issue.input[discriminator])}; expected ${describeUnion(root, issue.path)}`,
          ),
        ];
      // Report the option the input came closest to, rather than "invalid input": an option that
      // rejected the value's whole type (a string enum given an object) is the furthest.
      const typeMismatch = (issues: Issue[]) =>
        issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
      const best = [...issue.errors].sort(
        (x, y) => Number(typeMismatch(x)) - Number(typeMismatch(y)) || x.length - y.length,
      )[0];
      if (best && best.length > 0 && isObject(issue.input))
        return best.flatMap((sub) =>
          fromIssue({ ...sub, path: [...issue.path, ...sub.path] } as Issue, root, prefix),
        );
      return [err(at, 'SW102', `${got}expected ${describeUnion(root, issue.path)}`)];
    }
    case 'invalid_key':
      return issue.issues.flatMap((sub) =>
        fromIssue(
          { ...sub, path: [...issue.path, ...sub.path], input: sub.input ?? issue.input } as Issue,
          root,
          prefix,
        ),
      );
    default:
      return [err(at, 'SW105', `${got}${issue.message}`)];
  }
}

/** "at least 2 items", "at most 63 characters", "more than 0": the bound a too_small/too_big issue names. */
function sizeBound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const exclusive = issue.inclusive === false;
  const bound =
    issue.code === 'too_small'
      ? `${exclusive ? 'more than' : 'at least'} ${issue.minimum}`
      : `${exclusive ? 'less than' : 'at most'} ${issue.maximum}`;
  if (issue.origin === 'string') return `${bound} characters`;
  return issue.origin === 'array' ? `${bound} items` : bound;
}

// ---- walking the schema, for "did you mean" ----------------------------------------------------

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
};

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  const d = def(schema);
  if (d.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(d.type))
    return unwrap(d.innerType);
  if (d.type === 'pipe' && d.in) return unwrap(d.in);
  if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
  return [schema];
}

function schemasAt(root: z.ZodType, path: PropertyKey[]): z.ZodType[] {
  let current = unwrap(root);
  for (const key of path) {
    current = current.flatMap((s) => {
      const d = def(s);
      if (d.type === 'object' && d.shape && typeof key === 'string' && d.shape[key])
        return unwrap(d.shape[key]);
      if (d.type === 'record' && d.valueType) return unwrap(d.valueType);
      if (d.type === 'array' && d.element) return unwrap(d.element);
      return [];
    });
  }
  return current;
}

/**
 * The keys an object at `path` may have. Of a discriminated union (the service types), only the
 * option the input's discriminator selects: a worker's known keys are not a web service's.
 */
function knownKeys(root: z.ZodType, path: PropertyKey[], input?: unknown): string[] {
  const options = schemasAt(root, path);
  const selected = options.filter((s) => matchesLiterals(s, input));
  const chosen = selected.length > 0 ? selected : options;
  return [...new Set(chosen.flatMap((s) => Object.keys(def(s).shape ?? {})))];
}

/** Whether the input agrees with every literal-valued key of an object schema (its discriminator). */
function matchesLiterals(schema: z.ZodType, input: unknown): boolean {
  if (!isObject(input)) return true;
  return Object.entries(def(schema).shape ?? {}).every(([key, value]) => {
    const d = def(value) as Def & { values?: unknown[] };
    return d.type !== 'literal' || !(key in input) || (d.values ?? []).includes(input[key]);
  });
}

function describeUnion(root: z.ZodType, path: PropertyKey[]): string {
  const parts = schemasAt(root, path).map((s) => {
    const d = def(s) as Def & { values?: unknown[]; entries?: Record<string, unknown> };
    if (d.type === 'object') return `{ ${Object.keys(d.shape ?? {}).join(', ')} }`;
    if (d.type === 'literal') return (d.values ?? []).map((v) => show(v)).join(' | ');
    if (d.type === 'enum')
      return Object.values(d.entries ?? {})
        .map((v) => show(v))
        .join(' | ');
    return d.type;
  });
  return parts.join(' | ');
}
