import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The policy checkers' cache of results per template: one JSON file per key, the key a hash of
 * everything that decides the result (the checker, its version and settings, the template's
 * text). Without a folder (`--no-cache`) nothing is read or written.
 */

/** A cache key: a hash of the parts, each kept apart from the next. */
export function resultKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** The result stored under `key`, if any. */
export function readResult<T>(cacheDir: string | undefined, key: string): T | undefined {
  if (!cacheDir) return undefined;
  const file = join(cacheDir, `${key}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

/** Stores `value` under `key`. */
export function writeResult(cacheDir: string | undefined, key: string, value: unknown): void {
  if (!cacheDir) return;
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, `${key}.json`), JSON.stringify(value));
}
