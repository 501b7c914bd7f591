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
