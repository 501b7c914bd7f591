import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SERVICE_NAME_PATTERN } from '@slipway/config/contract';
import type { MonitoredService, MonitoredServiceType } from '../monitoring/service-metrics.ts';
import { CONTAINER_DASHBOARDS_PATH, type Dashboard, SERVICE_DASHBOARDS_DIR } from './provisioning.ts';
import { SERVICE_GRAFANA_VARIABLES } from './variables.ts';

/*
 * The dashboards of the services other than the default web service. Each type's template
 * (grafana/service-dashboards/<type>.json) reaches the container once, whatever the number of
 * services of that type, gzipped and base64-encoded, with placeholders where the service's name
 * and resources go; each service adds only its resource values (one variable each, resolved from
 * SSM at deploy time) and one line of the start script that writes its dashboard:
 *
 *   printf '%s' "$SLIPWAY_TEMPLATE_WEB" | base64 -d | gunzip | sed -e 's|__SLIPWAY_service_name__|admin|g' \
 *     -e "s|__SLIPWAY_service__|$SLIPWAY_SERVICE_ADMIN_SERVICE|g" ... > '.../services/admin.json'
 *
 * A copy per service rendered at synth, or the plain templates, put a web service, a backend, a
 * worker and a job past ECS's 64 KiB task definition limit beside the default dashboards (measured
 * on the example services: 64 KB of container definition). Compressed, the four templates take
 * about 6.5 KB and each service about 0.7 KB more (its variables and script line). `base64` and `gunzip` are BusyBox applets in the image's Alpine base and coreutils /
 * gzip in its Ubuntu one. The values go
 * into JSON strings and sed replacements unescaped: AWS resource names and ARNs (ECS service,
 * target group, queue names, state machine ARNs) hold none of `"`, `\`, `&` or `|`.
 */

/** Where each service's dashboard goes: `<path>/<service>.json` (the file provider reads subfolders). */
export const CONTAINER_SERVICE_DASHBOARDS_PATH = `${CONTAINER_DASHBOARDS_PATH}/services`;

const placeholder = (variable: string) => `__SLIPWAY_${variable}__`;
const upper = (text: string) => text.replaceAll('-', '_').toUpperCase();
const NAME = SERVICE_GRAFANA_VARIABLES.name;

/** The variable carrying a type's template (gzip, then base64). */
export const templateVariable = (type: MonitoredServiceType) => `SLIPWAY_TEMPLATE_${upper(type)}`;

export interface ServiceDashboardFile {
  readonly service: string;
  /** Absolute path in the container. */
  readonly path: string;
  /** The start script's line that writes it. */
  readonly command: string;
}

export interface ServiceProvisioning {
  /** Environment variables: each used type's template, each service's resource values (tokens). */
  readonly variables: Record<string, string>;
  readonly dashboards: ServiceDashboardFile[];
  /** Bytes of the templates; the values add a resource name or ARN each at deploy time. */
  readonly templateBytes: number;
}

/**
 * A type's template as the container gets it: compact, its variables, uid and title holding
 * placeholders (`slipway-<type>-<service>`, `Slipway: <service> (<type>)` once filled).
 */
export function serviceDashboardTemplate(json: string, type: MonitoredServiceType): string {
  const dashboard = JSON.parse(json) as Dashboard;
  const known = new Set(Object.values(SERVICE_GRAFANA_VARIABLES));
  for (const variable of dashboard.templating?.list ?? []) {
    if (!known.has(variable.name))
      throw new Error(
        `serviceDashboardTemplate: the ${type} template has variable "${variable.name}"; allowed: ${[...known].join(', ')}`,
      );
    const value = placeholder(variable.name);
    Object.assign(variable, {
      query: value,
      current: { text: value, value },
      options: [{ text: value, value, selected: true }],
    });
  }
  dashboard.uid = `slipway-${type}-${placeholder(NAME)}`;
  dashboard.title = `Slipway: ${placeholder(NAME)} (${type})`;
  return JSON.stringify(dashboard);
}

/** The values that replace a service's placeholders, by Grafana variable name. */
function valuesOf(service: MonitoredService): Map<string, string> {
  const own: Record<string, string> = { name: service.name, ...service.resources };
  return new Map(
    Object.entries(SERVICE_GRAFANA_VARIABLES).flatMap(([key, variable]) =>
      own[key] === undefined ? [] : [[variable, own[key]]],
    ),
  );
}

/** One service's dashboard as the start script writes it (the same substitutions, in TypeScript). */
export function renderServiceDashboard(template: string, service: MonitoredService): string {
  let text = `${serviceDashboardTemplate(template, service.type)}\n`;
  for (const [variable, value] of valuesOf(service)) text = text.replaceAll(placeholder(variable), value);
  return text;
}

/** The variables and start-script lines that write every service's dashboard. */
export function renderServiceProvisioning(services: readonly MonitoredService[]): ServiceProvisioning {
  const variables: Record<string, string> = {};
  let templateBytes = 0;
  const dashboards = services.map((service): ServiceDashboardFile => {
    if (!SERVICE_NAME_PATTERN.test(service.name))
      throw new Error(
        `renderServiceProvisioning: service names must match ${SERVICE_NAME_PATTERN}, got "${service.name}"`,
      );
    const template = templateVariable(service.type);
    if (variables[template] === undefined) {
      const json = readFileSync(new URL(`${service.type}.json`, SERVICE_DASHBOARDS_DIR), 'utf8');
      // Level 9 for size; the bytes are stable for one zlib, so a template changes only with its JSON.
      const packed = gzipSync(`${serviceDashboardTemplate(json, service.type)}\n`, { level: 9 });
      variables[template] = packed.toString('base64');
      templateBytes += variables[template].length;
    }
    const substitutions = [...valuesOf(service)].map(([variable, value]) => {
      // Names are lower-case letters, digits and hyphens (checked above): written as they are.
      if (variable === NAME) return `-e 's|${placeholder(variable)}|${value}|g'`;
      const carrier = `SLIPWAY_SERVICE_${upper(service.name)}_${upper(variable)}`;
      variables[carrier] = value;
      return `-e "s|${placeholder(variable)}|$${carrier}|g"`;
    });
    const path = `${CONTAINER_SERVICE_DASHBOARDS_PATH}/${service.name}.json`;
    return {
      service: service.name,
      path,
      command: `printf '%s' "$${template}" | base64 -d | gunzip | sed ${substitutions.join(' ')} > '${path}'`,
    };
  });
  return { variables, dashboards, templateBytes };
}
