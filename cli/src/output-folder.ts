import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './errors.ts';

/**
 * Checks, before any work, that `path` can be a folder to write into: it is a folder, or it does
 * not exist yet and its nearest existing parent is a folder (it is created later).
 * @throws CliError SW236 naming the file in the way
 */
export function checkOutputFolder(path: string, flag: string, rerun: string): string {
  const target = resolve(path);
  for (let dir = target; ; dir = dirname(dir)) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return target;
    if (stat) {
      const what =
        dir === target ? `${target} is a file` : `${dir} is a file, so ${target} cannot be created`;
      throw new CliError('SW236', `${flag} ${path}: ${what}; it must name a folder`, rerun, { path: target });
    }
    if (dirname(dir) === dir) return target;
  }
}
