import { closest, type ResolvedEnvironment, type ResolvedService } from '@slipway/config';
import { jobParameters, PARAMETERS, parameterName, serviceParameters } from '@slipway/config/contract';
import { CliError } from '../errors.ts';

/*
 * Which services a command works on (`--service <name>`), and where each one's names are in SSM.
 * `status` and `logs` cover every service by default; `exec` and `rollback` need one long-running
 * service, named when the environment has more than one.
 */

/** The types that run tasks all the time (an ECS service): web, backend, worker. */
export const LONG_RUNNING_TYPES: readonly ResolvedService['type'][] = ['web', 'backend', 'worker'];

export function isLongRunning(service: ResolvedService): boolean {
  return LONG_RUNNING_TYPES.includes(service.type);
}

/** The web service without a route: it keeps the names of the single-service days (`Web`, `service/...`). */
export function isDefaultWeb(env: Pick<ResolvedEnvironment, 'services'>, service: ResolvedService): boolean {
  const defaults = env.services.filter((s) => s.type === 'web' && s.route === undefined);
  return defaults.length === 1 && defaults[0]?.name === service.name;
}

/** `web (web), api (backend), nightly (job)` */
export function describeServices(services: readonly ResolvedService[]): string {
  return services.map((s) => `${s.name} (${s.type})`).join(', ');
}

/** The service named on the command line; anything else is SW240 with the closest name. */
export function findService(env: ResolvedEnvironment, name: string, command: string): ResolvedService {
  const found = env.services.find((s) => s.name === name);
  if (found) return found;
  const names = env.services.map((s) => s.name);
  const suggestion = closest(name, names);
  throw new CliError(
    'SW240',
    `unknown service "${name}" in ${env.name}; it has ${describeServices(env.services)}${
      suggestion ? ` (did you mean "${suggestion}"?)` : ''
    }`,
    `slipway ${command} ${env.name} --service ${suggestion ?? names[0] ?? '<name>'}`,
  );
}

/** The named service, or every service of the environment when none is named (`status`, `logs`). */
export function selectServices(
  env: ResolvedEnvironment,
  name: string | undefined,
  command: string,
): ResolvedService[] {
  return name === undefined ? [...env.services] : [findService(env, name, command)];
}

/**
 * The one long-running service a command acts on (`exec`, `rollback`): the named one, else the
 * only one. More than one and none named is SW241 listing them; a job is SW242 with `why`.
 */
export function oneLongRunningService(
  env: ResolvedEnvironment,
  name: string | undefined,
  command: string,
  why: string,
): ResolvedService {
  const candidates = env.services.filter(isLongRunning);
  if (name === undefined) {
    if (candidates.length === 1) return candidates[0] as ResolvedService;
    throw new CliError(
      'SW241',
      `${env.name} runs ${candidates.length} long-running services (${describeServices(candidates)}); name one with --service`,
      `slipway ${command} ${env.name} --service ${candidates[0]?.name ?? '<name>'}`,
    );
  }
  const service = findService(env, name, command);
  if (!isLongRunning(service)) {
    throw new CliError(
      'SW242',
      `${service.name} is a ${service.type}: ${why}`,
      service.type === 'job' ? `slipway run ${env.name} ${service.name}` : undefined,
    );
  }
  return service;
}

/**
 * The SSM parameter names of a service. The default web service reads the single-service keys
 * (`service/service-name`, `service/log-group-name`), which it keeps writing; every other service
 * its own (`services/<name>/...`); a job also its state machine (`jobs/<name>/...`).
 */
export function serviceParameterNames(env: ResolvedEnvironment, service: ResolvedService) {
  const own = serviceParameters(service.name);
  const legacy = isDefaultWeb(env, service);
  return {
    serviceName: parameterName(env, legacy ? PARAMETERS.serviceName : own.serviceName),
    logGroupName: parameterName(env, legacy ? PARAMETERS.logGroupName : own.logGroupName),
    stateMachineArn:
      service.type === 'job' ? parameterName(env, jobParameters(service.name).stateMachineArn) : undefined,
  };
}
