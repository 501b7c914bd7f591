import type { ConfigError, ConfigErrorCode } from '../errors.ts';

/* Small helpers every validation rule uses. */

export function err(path: string, code: ConfigErrorCode, message: string): ConfigError {
  return { path, code, message };
}

export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}|${e.code}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
