import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigValidationError, defaultConfigPath, loadConfig, type SlipwayConfig } from '@slipway/config';
import { CliError } from './errors.ts';

/** Files the CLI reads from the repository, located from the packages (not from the working directory). */
export const paths = (() => {
  const infraSrc = dirname(fileURLToPath(import.meta.resolve('@slipway/infra')));
  const infra = dirname(infraSrc);
  const root = dirname(infra);
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
    policyCache: join(root, 'node_modules', '.cache', 'slipway', 'policy'),
  };
})();

/** The config file: `--config`, else `$SLIPWAY_CONFIG`, else `<repo>/slipway.config.ts`. */
export function configPath(option?: string): string {
  return option ? resolve(option) : defaultConfigPath();
}

/**
 * Loads and validates the config. Invalid config: every error (with its SW1xx code) on stderr,
 * then one SW204 line.
 */
export async function loadCliConfig(path: string, err: (text: string) => void): Promise<SlipwayConfig> {
  try {
    return await loadConfig(path);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      err(`${error.message}\n`);
      throw new CliError(
        'SW204',
        `${error.source} has ${error.errors.length} error${error.errors.length === 1 ? '' : 's'} (listed above)`,
        'fix them, then run `slipway plan --all`',
      );
    }
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      throw new CliError(
        'SW204',
        `cannot load the config file ${path}`,
        'slipway --config <path> plan --all',
      );
    }
    throw error;
  }
}
