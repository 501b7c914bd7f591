import type { z } from 'zod';
import type { ConfigError, ConfigErrorCode } from './errors.ts';
import { describeMemoryFor, FARGATE_CPU_UNITS, isValidFargateSize } from './fargate.ts';
import { maxAzCount, type Region } from './regions.ts';
import { resolveEnvironment } from './resolve.ts';
import { appSchema, configSchema, environmentSchema } from './schema.ts';
import type { EnvironmentConfig, SlipwayConfig } from './types.ts';
import { checkTimeZone, knownTimeZones, minutesOfDay } from './uptime.ts';

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
    : configSchema.parse({ app: app.success ? app.data : { name: 'app' }, environments: {} });
  const config: SlipwayConfig = { ...base, environments };
  errors.push(...semanticErrors(config, Object.keys(rawEnvs), app.success));
  if (top.success && errors.length === 0) return { ok: true, config };
  return { ok: false, errors: dedupe(errors) };
}

const RESERVED_VARIABLES = new Set([
  'PORT',
  'APP_ENV',
  'APP_VERSION',
  'GIT_SHA',
  'DATABASE_URL',
  'DB_HOST',
  'DB_PORT',
  'DB_NAME',
  'DB_USER',
  'DB_PASSWORD',
  'DB_SSL',
  'SHUTDOWN_TIMEOUT_MS',
  'MIGRATE_ON_START',
  'AWS_REGION',
  'DB_EMBEDDED',
  'DB_EMBEDDED_DIR',
]);
const SECRET_LOOKING = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIAL)/;

// ECS-native deployments: CloudFormation caps a canary/linear deployment at 33 hours in total
// (AWS::ECS::Service DeploymentConfiguration, checked 2026-11); bake times are 0-1440 minutes.
const MAX_DEPLOYMENT_MINUTES = 33 * 60;

function appErrors(app: SlipwayConfig['app']): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const key of Object.keys(app.environment)) {
    if (RESERVED_VARIABLES.has(key))
      errors.push(
        err(`app.environment.${key}`, 'SW119', `${key} is set by Slipway itself; choose another name`),
      );
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
    if (RESERVED_VARIABLES.has(key))
      errors.push(err(`app.secrets.${key}`, 'SW119', `${key} is set by Slipway itself; choose another name`));
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

function semanticErrors(config: SlipwayConfig, declared: string[], appValid: boolean): ConfigError[] {
  const errors: ConfigError[] = [];
  const app = config.app;
  if (appValid) errors.push(...appErrors(app));

  for (const [name, env] of Object.entries(config.environments)) {
    const at = (key: string) => `environments.${name}.${key}`;
    const r = resolveEnvironment(name, env, config);
    const { cpu, memoryMiB, minTasks, maxTasks } = r.service;

    if (!FARGATE_CPU_UNITS.includes(cpu)) {
      errors.push(
        err(
          at('service.cpu'),
          'SW110',
          `got ${cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`,
        ),
      );
    } else if (!isValidFargateSize(cpu, memoryMiB)) {
      errors.push(
        err(
          at('service.memoryMiB'),
          'SW110',
          `got ${memoryMiB} with cpu ${cpu}; Fargate allows memoryMiB ${describeMemoryFor(cpu)} for cpu ${cpu}`,
        ),
      );
    }
    // Grafana and pgAdmin run on Fargate too: the same size rule, for enabled tools only.
    for (const tool of ['grafana', 'pgadmin'] as const) {
      const t = r[tool];
      if (!t.enabled) continue;
      if (!FARGATE_CPU_UNITS.includes(t.cpu))
        errors.push(
          err(
            at(`${tool}.cpu`),
            'SW110',
            `got ${t.cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`,
          ),
        );
      else if (!isValidFargateSize(t.cpu, t.memoryMiB))
        errors.push(
          err(
            at(`${tool}.memoryMiB`),
            'SW110',
            `got ${t.memoryMiB} with cpu ${t.cpu}; Fargate allows memoryMiB ${describeMemoryFor(t.cpu)} for cpu ${t.cpu}`,
          ),
        );
    }
    if (minTasks > maxTasks)
      errors.push(
        err(
          at('service.minTasks'),
          'SW111',
          `got minTasks ${minTasks} above maxTasks ${maxTasks}; minTasks ≤ maxTasks`,
        ),
      );

    const prefix = Number(env.network.cidr.split('/')[1]);
    if (prefix < 16 || prefix > 24)
      errors.push(
        err(at('network.cidr'), 'SW113', `got ${env.network.cidr}; a VPC block must be /16 to /24`),
      );
    const zones = maxAzCount(env.region as Region);
    if (env.network.azCount > zones)
      errors.push(
        err(
          at('network.azCount'),
          'SW114',
          `got ${env.network.azCount}; ${env.region} offers Slipway ${zones} zones`,
        ),
      );

    if (r.database) {
      if (env.protected && !r.database.deletionProtection && !env.waivers.deletionProtection)
        errors.push(
          err(
            at('database.deletionProtection'),
            'SW115',
            'got false in a protected environment; set it to true or give a reason in waivers.deletionProtection',
          ),
        );
      if (r.database.maxAllocatedStorageGiB < r.database.allocatedStorageGiB)
        errors.push(
          err(
            at('database.maxAllocatedStorageGiB'),
            'SW123',
            `got ${r.database.maxAllocatedStorageGiB} below allocatedStorageGiB ${r.database.allocatedStorageGiB}`,
          ),
        );
    } else {
      if (env.pgadmin.enabled)
        errors.push(
          err(at('pgadmin.enabled'), 'SW122', 'pgAdmin needs a database, and app.database is false'),
        );
      if (env.deploy.migrate)
        errors.push(
          err(at('deploy.migrate'), 'SW122', 'migrations need a database, and app.database is false'),
        );
    }

    if (env.promoteFrom !== undefined) {
      if (env.promoteFrom === name || !declared.includes(env.promoteFrom))
        errors.push(
          err(
            at('promoteFrom'),
            'SW116',
            `got "${env.promoteFrom}"; expected another environment: ${declared.filter((n) => n !== name).join(', ')}`,
          ),
        );
    }

    if (env.domain) {
      const certRegion = env.domain.certificateArn.split(':')[3];
      if (certRegion !== env.region)
        errors.push(
          err(
            at('domain.certificateArn'),
            'SW117',
            `got a certificate in ${certRegion}; the load balancer in ${env.region} needs one from ${env.region}`,
          ),
        );
    }

    if (env.uptime) errors.push(...uptimeErrors(env, at));
    if (!r.dashboard && !r.grafana.enabled)
      errors.push(
        err(
          at('dashboard'),
          'SW129',
          'got false with grafana.enabled false: the environment would have no dashboard at all; keep one of them',
        ),
      );

    errors.push(...deployErrors(r.deploy, at));
    if (r.deploy.strategy !== 'rolling' && r.deploy.smokeTest && r.network.nat === 'none') {
      errors.push(
        err(
          at('deploy.smokeTest'),
          'SW125',
          `a ${r.deploy.strategy} deployment's smoke test runs in a function that needs outbound access to the ECS API, and network.nat is "none"; choose a NAT mode or set deploy.smokeTest: false`,
        ),
      );
    }
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

  errors.push(...overlappingCidrs(config));
  return errors;
}

/** Shortest office-hours window: RDS needs minutes to start and to stop, and refuses to stop while starting. */
const MIN_UPTIME_MINUTES = 60;

function uptimeErrors(env: EnvironmentConfig, at: (key: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  const uptime = env.uptime;
  if (!uptime) return errors;
  if (env.protected && !env.waivers.uptime)
    errors.push(
      err(
        at('uptime'),
        'SW127',
        'a protected environment runs around the clock; remove uptime, or give a reason in waivers.uptime',
      ),
    );
  const minutes = minutesOfDay(uptime.stop) - minutesOfDay(uptime.start);
  if (minutes < MIN_UPTIME_MINUTES)
    errors.push(
      err(
        at('uptime.stop'),
        'SW128',
        `got start ${uptime.start}, stop ${uptime.stop}; stop must be at least ${MIN_UPTIME_MINUTES} minutes after start on the same day (windows across midnight are not supported)`,
      ),
    );
  const zone = checkTimeZone(uptime.timezone);
  if (!zone.ok) {
    const near = zone.suggestion ?? closest(uptime.timezone, knownTimeZones());
    errors.push(
      err(
        at('uptime.timezone'),
        'SW103',
        `got ${show(uptime.timezone)}; expected an IANA time zone such as Europe/London, America/New_York or UTC${near ? `; did you mean "${near}"?` : ''}`,
      ),
    );
  }
  return errors;
}

function deployErrors(
  deploy: ReturnType<typeof resolveEnvironment>['deploy'],
  at: (key: string) => string,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const { strategy, stepPercent, stepBakeMinutes, bakeMinutes } = deploy;
  if (
    (strategy === 'linear' || strategy === 'canary') &&
    Math.abs(stepPercent * 10 - Math.round(stepPercent * 10)) > 1e-9
  )
    errors.push(
      err(at('deploy.stepPercent'), 'SW121', `got ${stepPercent}; ECS takes multiples of 0.1 percent`),
    );
  if (strategy === 'linear') {
    // ECS linear deployments shift between 3% and 100% of traffic per step.
    if (stepPercent < 3)
      errors.push(
        err(at('deploy.stepPercent'), 'SW121', `got ${stepPercent}; a linear step must shift 3-100 percent`),
      );
    const steps = Math.ceil(100 / Math.max(stepPercent, 3));
    const total = steps * stepBakeMinutes + bakeMinutes;
    if (total > MAX_DEPLOYMENT_MINUTES)
      errors.push(
        err(
          at('deploy.stepBakeMinutes'),
          'SW121',
          `${steps} steps × ${stepBakeMinutes} min + bake ${bakeMinutes} min = ${total} min; ECS allows at most ${MAX_DEPLOYMENT_MINUTES} min (33 h) in total`,
        ),
      );
  }
  if (strategy === 'canary') {
    const total = stepBakeMinutes + bakeMinutes;
    if (total > MAX_DEPLOYMENT_MINUTES)
      errors.push(
        err(
          at('deploy.stepBakeMinutes'),
          'SW121',
          `canary bake ${stepBakeMinutes} min + bake ${bakeMinutes} min = ${total} min; ECS allows at most ${MAX_DEPLOYMENT_MINUTES} min (33 h) in total`,
        ),
      );
  }
  return errors;
}

/** Environments that share an account must not share VPC address space (peering, VPN, Transit Gateway). */
function overlappingCidrs(config: SlipwayConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const envs = Object.entries(config.environments);
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const [a, ea] = envs[i] as [string, EnvironmentConfig];
      const [b, eb] = envs[j] as [string, EnvironmentConfig];
      if (ea.account !== eb.account) continue;
      if (cidrsOverlap(ea.network.cidr, eb.network.cidr))
        errors.push(
          err(
            `environments.${b}.network.cidr`,
            'SW112',
            `got ${eb.network.cidr}, which overlaps ${a}'s ${ea.network.cidr} in account ${ea.account}; give each environment its own range`,
          ),
        );
    }
  }
  return errors;
}

export function cidrsOverlap(a: string, b: string): boolean {
  const [ra, rb] = [range(a), range(b)];
  return ra[0] <= rb[1] && rb[0] <= ra[1];
}

function range(cidr: string): [number, number] {
  const [ip = '', bits = '32'] = cidr.split('/');
  const base = ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = base - (base % size);
  return [start, start + size - 1];
}

// ---- zod issues → ConfigError ----------------------------------------------------------------

type Issue = z.core.$ZodIssue;

function fromZod(error: z.ZodError, root: z.ZodType, prefix: (string | number)[]): ConfigError[] {
  return error.issues.flatMap((issue) => fromIssue(issue, root, prefix));
}

function fromIssue(issue: Issue, root: z.ZodType, prefix: (string | number)[]): ConfigError[] {
  const path = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  const at = path.join('.');
  const got = 'input' in issue && issue.input !== undefined ? `got ${show(issue.input)}; ` : '';
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const known = knownKeys(root, issue.path);
        const near = closest(key, known);
        const hint = near ? `did you mean "${near}"?` : `known keys: ${known.join(', ')}`;
        return err([...path, key].join('.'), 'SW101', `unknown key; ${hint}`);
      });
    case 'invalid_type':
      if (issue.input === undefined) return [err(at, 'SW106', `missing; expected ${issue.expected}`)];
      return [err(at, 'SW102', `${got}expected ${issue.expected}`)];
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      if (values.length <= 8)
        return [err(at, 'SW103', `${got}allowed: ${values.map((v) => show(v)).join(', ')}`)];
      // Long lists (regions): suggest the nearest instead of printing all of them.
      const near = typeof issue.input === 'string' ? closest(issue.input, values) : undefined;
      const hint = near ? `did you mean "${near}"?` : `allowed: ${values.slice(0, 6).join(', ')}, ...`;
      return [err(at, 'SW103', `${got}not one of the ${values.length} allowed values; ${hint}`)];
    }
    case 'too_small':
    case 'too_big': {
      const exclusive = issue.inclusive === false;
      const bound =
        issue.code === 'too_small'
          ? `${exclusive ? 'more than' : 'at least'} ${issue.minimum}`
          : `${exclusive ? 'less than' : 'at most'} ${issue.maximum}`;
      const what =
        issue.origin === 'string'
          ? `${bound} characters`
          : issue.origin === 'array'
            ? `${bound} items`
            : bound;
      return [err(at, 'SW104', `${got}expected ${what}`)];
    }
    case 'invalid_format':
    case 'custom':
    case 'not_multiple_of':
      return [err(at, 'SW105', `${got}expected ${issue.message.replace(/^Invalid (string: )?/, '')}`)];
    case 'invalid_union': {
      // Report the option the input came closest to, rather than "invalid input": an option that
      // rejected the value's whole type (a string enum given an object) is the furthest.
      const typeMismatch = (issues: Issue[]) =>
        issues.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value'));
      const best = [...issue.errors].sort(
        (x, y) => Number(typeMismatch(x)) - Number(typeMismatch(y)) || x.length - y.length,
      )[0];
      if (best && best.length > 0 && isObject(issue.input))
        return best.flatMap((sub) =>
          fromIssue({ ...sub, path: [...issue.path, ...sub.path] } as Issue, root, prefix),
        );
      return [err(at, 'SW102', `${got}expected ${describeUnion(root, issue.path)}`)];
    }
    case 'invalid_key':
      return issue.issues.flatMap((sub) =>
        fromIssue(
          { ...sub, path: [...issue.path, ...sub.path], input: sub.input ?? issue.input } as Issue,
          root,
          prefix,
        ),
      );
    default:
      return [err(at, 'SW105', `${got}${issue.message}`)];
  }
}

function err(path: string, code: ConfigErrorCode, message: string): ConfigError {
  return { path, code, message };
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}|${e.code}|${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---- walking the schema, for "did you mean" ----------------------------------------------------

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
};

function def(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function unwrap(schema: z.ZodType): z.ZodType[] {
  const d = def(schema);
  if (d.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly', 'catch'].includes(d.type))
    return unwrap(d.innerType);
  if (d.type === 'pipe' && d.in) return unwrap(d.in);
  if (d.type === 'union' && d.options) return d.options.flatMap(unwrap);
  return [schema];
}

function schemasAt(root: z.ZodType, path: PropertyKey[]): z.ZodType[] {
  let current = unwrap(root);
  for (const key of path) {
    current = current.flatMap((s) => {
      const d = def(s);
      if (d.type === 'object' && d.shape && typeof key === 'string' && d.shape[key])
        return unwrap(d.shape[key]);
      if (d.type === 'record' && d.valueType) return unwrap(d.valueType);
      if (d.type === 'array' && d.element) return unwrap(d.element);
      return [];
    });
  }
  return current;
}

function knownKeys(root: z.ZodType, path: PropertyKey[]): string[] {
  return [...new Set(schemasAt(root, path).flatMap((s) => Object.keys(def(s).shape ?? {})))];
}

function describeUnion(root: z.ZodType, path: PropertyKey[]): string {
  const parts = schemasAt(root, path).map((s) => {
    const d = def(s) as Def & { values?: unknown[]; entries?: Record<string, unknown> };
    if (d.type === 'object') return `{ ${Object.keys(d.shape ?? {}).join(', ')} }`;
    if (d.type === 'literal') return (d.values ?? []).map((v) => show(v)).join(' | ');
    if (d.type === 'enum')
      return Object.values(d.entries ?? {})
        .map((v) => show(v))
        .join(' | ');
    return d.type;
  });
  return parts.join(' | ');
}

/** The known key nearest to `key` by edit distance, when it is near enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

// Levenshtein distance; 15 lines do not justify a dependency.
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
