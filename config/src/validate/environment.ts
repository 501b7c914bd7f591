import { EDGE_REGION } from '../contract/stacks.ts';
import { viewerAddressPattern } from '../contract/viewer-address.ts';
import { inZone } from '../domain.ts';
import type { ConfigError } from '../errors.ts';
import { describeMemoryFor, FARGATE_CPU_UNITS, isValidFargateSize } from '../fargate.ts';
import type { ResolvedEnvironment } from '../resolve.ts';
import type { EnvironmentConfig } from '../types.ts';
import { err } from './util.ts';

/* Rules on one environment's resolved settings: Fargate sizes, task counts, the database, references. */

/** Task sizes of the service and of the enabled tools, and the task counts. */
export function sizeErrors(
  r: ResolvedEnvironment,
  at: (key: string) => string,
  /** False with `services`: each service's size is checked where it is set (./services-env.ts). */
  checkService = true,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const { cpu, memoryMiB, minTasks, maxTasks } = r.service;

  if (checkService && !FARGATE_CPU_UNITS.includes(cpu)) {
    errors.push(
      err(at('service.cpu'), 'SW110', `got ${cpu}; Fargate allows ${FARGATE_CPU_UNITS.join(', ')} CPU units`),
    );
  } else if (checkService && !isValidFargateSize(cpu, memoryMiB)) {
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
  if (checkService && minTasks > maxTasks)
    errors.push(
      err(
        at('service.minTasks'),
        'SW111',
        `got minTasks ${minTasks} above maxTasks ${maxTasks}; minTasks ≤ maxTasks`,
      ),
    );

  return errors;
}

/** The database settings, features that need a database, `promoteFrom`, the domain and the dashboards. */
export function settingErrors(
  name: string,
  env: EnvironmentConfig,
  r: ResolvedEnvironment,
  declared: string[],
  at: (key: string) => string,
): ConfigError[] {
  const errors: ConfigError[] = [];
  if (r.database) {
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
      errors.push(err(at('pgadmin.enabled'), 'SW122', 'pgAdmin needs a database, and app.database is false'));
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

  errors.push(...domainErrors(r, at), ...toolRouteErrors(env, at));
  return errors;
}

/** An environment must keep at least one dashboard: CloudWatch's or Grafana. */
export function dashboardErrors(r: ResolvedEnvironment, at: (key: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  if (!r.dashboard && !r.grafana.enabled)
    errors.push(
      err(
        at('dashboard'),
        'SW129',
        'got false with grafana.enabled false: the environment would have no dashboard at all; keep one of them',
      ),
    );

  return errors;
}

/** The certificate must be one CloudFront can use, and Slipway must be able to get one. */
function domainErrors(r: ResolvedEnvironment, at: (key: string) => string): ConfigError[] {
  const domain = r.domain;
  if (domain === undefined) return [];
  if (domain.certificateArn !== undefined) {
    const certRegion = domain.certificateArn.split(':')[3];
    return certRegion === EDGE_REGION
      ? []
      : [
          err(
            at('domain.certificateArn'),
            'SW117',
            `got a certificate in ${certRegion}; CloudFront only uses certificates from ${EDGE_REGION}`,
          ),
        ];
  }
  if (domain.zone === undefined)
    return [
      err(
        at('domain'),
        'SW140',
        `got name "${domain.name}" with neither zone nor certificateArn; add domain.zone (a Route 53 hosted zone id or name) or a ${EDGE_REGION} certificateArn`,
      ),
    ];
  if (!inZone(domain.name, domain.zone))
    return [
      err(
        at('domain.zone'),
        'SW149',
        `got name "${domain.name}" and zone "${domain.zone}"; the name must be the zone's name or end in ".${domain.zone}"`,
      ),
    ];
  return [];
}

/**
 * Tool routes match the viewer's address CloudFront forwards, by wildcard: each CIDR must end on an
 * octet boundary (the load balancer behind CloudFront never sees the viewer's address itself).
 */
function toolRouteErrors(env: EnvironmentConfig, at: (key: string) => string): ConfigError[] {
  return (['grafana', 'pgadmin'] as const).flatMap((tool) =>
    env[tool].allowedCidrs.flatMap((cidr, i) =>
      viewerAddressPattern(cidr) === undefined
        ? [
            err(
              at(`${tool}.allowedCidrs.${i}`),
              'SW142',
              `got ${cidr}; behind CloudFront a route matches /8, /16, /24 or /32 blocks only`,
            ),
          ]
        : [],
    ),
  );
}
