import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigPath, findConfig, loadConfig, type SlipwayConfig } from '@slipway/config';
import { POLICY_CACHE_DIR } from '@slipway/config/contract';
import { type ConfigSource, configLoadFailure } from './config-errors.ts';

/**
 * The repository the CLI works in, given the infra package's folder. Run from Slipway's own
 * sources (the folder holds TypeScript sources): Slipway's repository, located from the packages,
 * wherever the command runs. Installed from npm (built JavaScript only): the user's repository,
 * the folder of `$SLIPWAY_CONFIG` or of the nearest `slipway.config.ts` above the working
 * directory (else the working directory).
 */
export function repositoryRoot(infra: string, cwd = process.cwd()): string {
  if (existsSync(join(infra, 'src', 'index.ts'))) return dirname(infra);
  if (process.env.SLIPWAY_CONFIG) return dirname(resolve(cwd, process.env.SLIPWAY_CONFIG));
  const config = findConfig(cwd);
  return config ? dirname(config) : resolve(cwd);
}

/** Files the CLI reads and writes: the infra package's, and the repository's (see `repositoryRoot`). */
export const paths = (() => {
  const infraSrc = dirname(fileURLToPath(import.meta.resolve('@slipway/infra')));
  const infra = dirname(infraSrc);
  const root = repositoryRoot(infra);
  return {
    root,
    infra,
    /** cfn-lint settings shared with the infra policy test. */
    cfnLintConfig: join(infra, '.cfnlintrc.yaml'),
    /** Cloud assembly the online commands deploy from (the one `cdk` writes too). */
    assembly: join(root, 'cdk.out'),
    /** Default output of `slipway docs` (the environment pages: diagram, cost detail). */
    generated: join(root, 'docs', 'generated'),
    /** Cached policy results (per template content and tool version). */
    policyCache: join(root, POLICY_CACHE_DIR),
  };
})();

/**
 * Where the config comes from: `--config`, else `$SLIPWAY_CONFIG`, else the nearest
 * `slipway.config.ts` in the working directory or above (the path is resolved when loading).
 */
export function configSource(option?: string): { path?: string; source: ConfigSource } {
  if (option) return { path: resolve(option), source: '--config' };
  if (process.env.SLIPWAY_CONFIG)
    return { path: resolve(process.env.SLIPWAY_CONFIG), source: 'SLIPWAY_CONFIG' };
  return { source: 'search' };
}

/**
 * Loads and validates the config. Each way it can fail is one CliError with its own code
 * (config-errors.ts); the details (the invalid keys, a syntax error's line) go to `err` first.
 * `rerun` is the command line to run again once the config is fixed.
 */
export async function loadCliConfig(
  option: string | undefined,
  err: (text: string) => void,
  rerun = 'slipway plan --all',
): Promise<SlipwayConfig> {
  const { path, source } = configSource(option);
  try {
    return await loadConfig(path ?? defaultConfigPath());
  } catch (error) {
    throw configLoadFailure(error, source, rerun, err);
  }
}
