import { producerQueueVariable, WORKER_QUEUE_URL_VARIABLE } from '../contract/worker.ts';
import type { ConfigError } from '../errors.ts';
import { describeMemoryFor, FARGATE_CPU_UNITS, isValidFargateSize } from '../fargate.ts';
import type { ResolvedEnvironment } from '../resolve.ts';
import { declaredServices, migrationOwner } from '../services/declared.ts';
import type { ResolvedService } from '../services/resolve.ts';
import { scheduleProblem } from '../services/schedule.ts';
import type { EnvironmentConfig, ServiceOverride, ServiceType, SlipwayConfig } from '../types.ts';
import { plainVariableErrors, reservedError } from './app.ts';
import { unknownService } from './services.ts';
import { err } from './util.ts';

/* Rules on one environment's `services.<name>` settings and on each service's resolved size. */

/** The override keys each service type takes (the rest are SW160). */
const APPLIES: Record<keyof ServiceOverride, readonly ServiceType[]> = {
  cpu: ['web', 'backend', 'worker', 'job'],
  memoryMiB: ['web', 'backend', 'worker', 'job'],
  capacity: ['web', 'backend', 'worker', 'job'],
  environment: ['web', 'backend', 'worker', 'job'],
  minTasks: ['web', 'backend', 'worker'],
  maxTasks: ['web', 'backend', 'worker'],
  scaleOnCpuPercent: ['web', 'backend'],
  scaleOnMemoryPercent: ['web', 'backend'],
  scaleOnRequestsPerTarget: ['web'],
  messagesPerTask: ['worker'],
  schedule: ['job'],
  enabled: ['job'],
};

type At = (key: string) => string;

/** Each `environments.<env>.services.<name>`: a declared service, keys its type takes, valid values. */
function overrideErrors(
  config: SlipwayConfig,
  env: EnvironmentConfig,
  at: At,
  names: readonly string[] | undefined,
): ConfigError[] {
  const services = declaredServices(config);
  const known = names ?? Object.keys(services);
  const errors: ConfigError[] = [];
  for (const [name, o] of Object.entries(env.services ?? {})) {
    const service = services[name];
    if (!known.includes(name)) errors.push(err(at(`services.${name}`), 'SW150', unknownService(name, known)));
    if (!service) continue;
    for (const [key, value] of Object.entries(o) as [keyof ServiceOverride, unknown][]) {
      if (value === undefined || (key === 'environment' && Object.keys(o.environment).length === 0)) continue;
      const types = APPLIES[key];
      if (!types.includes(service.type))
        errors.push(
          err(
            at(`services.${name}.${key}`),
            'SW160',
            `${name} is a ${service.type} service, and ${key} applies to ${types.join(' and ')} services only`,
          ),
        );
    }
    const taken = service.calls.filter((c) => services[c]?.type === 'worker').map(producerQueueVariable);
    if (service.type === 'worker') taken.push(WORKER_QUEUE_URL_VARIABLE);
    for (const key of Object.keys(o.environment)) {
      const path = at(`services.${name}.environment.${key}`);
      if (taken.includes(key)) errors.push(reservedError(path, key));
      // The `app` shorthand's secrets are under app.
      else errors.push(...plainVariableErrors(path, key, config.services ? `services.${name}` : 'app'));
    }
    const problem = o.schedule === undefined ? undefined : scheduleProblem(o.schedule);
    if (problem)
      errors.push(err(at(`services.${name}.schedule`), 'SW159', `got "${o.schedule}"; expected ${problem}`));
  }
  return errors;
}

/** The key that set a service's `key` in this environment: its own setting here, the service's, or `service`'s. */
function sourceOf(
  config: SlipwayConfig,
  env: EnvironmentConfig,
  s: ResolvedService,
  key: string,
  at: At,
): string {
  const own = env.services?.[s.name] as Record<string, unknown> | undefined;
  if (own?.[key] !== undefined) return at(`services.${s.name}.${key}`);
  const declared = config.services?.[s.name] as Record<string, unknown> | undefined;
  if (declared?.[key] !== undefined) return `services.${s.name}.${key}`;
  return at(`service.${key}`);
}

/** Each service's Fargate size and task counts (with `services`; the `app` shorthand's are `service`'s). */
function sizeErrors(
  config: SlipwayConfig,
  env: EnvironmentConfig,
  r: ResolvedEnvironment,
  at: At,
): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const s of r.services) {
    const path = (key: string) => sourceOf(config, env, s, key, at);
    if (!FARGATE_CPU_UNITS.includes(s.cpu))
      errors.push(
        err(
          path('cpu'),
          'SW110',
          `${s.name}: got ${s.cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`,
        ),
      );
    else if (!isValidFargateSize(s.cpu, s.memoryMiB))
      errors.push(
        err(
          path('memoryMiB'),
          'SW110',
          `${s.name}: got ${s.memoryMiB} with cpu ${s.cpu}; Fargate allows memoryMiB ${describeMemoryFor(s.cpu)} for cpu ${s.cpu}`,
        ),
      );
    if ('minTasks' in s && s.minTasks > s.maxTasks)
      errors.push(
        err(
          path('minTasks'),
          'SW111',
          `${s.name}: got minTasks ${s.minTasks} above maxTasks ${s.maxTasks}; minTasks ≤ maxTasks`,
        ),
      );
  }
  return errors;
}

/** Every per-environment rule on services. */
export function serviceEnvironmentErrors(
  config: SlipwayConfig,
  env: EnvironmentConfig,
  r: ResolvedEnvironment,
  at: At,
  names?: readonly string[],
): ConfigError[] {
  const errors = overrideErrors(config, env, at, names);
  if (config.services === undefined) return errors;
  errors.push(...sizeErrors(config, env, r, at));
  // With services the migrate command is a service's; without one, there is nothing to run.
  if (env.deploy.migrate === true && !migrationOwner(config.services))
    errors.push(
      err(
        at('deploy.migrate'),
        'SW161',
        'got true, and no service declares migrate; declare it on the service that owns the schema, or drop deploy.migrate',
      ),
    );
  return errors;
}
