/*
 * A small printer of a TypeScript object literal with comments, for the `slipway.config.ts` the
 * Copilot importer writes. The values are plain data (strings, numbers, booleans, arrays, objects);
 * a `commented(value, lines)` wrapper puts `//` lines above the key that holds it. Short arrays and
 * objects without comments stay on one line, as Biome would print them.
 */

const COMMENTED = Symbol('commented');

/** A value with comment lines printed above the key that holds it. */
export interface Commented {
  readonly [COMMENTED]: true;
  readonly value: Printable;
  readonly lines: readonly string[];
}

export type Printable =
  | string
  | number
  | boolean
  | Commented
  | readonly Printable[]
  | { readonly [key: string]: Printable | undefined };

/** `value`, printed with `lines` as `//` comments above its key. */
export function commented(value: Printable, lines: readonly string[]): Commented {
  return { [COMMENTED]: true, value, lines };
}

function isCommented(value: unknown): value is Commented {
  return typeof value === 'object' && value !== null && COMMENTED in value;
}

/** The plain data of a printable tree, comments dropped (what the printed literal evaluates to). */
export function plain(value: Printable | undefined): unknown {
  if (isCommented(value)) return plain(value.value);
  if (Array.isArray(value)) return value.map((v) => plain(v));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v as Printable);
    return out;
  }
  return value;
}

/** Biome's line width in this repository (biome.json). */
const WIDTH = 110;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** A single-quoted string literal, as Biome formats this repository. */
export function quote(text: string): string {
  const escaped = text
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
  return `'${escaped}'`;
}

function hasComments(value: Printable | undefined): boolean {
  if (isCommented(value)) return true;
  if (Array.isArray(value)) return value.some(hasComments);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some((v) => hasComments(v as Printable));
  return false;
}

/** The value on one line, or undefined when it holds comments. */
function inline(value: Printable): string | undefined {
  if (hasComments(value)) return undefined;
  if (typeof value === 'string') return quote(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => inline(v)).join(', ')}]`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${key(k)}: ${inline(v as Printable)}`).join(', ')} }`;
}

/** Prints `value` at `indent`, the first line continuing after `prefix` (e.g. `name: `). */
export function print(value: Printable, indent = '', prefix = ''): string {
  if (isCommented(value)) return print(value.value, indent, prefix);
  if (typeof value !== 'object') return inline(value) as string;
  const one = inline(value);
  if (one !== undefined && indent.length + prefix.length + one.length + 1 <= WIDTH) return one;
  const inner = `${indent}  `;
  if (Array.isArray(value))
    return `[\n${value.map((v) => `${inner}${print(v, inner)},\n`).join('')}${indent}]`;
  const lines: string[] = [];
  let first = true;
  for (const [k, v] of Object.entries(value as Record<string, Printable | undefined>)) {
    if (v === undefined) continue;
    if (isCommented(v)) {
      if (!first) lines.push('');
      lines.push(...v.lines.map((line) => `${inner}//${line === '' ? '' : ` ${line}`}`));
    }
    first = false;
    const head = `${key(k)}: `;
    const text = print(v, inner, head);
    // A string too long for the line moves below its key, as Biome prints it.
    const long = typeof v === 'string' && inner.length + head.length + text.length + 1 > WIDTH;
    lines.push(long ? `${inner}${head.trimEnd()}\n${inner}  ${text},` : `${inner}${head}${text},`);
  }
  return `{\n${lines.join('\n')}\n${indent}}`;
}
