import { existsSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigValidationError } from './errors.ts';
import { ConfigLoadError, importError, MODULE_EXTENSIONS, syntaxError } from './load-errors.ts';
import type { SlipwayConfig } from './types.ts';
import { validateConfig } from './validate/index.ts';

/** The name of the config file searched for. */
export const CONFIG_FILE = 'slipway.config.ts';

/**
 * The folder holding `slipway.config.ts`, searched from `from` up to the filesystem root.
 * @default from this package's folder: the repository Slipway itself lives in (its tests and
 * tools use it to find their own files; the CLI searches from the working directory instead)
 */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  const found = findConfig(from);
  if (!found) throw new Error(`no ${CONFIG_FILE} found above ${from}`);
  return dirname(found);
}

/** The nearest `slipway.config.ts` in `from` or a folder above it (as git finds `.git`), if any. */
export function findConfig(from: string = process.cwd()): string | undefined {
  let dir = resolve(from);
  for (;;) {
    const candidate = join(dir, CONFIG_FILE);
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * The config file used when none is given: `$SLIPWAY_CONFIG`, else the nearest
 * `slipway.config.ts` in the working directory or a folder above it.
 * @throws ConfigLoadError (`not-found`) when there is none
 */
export function defaultConfigPath(cwd: string = process.cwd()): string {
  if (process.env.SLIPWAY_CONFIG) return resolve(cwd, process.env.SLIPWAY_CONFIG);
  const found = findConfig(cwd);
  if (!found) {
    throw new ConfigLoadError(
      'not-found',
      resolve(cwd),
      `no ${CONFIG_FILE} in this folder or any folder above it`,
    );
  }
  return found;
}

/** The file behind a path: the path itself, or `slipway.config.ts` inside it when it is a folder. */
function configFile(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new ConfigLoadError('not-found', path, 'no such file');
  if (!stat.isDirectory()) {
    if (MODULE_EXTENSIONS.includes(extname(path))) return path;
    throw new ConfigLoadError(
      'not-a-module',
      path,
      'is not a TypeScript module; the config is a .ts file that does `export default defineConfig({...})`',
    );
  }
  const inside = join(path, CONFIG_FILE);
  if (existsSync(inside)) return inside;
  throw new ConfigLoadError('directory', path, `is a folder, and has no ${CONFIG_FILE} in it`);
}

/**
 * Imports a config module (its default export) and validates it. A folder stands for the
 * `slipway.config.ts` inside it.
 * @throws ConfigLoadError when the file is missing, does not parse, or fails while it runs
 * @throws ConfigValidationError listing every error, with key paths
 */
export async function loadConfig(path = defaultConfigPath()): Promise<SlipwayConfig> {
  const file = configFile(resolve(path));
  const invalid = await syntaxError(file);
  if (invalid) throw invalid;
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw importError(file, error);
  }
  if (mod.default === undefined) {
    throw new ConfigValidationError(
      [
        {
          path: '',
          code: 'SW106',
          message: 'the file has no default export; use `export default defineConfig({...})`',
        },
      ],
      file,
    );
  }
  return parseConfig(mod.default, file);
}

/** Validates an in-memory config object. @throws ConfigValidationError */
export function parseConfig(raw: unknown, source = CONFIG_FILE): SlipwayConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigValidationError(result.errors, source);
  return result.config;
}
