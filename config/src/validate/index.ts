import { resolveDomain } from '../domain.ts';
import type { ConfigError } from '../errors.ts';
import { resolveEnvironment } from '../resolve.ts';
import { appSchema, configSchema, environmentSchema, serviceSchema } from '../schema/index.ts';
import type { EnvironmentConfig, ServicesConfig, SlipwayConfig } from '../types.ts';
import { appErrors } from './app.ts';
import { deployErrors, smokeTestErrors } from './deploy.ts';
import { dashboardErrors, settingErrors, sizeErrors } from './environment.ts';
import { grafanaErrors } from './grafana.ts';
import { overlappingCidrs, vpcErrors } from './network.ts';
import { officeHoursErrors } from './office-hours.ts';
import { readinessErrors } from './readiness.ts';
import { misplacedAppKeys, servicesErrors } from './services.ts';
import { serviceEnvironmentErrors } from './services-env.ts';
import { triggerErrors } from './triggers.ts';
import { dedupe, err, isObject } from './util.ts';
import { fromZod } from './zod.ts';

export { cidrsOverlap } from './network.ts';
export {
  READINESS_RULES,
  type ReadinessCheck,
  type ReadinessRule,
  type ReadinessStatus,
  readinessOf,
} from './readiness.ts';

export type ValidationResult = { ok: true; config: SlipwayConfig } | { ok: false; errors: ConfigError[] };

/**
 * Validates a raw config and reports every error at once: schema errors of the top level and of
 * each environment (parsed separately so one bad environment does not hide another's errors),
 * then the cross-field rules on whatever parsed.
 */
export function validateConfig(raw: unknown): ValidationResult {
  const errors: ConfigError[] = [];
  const top = configSchema.safeParse(raw, { reportInput: true });
  if (!top.success) errors.push(...fromZod(top.error, configSchema, []));

  const rawEnvs = isObject(raw) && isObject(raw.environments) ? raw.environments : {};
  const environments: Record<string, EnvironmentConfig> = {};
  for (const [name, value] of Object.entries(rawEnvs)) {
    const parsed = environmentSchema.safeParse(value, { reportInput: true });
    if (parsed.success) environments[name] = parsed.data;
    else errors.push(...fromZod(parsed.error, environmentSchema, ['environments', name]));
  }
  if (isObject(raw) && isObject(raw.environments) && Object.keys(rawEnvs).length === 0) {
    errors.push(err('environments', 'SW120', 'no environments defined; add at least one, e.g. dev'));
  }

  // Cross-field rules run even when another section failed, so one run shows every error. When the
  // app section itself is invalid, environment rules fall back to the app defaults.
  const app = appSchema.strip().safeParse(isObject(raw) ? raw.app : undefined);
  const base = top.success
    ? top.data
    : {
        ...configSchema.parse({ app: app.success ? app.data : { name: 'app' }, environments: {} }),
        services: parsedServices(isObject(raw) ? raw.services : undefined),
      };
  const config: SlipwayConfig = { ...base, environments };
  // Names as written, so a service that failed its schema is not also reported as unknown.
  const names = isObject(raw) && isObject(raw.services) ? Object.keys(raw.services) : undefined;
  errors.push(...semanticErrors(config, Object.keys(rawEnvs), app.success, names));
  errors.push(...misplacedAppKeys(raw, config.services));
  if (top.success && errors.length === 0) return { ok: true, config };
  return { ok: false, errors: dedupe(errors) };
}

/** The services that pass their schema, when the config as a whole did not (their rules still run). */
function parsedServices(raw: unknown): ServicesConfig | undefined {
  if (!isObject(raw)) return undefined;
  const services: ServicesConfig = {};
  for (const [name, value] of Object.entries(raw)) {
    const parsed = serviceSchema.safeParse(value);
    if (parsed.success) services[name] = parsed.data;
  }
  return services;
}

function semanticErrors(
  config: SlipwayConfig,
  declared: string[],
  appValid: boolean,
  serviceNames: readonly string[] | undefined,
): ConfigError[] {
  const errors: ConfigError[] = [];
  if (appValid) errors.push(...appErrors(config.app));
  errors.push(...servicesErrors(config, serviceNames));

  for (const [name, env] of Object.entries(config.environments)) {
    const at = (key: string) => `environments.${name}.${key}`;
    const r = resolveEnvironment(name, env, config);
    errors.push(
      ...sizeErrors(r, at, config.services === undefined),
      ...serviceEnvironmentErrors(config, env, r, at, serviceNames),
      ...vpcErrors(env, at),
      ...settingErrors(name, env, r, declared, at),
      ...officeHoursErrors(env, at),
      ...dashboardErrors(r, at),
      ...grafanaErrors(r, at),
      ...deployErrors(r.deploy, at),
      ...smokeTestErrors(r, at),
      ...readinessErrors(r, at),
    );
  }

  if (config.previews && !declared.includes(config.previews.from)) {
    errors.push(
      err(
        'previews.from',
        'SW126',
        `got "${config.previews.from}"; expected one of the environments: ${declared.join(', ')}`,
      ),
    );
  }

  errors.push(...overlappingCidrs(config), ...sharedDomainNames(config), ...triggerErrors(config));
  return errors;
}

/** Two environments may not serve one name (two protected environments both take the apex). */
function sharedDomainNames(config: SlipwayConfig): ConfigError[] {
  const owner = new Map<string, string>();
  const errors: ConfigError[] = [];
  for (const [name, env] of Object.entries(config.environments)) {
    const domain = resolveDomain(name, env, config)?.name;
    if (domain === undefined) continue;
    const first = owner.get(domain);
    if (first === undefined) owner.set(domain, name);
    else
      errors.push(
        err(
          `environments.${name}.domain.name`,
          'SW141',
          `got "${domain}", which ${first} already serves; give one of them its own domain.name`,
        ),
      );
  }
  return errors;
}
