import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The policy checkers' cache of results per template: one JSON file per key, the key a hash of
 * everything that decides the result (the checker, its version and settings, the template's
 * text). Without a folder (`--no-cache`) nothing is read or written. Processes may share a folder
 * (`slipway plan` beside a `cdk synth`, or two test workers): a file appears whole or not at all,
 * and one that cannot be read counts as missing.
 */

/** A cache key: a hash of the parts, each kept apart from the next. */
export function resultKey(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex').slice(0, 32);
}

/** The result stored under `key`; undefined when there is none or it cannot be read. */
export function readResult<T>(cacheDir: string | undefined, key: string): T | undefined {
  if (!cacheDir) return undefined;
  try {
    return JSON.parse(readFileSync(join(cacheDir, `${key}.json`), 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Stores `value` under `key`: written beside it, then renamed into place. */
export function writeResult(cacheDir: string | undefined, key: string, value: unknown): void {
  if (!cacheDir) return;
  mkdirSync(cacheDir, { recursive: true });
  const file = join(cacheDir, `${key}.json`);
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(value));
  renameSync(partial, file);
}
