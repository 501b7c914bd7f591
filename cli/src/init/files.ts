/*
 * The repository as detection sees it: its files (relative paths, `/`-separated) up to a few
 * folders deep, skipping dependency, build and virtual-environment folders that hold other
 * people's code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Folders never searched: installed dependencies, build output, caches, version control. */
const SKIPPED = new Set([
  '.git',
  '.hg',
  '.venv',
  'venv',
  'env',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '__pycache__',
  'node_modules',
  'site-packages',
  'dist',
  'build',
  'cdk.out',
  'coverage',
  '.next',
]);

/** How deep the search goes (a Dockerfile in `services/api/` is at depth 2). */
const MAX_DEPTH = 4;
/** Source files larger than this are generated or vendored, not routes. */
const MAX_SOURCE_BYTES = 256 * 1024;

/** A repository's files, listed once, read on demand. */
export interface RepoFiles {
  readonly root: string;
  /** Every file, relative to `root`, `/`-separated, sorted. */
  readonly paths: readonly string[];
  /** The file's text, or undefined when it is missing, too large or unreadable. */
  read(path: string): string | undefined;
  has(path: string): boolean;
}

export function repoFiles(root: string): RepoFiles {
  const paths: string[] = [];
  const walk = (dir: string, prefix: string, depth: number) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name) && depth < MAX_DEPTH) walk(join(dir, entry.name), rel, depth + 1);
      } else if (entry.isFile()) paths.push(rel);
    }
  };
  walk(root, '', 0);
  paths.sort();
  const known = new Set(paths);
  const cache = new Map<string, string | undefined>();
  return {
    root,
    paths,
    has: (path) => known.has(path),
    read(path) {
      if (cache.has(path)) return cache.get(path);
      let text: string | undefined;
      try {
        const file = join(root, path);
        text = statSync(file).size <= MAX_SOURCE_BYTES ? readFileSync(file, 'utf8') : undefined;
      } catch {
        text = undefined;
      }
      cache.set(path, text);
      return text;
    },
  };
}

/** `path` under folder `dir` ('.' for the root), else undefined; the result is relative to `dir`. */
export function within(dir: string, path: string): string | undefined {
  if (dir === '.' || dir === '') return path;
  return path.startsWith(`${dir}/`) ? path.slice(dir.length + 1) : undefined;
}

/** `dir` joined with `path`, '/'-separated, '.' for the root. */
export function joinPath(dir: string, path: string): string {
  return dir === '.' || dir === '' ? path : `${dir}/${path}`;
}
