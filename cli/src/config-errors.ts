import { ConfigLoadError, ConfigValidationError, codeFrame } from '@slipway/config';
import { CliError } from './errors.ts';

/** Where the config path came from, so an error can name the flag or variable to fix. */
export type ConfigSource = '--config' | 'SLIPWAY_CONFIG' | 'search';

const SOURCE_TEXT: Record<ConfigSource, string> = {
  '--config': '--config',
  SLIPWAY_CONFIG: '$SLIPWAY_CONFIG',
  search: 'the search from the working directory',
};

/**
 * Turns an error of `loadConfig` into the CLI's one line, each problem with its own code:
 * SW230 not found, SW231 a folder, SW232 syntax, SW233 threw while loading, SW234 a missing
 * import, SW238 not a TypeScript module, SW204 invalid content. A syntax error's line and caret,
 * or the list of invalid keys, go to `err` above the line. `rerun` is the command to run again once fixed. Anything else is
 * returned as it is (an unexpected error).
 */
export function configLoadFailure(
  error: unknown,
  source: ConfigSource,
  rerun: string,
  err: (text: string) => void,
): unknown {
  if (error instanceof ConfigValidationError) return invalidConfig(error, rerun, err);
  if (error instanceof ConfigLoadError) return notLoaded(error, source, rerun, err);
  return error;
}

function invalidConfig(error: ConfigValidationError, rerun: string, err: (text: string) => void): CliError {
  err(`${error.message}\n`);
  const n = error.errors.length;
  return new CliError(
    'SW204',
    `${error.source} has ${n} error${n === 1 ? '' : 's'} (listed above)`,
    `fix them, then ${rerun}`,
    {
      path: n === 1 ? error.errors[0]?.path || error.source : error.source,
      errors: error.errors.map((e) => ({ code: e.code, message: e.message, path: e.path })),
      cause: error,
    },
  );
}

function notLoaded(
  error: ConfigLoadError,
  source: ConfigSource,
  rerun: string,
  err: (text: string) => void,
): CliError {
  const { file, location } = error;
  const where = location ? `${file}:${location.line}:${location.column}` : file;
  const details = { path: file, line: location?.line, column: location?.column, cause: error };
  switch (error.problem) {
    case 'not-found':
      return source === 'search'
        ? new CliError(
            'SW230',
            `no slipway.config.ts in ${file} or any folder above it`,
            `cd into your project, or ${rerun} --config <path to slipway.config.ts>`,
            details,
          )
        : new CliError(
            'SW230',
            `config file ${file} (from ${SOURCE_TEXT[source]}) does not exist`,
            `${rerun} --config <path to slipway.config.ts>`,
            details,
          );
    case 'not-a-module':
      return new CliError(
        'SW238',
        `config ${file} (from ${SOURCE_TEXT[source]}) ${error.detail}`,
        `${rerun} --config <path to slipway.config.ts>`,
        details,
      );
    case 'directory':
      return new CliError(
        'SW231',
        `config path ${file} (from ${SOURCE_TEXT[source]}) is a folder without slipway.config.ts`,
        `${rerun} --config <folder>/slipway.config.ts`,
        details,
      );
    case 'syntax':
      if (location) err(`${where}\n${codeFrame(location)}`);
      return new CliError(
        'SW232',
        `${where}: syntax error: ${error.detail}`,
        `fix ${location ? `line ${location.line} of ` : ''}the config, then ${rerun}`,
        details,
      );
    case 'threw':
      if (location) err(`${where}\n${codeFrame(location)}`);
      return new CliError(
        'SW233',
        `${where}: the config ${error.detail} while loading`,
        `fix ${location ? `line ${location.line} of ` : ''}the config, then ${rerun} (--verbose shows the stack)`,
        details,
      );
    case 'missing-module': {
      const name = error.module ?? '';
      const isPackage = name !== '' && !name.startsWith('.') && !name.startsWith('/');
      return new CliError(
        'SW234',
        `${file} imports "${name}", which cannot be found${isPackage ? ' (not installed where the config is)' : ''}`,
        isPackage
          ? `npm install ${packageName(name)}, then ${rerun}`
          : `fix the import path in ${file}, then ${rerun}`,
        details,
      );
    }
  }
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}
