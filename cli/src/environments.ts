import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget, type Target, TargetError } from '@slipway/config/contract';
import { CliError } from './errors.ts';

/** Whether the config turns pull-request previews on (`previews: { from: <env> }`). */
export function previewsEnabled(config: SlipwayConfig): boolean {
  return config.previews !== undefined;
}

/**
 * An environment or preview name given on the command line, resolved by the contract's
 * `resolveTarget` (a key of `environments`, or `pr-<number>` when previews are enabled). Anything
 * else is SW201 with the closest valid name and the next command.
 * @param command the verb being run, for the "Next:" hint (e.g. `plan`)
 */
export function resolveEnvironmentName(config: SlipwayConfig, name: string, command: string): Target {
  try {
    return resolveTarget(config, name);
  } catch (error) {
    if (!(error instanceof TargetError)) throw error;
    const { configured, suggestion } = error;
    if (error.reason === 'previews-off') {
      throw new CliError(
        'SW201',
        `"${name}" is a preview environment name, but slipway.config.ts does not enable previews`,
        `slipway ${command} ${configured[0] ?? '<env>'}`,
      );
    }
    throw new CliError(
      'SW201',
      `unknown environment "${name}"; slipway.config.ts defines ${configured.join(', ')}${
        error.previewsEnabled ? ' (and pr-<number> previews)' : ''
      }${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      `slipway ${command} ${suggestion ?? configured[0] ?? '<env>'}`,
    );
  }
}

/**
 * The environments a command that takes `<env> | --all` works on: every configured one with
 * `--all`, else the one named (resolved as above). Both, or neither, is SW203.
 * @param command the verb being run, for the "Next:" hint (e.g. `plan`)
 */
export function selectEnvironments(
  config: SlipwayConfig,
  envArg: string | undefined,
  all: boolean | undefined,
  command: string,
): string[] {
  const first = Object.keys(config.environments)[0] ?? '<env>';
  if (all && envArg) {
    throw new CliError(
      'SW203',
      `give an environment or --all, not both (got "${envArg}" and --all)`,
      `slipway ${command} ${envArg} or slipway ${command} --all`,
    );
  }
  if (!all && !envArg) {
    throw new CliError(
      'SW203',
      'missing environment',
      `slipway ${command} ${first} or slipway ${command} --all`,
    );
  }
  return all
    ? Object.keys(config.environments)
    : [resolveEnvironmentName(config, envArg as string, command).name];
}
