import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigValidationError } from './errors.ts';
import type { SlipwayConfig } from './types.ts';
import { validateConfig } from './validate/index.ts';

/** The repository root: the nearest folder above this package holding `slipway.config.ts`. */
export function findRepoRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'slipway.config.ts'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no slipway.config.ts found above ${from}`);
    dir = parent;
  }
}

/** The config file used when none is given: `$SLIPWAY_CONFIG`, else `<repo>/slipway.config.ts`. */
export function defaultConfigPath(): string {
  return process.env.SLIPWAY_CONFIG
    ? resolve(process.env.SLIPWAY_CONFIG)
    : join(findRepoRoot(), 'slipway.config.ts');
}

/**
 * Imports a config module (its default export) and validates it.
 * @throws ConfigValidationError listing every error, with key paths
 */
export async function loadConfig(path = defaultConfigPath()): Promise<SlipwayConfig> {
  const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  if (mod.default === undefined) {
    throw new ConfigValidationError(
      [
        {
          path: '',
          code: 'SW106',
          message: 'the file has no default export; use `export default defineConfig({...})`',
        },
      ],
      path,
    );
  }
  return parseConfig(mod.default, path);
}

/** Validates an in-memory config object. @throws ConfigValidationError */
export function parseConfig(raw: unknown, source = 'slipway.config.ts'): SlipwayConfig {
  const result = validateConfig(raw);
  if (!result.ok) throw new ConfigValidationError(result.errors, source);
  return result.config;
}
