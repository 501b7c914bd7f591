import { dirname, join, posix, relative, sep } from 'node:path';

/* Value conversions shared by the service and environment mappers. */

export const isMap = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const UNIT_SECONDS: Record<string, number> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/** Seconds in a Go duration (`1h30m`, `250ms`, `96h`), Copilot's `Duration` type; undefined if it is not one. */
export function durationSeconds(text: unknown): number | undefined {
  if (typeof text === 'number') return text === 0 ? 0 : undefined;
  if (typeof text !== 'string' || !/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? ''] ?? 0);
  return total;
}

/** Splits a command string into words as a POSIX shell would (quotes and backslashes), as Copilot's `command: "..."` is. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word = (word ?? '') + text[++i];
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\' && i + 1 < text.length) word = (word ?? '') + text[++i];
    else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** A Copilot `command`/`entrypoint` (a string or a list of strings) as a list of words. */
export function commandWords(value: unknown): string[] | undefined {
  if (typeof value === 'string') return shellWords(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  return undefined;
}

/** A workspace-relative path (Copilot's paths are relative to the folder holding `copilot/`) relative to the config's folder. */
export function fromConfig(path: string, workspaceRoot: string, configDir: string): string {
  const rel = relative(configDir, join(workspaceRoot, path)).split(sep).join(posix.sep);
  return rel === '' ? '.' : rel;
}

export interface BuildPaths {
  readonly context: string;
  readonly dockerfile: string;
}

/**
 * `image.build` (site/content/docs/include/image-config.en.md): a string is the Dockerfile, its
 * folder the context; a map's missing `context` is the Dockerfile's folder, a missing `dockerfile`
 * is `Dockerfile` in the context. Paths stay workspace-relative here.
 */
export function buildPaths(build: unknown): BuildPaths | undefined {
  if (typeof build === 'string') return { context: dirname(build) || '.', dockerfile: build };
  if (!isMap(build)) return undefined;
  const dockerfile = typeof build.dockerfile === 'string' ? build.dockerfile : undefined;
  const context = typeof build.context === 'string' ? build.context : undefined;
  if (dockerfile) return { context: context ?? dirname(dockerfile), dockerfile };
  if (context) return { context, dockerfile: posix.join(context, 'Dockerfile') };
  return undefined;
}

/**
 * An image reference as Slipway's `image.uri` takes it (a registry host, a path and a tag or
 * digest). ECS reads `nginx` as Docker Hub's `docker.io/library/nginx:latest`; spelled out here.
 */
export function imageUri(location: string): { uri: string; changed: boolean } {
  let ref = location.trim();
  const first = ref.split('/')[0] ?? '';
  const hasRegistry =
    ref.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasRegistry) ref = `docker.io/${ref.includes('/') ? ref : `library/${ref}`}`;
  const last = ref.split('/').pop() ?? '';
  if (!last.includes(':') && !last.includes('@')) ref = `${ref}:latest`;
  return { uri: ref, changed: ref !== location.trim() };
}

/** `${NAME}` as Copilot writes a variable in a manifest. */
export const copilotVariable = (name: string) => `\${${name}}`;

/** Copilot's `${VAR}` interpolation (internal/pkg/manifest/interpolate.go) of the two names it always knows. */
export function interpolate(value: unknown, names: { app: string; env: string }): unknown {
  if (typeof value === 'string')
    return value
      .replaceAll(copilotVariable('COPILOT_APPLICATION_NAME'), names.app)
      .replaceAll(copilotVariable('COPILOT_ENVIRONMENT_NAME'), names.env);
  if (Array.isArray(value)) return value.map((v) => interpolate(v, names));
  if (isMap(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, names)]));
  return value;
}

/** Whether a string still holds a `${VAR}` Copilot would have filled from the shell it ran in. */
export const unresolved = (value: string) => /\$\{[^}]+\}/.test(value);

/** Reports each key of `map` the mapper does not read, so no field is dropped without a line in the report. */
export function reportUnknown(
  map: unknown,
  known: readonly string[],
  prefix: string,
  notMapped: (field: string, why: string) => void,
): void {
  if (!isMap(map)) return;
  for (const key of Object.keys(map).filter((k) => !known.includes(k)))
    notMapped(`${prefix}.${key}`, 'not a field Slipway has an equivalent for');
}

/** Fields of `count` that turn on autoscaling; `spot` (a fixed count on Spot) excludes them. */
const AUTOSCALING = [
  'range',
  'cooldown',
  'cpu_percentage',
  'memory_percentage',
  'requests',
  'response_time',
  'queue_delay',
];

/**
 * A manifest with one environment's `environments.<env>` applied, as Copilot applies it
 * (internal/pkg/manifest/transform.go): maps merge key by key, anything else replaces; the
 * branches of a union replace each other (`image.build` / `image.location`, `count.spot` /
 * autoscaling).
 */
export function applyOverride(base: unknown, override: unknown, path = ''): unknown {
  if (override === undefined || override === null) return base;
  if (!isMap(base) || !isMap(override)) return override;
  const merged: Record<string, unknown> = { ...base };
  if (path === 'image' && 'location' in override) delete merged.build;
  if (path === 'image' && 'build' in override) delete merged.location;
  if (path === 'count' && 'spot' in override) for (const k of AUTOSCALING) delete merged[k];
  if (path === 'count' && AUTOSCALING.some((k) => k in override)) delete merged.spot;
  for (const [k, v] of Object.entries(override))
    merged[k] = applyOverride(base[k], v, path ? `${path}.${k}` : k);
  return merged;
}
