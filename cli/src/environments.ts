import { closest, isPreviewName, type SlipwayConfig } from '@slipway/config';
import { CliError } from './errors.ts';

export interface EnvironmentName {
  readonly name: string;
  /** `configured`: a key of `environments`; `preview`: a `pr-<number>` environment built from `previews`. */
  readonly kind: 'configured' | 'preview';
}

/** Whether the config turns pull-request previews on (`previews: { from: <env> }`). */
export function previewsEnabled(config: SlipwayConfig): boolean {
  return config.previews !== undefined;
}

/**
 * The one place environment names are resolved: a key of `environments`, or `pr-<number>` when
 * previews are enabled. Anything else is SW201 with the closest valid name and the next command.
 * @param command the verb being run, for the "Next:" hint (e.g. `plan`)
 */
export function resolveEnvironmentName(
  config: SlipwayConfig,
  name: string,
  command: string,
): EnvironmentName {
  const configured = Object.keys(config.environments);
  if (configured.includes(name)) return { name, kind: 'configured' };
  if (isPreviewName(name)) {
    if (previewsEnabled(config)) return { name, kind: 'preview' };
    throw new CliError(
      'SW201',
      `"${name}" is a preview environment name, but slipway.config.ts does not enable previews`,
      `slipway ${command} ${configured[0] ?? '<env>'}`,
    );
  }
  const suggestion = closest(name, configured);
  throw new CliError(
    'SW201',
    `unknown environment "${name}"; slipway.config.ts defines ${configured.join(', ')}${
      previewsEnabled(config) ? ' (and pr-<number> previews)' : ''
    }${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
    `slipway ${command} ${suggestion ?? configured[0] ?? '<env>'}`,
  );
}
