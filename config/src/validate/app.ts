import { isReservedVariable } from '../contract/container-variables.ts';
import type { ConfigError } from '../errors.ts';
import { FARGATE_CPU_UNITS } from '../fargate.ts';
import type { SlipwayConfig } from '../types.ts';
import { err } from './util.ts';

const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/;

/**
 * A user variable named like one Slipway sets in the container (or the service reads) would reach
 * the container twice, and which value wins is up to ECS.
 */
function reservedError(path: string, key: string): ConfigError {
  return err(
    path,
    'SW130',
    `${key} collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_${key}`,
  );
}

/** The app's variables and secrets, and its default task size. */
export function appErrors(app: SlipwayConfig['app']): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const key of Object.keys(app.environment)) {
    if (isReservedVariable(key)) errors.push(reservedError(`app.environment.${key}`, key));
    else if (SECRET_LOOKING.test(key))
      errors.push(
        err(
          `app.environment.${key}`,
          'SW118',
          `${key} looks like a secret; plain environment variables are visible in the task definition, use app.secrets.${key}`,
        ),
      );
  }
  for (const key of Object.keys(app.secrets)) {
    if (isReservedVariable(key)) errors.push(reservedError(`app.secrets.${key}`, key));
    if (key in app.environment)
      errors.push(
        err(`app.secrets.${key}`, 'SW119', `${key} is also in app.environment; keep it in one place`),
      );
  }
  if (!FARGATE_CPU_UNITS.includes(app.cpu))
    errors.push(
      err('app.cpu', 'SW110', `got ${app.cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`),
    );
  return errors;
}
