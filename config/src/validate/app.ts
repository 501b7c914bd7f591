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
export function reservedError(path: string, key: string): ConfigError {
  return err(
    path,
    'SW130',
    `${key} collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_${key}`,
  );
}

/** One plain variable: not reserved, not named like a secret (`owner` is where its secrets go, e.g. `app`). */
export function plainVariableErrors(path: string, key: string, owner: string): ConfigError[] {
  if (isReservedVariable(key)) return [reservedError(path, key)];
  if (SECRET_LOOKING.test(key))
    return [
      err(
        path,
        'SW118',
        `${key} looks like a secret; plain environment variables are visible in the task definition, use ${owner}.secrets.${key}`,
      ),
    ];
  return [];
}

/** A container's variables and secrets, declared under `owner` (`app` or `services.<name>`). */
export function variableErrors(
  owner: string,
  vars: { environment: Record<string, string>; secrets: Record<string, unknown> },
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const key of Object.keys(vars.environment))
    errors.push(...plainVariableErrors(`${owner}.environment.${key}`, key, owner));
  for (const key of Object.keys(vars.secrets)) {
    if (isReservedVariable(key)) errors.push(reservedError(`${owner}.secrets.${key}`, key));
    if (key in vars.environment)
      errors.push(
        err(
          `${owner}.secrets.${key}`,
          'SW119',
          `${key} is also in ${owner}.environment; keep it in one place`,
        ),
      );
  }
  return errors;
}

/** The app's variables and secrets, and its default task size. */
export function appErrors(app: SlipwayConfig['app']): ConfigError[] {
  const errors = variableErrors('app', app);
  if (!FARGATE_CPU_UNITS.includes(app.cpu))
    errors.push(
      err('app.cpu', 'SW110', `got ${app.cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`),
    );
  return errors;
}
