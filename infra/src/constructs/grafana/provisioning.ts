import { readdirSync, readFileSync } from 'node:fs';
import { GRAFANA_ROOT } from '../../package-files.ts';
import type { MonitoredResources } from '../monitoring/metrics.ts';
import type { ServiceDashboardFile } from './service-provisioning.ts';
import { GRAFANA_VARIABLES } from './variables.ts';

/*
 * How the committed grafana/ folder reaches the Grafana container. What is the same in every
 * environment is baked into the image (grafana/Dockerfile): the CloudWatch data source, whose
 * region Grafana expands from the container's AWS_REGION, and the dashboard provider. What differs
 * per environment arrives through the task definition (docs/decisions/0005-grafana-provisioning.md):
 * at synth each dashboard's resource variables are set to the environment's resources
 * (CloudFormation references resolved at deploy time) and each dashboard is handed to the container
 * as one environment variable; the container's command writes them under /var/lib/grafana and
 * then starts Grafana's own /run.sh.
 */

export { GRAFANA_ROOT };
export const DASHBOARDS_DIR = new URL('dashboards/', GRAFANA_ROOT);
/** The per-type service dashboard templates: provisioned once per service of the type, never as they are. */
export const SERVICE_DASHBOARDS_DIR = new URL('service-dashboards/', GRAFANA_ROOT);
/** The provisioning files grafana/Dockerfile copies into the image. */
export const PROVISIONING_DIR = new URL('provisioning/', GRAFANA_ROOT);

/** Grafana's data path in the container: task storage, or the EFS volume with SQLite. */
export const GRAFANA_DATA_PATH = '/var/lib/grafana';
/** The image's `GF_PATHS_PROVISIONING`, where grafana/Dockerfile puts grafana/provisioning/. */
export const CONTAINER_PROVISIONING_PATH = '/etc/grafana/provisioning';
/** The dashboard provider's `options.path` (grafana/provisioning/dashboards/slipway.yaml). */
export const CONTAINER_DASHBOARDS_PATH = `${GRAFANA_DATA_PATH}/dashboards`;

export interface ProvisionedFile {
  /** Absolute path in the container. */
  readonly path: string;
  /** File content; may hold CloudFormation tokens (resolved at deploy time). */
  readonly content: string;
  /** Name of the environment variable that carries it. */
  readonly variable: string;
}

export interface RenderOptions {
  /** The environment's resources (tokens), set as the dashboards' variable values. */
  readonly resources: MonitoredResources;
}

/**
 * Every dashboard of grafana/dashboards/, rendered for one environment. A dashboard that needs a
 * resource the environment lacks (the database dashboard without a database) is left out.
 */
export function renderProvisioning(options: RenderOptions): ProvisionedFile[] {
  const files: Omit<ProvisionedFile, 'variable'>[] = [];
  for (const name of readdirSync(DASHBOARDS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const dashboard = renderDashboard(readFileSync(new URL(name, DASHBOARDS_DIR), 'utf8'), options.resources);
    if (dashboard) files.push({ path: `${CONTAINER_DASHBOARDS_PATH}/${name}`, content: dashboard });
  }
  return files.map((f, i) => ({ ...f, variable: `SLIPWAY_PROVISION_${i}` }));
}

export type Dashboard = {
  uid?: string;
  title?: string;
  templating?: { list?: { name: string; type: string; query?: unknown }[] };
};

/**
 * Sets a dashboard's resource variables (constant variables named in GRAFANA_VARIABLES) to the
 * environment's values; `undefined` when it uses a resource the environment lacks.
 */
export function renderDashboard(json: string, resources: MonitoredResources): string | undefined {
  const dashboard = JSON.parse(json) as Dashboard;
  const values = new Map(
    Object.entries(GRAFANA_VARIABLES).map(([key, name]) => [
      name,
      resources[key as keyof MonitoredResources],
    ]),
  );
  return fillVariables(dashboard, values) ? compact(dashboard) : undefined;
}

/** Sets each known variable to its value; false when one the dashboard uses has none. */
function fillVariables(dashboard: Dashboard, values: Map<string, string | undefined>): boolean {
  for (const variable of dashboard.templating?.list ?? []) {
    if (!values.has(variable.name)) continue;
    const value = values.get(variable.name);
    if (value === undefined) return false;
    Object.assign(variable, {
      query: value,
      current: { text: value, value },
      options: [{ text: value, value, selected: true }],
    });
  }
  return true;
}

// Compact: the whole task definition must stay under ECS's 64 KiB.
function compact(dashboard: Dashboard): string {
  return JSON.stringify(dashboard);
}

/**
 * The container's start script: writes each file from its variable (and each service's dashboard
 * from its type's template, see ./service-provisioning.ts), then starts Grafana. Earlier
 * provisioning is removed first, so a dashboard deleted from the repository disappears.
 */
export function startScript(
  files: ProvisionedFile[],
  exec: string,
  services: readonly ServiceDashboardFile[] = [],
): string {
  const paths = [...files.map((f) => f.path), ...services.map((d) => d.path)];
  const dirs = [...new Set(paths.map((path) => path.slice(0, path.lastIndexOf('/'))))].sort();
  return [
    'set -eu',
    `rm -rf ${CONTAINER_DASHBOARDS_PATH}`,
    `mkdir -p ${dirs.join(' ')} ${GRAFANA_DATA_PATH}/tmp`,
    ...files.map((f) => `printf '%s\\n' "$${f.variable}" > '${f.path}'`),
    ...services.map((d) => d.command),
    `exec ${exec}`,
  ].join('\n');
}
