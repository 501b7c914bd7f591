import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The one walk over a folder's files, for everything that hashes a folder's content: the Grafana
 * image tag, the migrations digest, the handlers' bundle hash and the CLI's plan cache key. The
 * result is sorted, so a hash over it is the same on every machine.
 */

/** Test files of the TypeScript and JavaScript sources: `*.test.ts`, `*.test.mjs`, … */
export const TEST_FILE = /\.test\.[cm]?[jt]s$/;

export interface FilesUnderOptions {
  /** Leave out the files and folders (by name) for which this is true. @default nothing is left out */
  readonly skip?: (name: string) => boolean;
}

/**
 * Every file under the folder `dir`, as absolute paths in sorted order. `skip` is asked about each
 * name below `dir`, never about the folders above it.
 * @throws as readdirSync does when `dir` is missing or not a folder
 */
export function filesUnder(dir: string, options: FilesUnderOptions = {}): string[] {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) => {
      if (options.skip?.(entry.name)) return [];
      const child = join(at, entry.name);
      return entry.isDirectory() ? walk(child) : entry.isFile() ? [child] : [];
    });
  return walk(dir).sort();
}
