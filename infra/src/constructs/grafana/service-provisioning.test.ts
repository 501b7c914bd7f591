/*
 * The services' Grafana dashboards, from the committed per-type templates to the container:
 *   - the committed templates (grafana/service-dashboards/) are what the generator makes from the
 *     metric catalog, one per service type (stale → fail, regenerate with
 *     `npx tsx infra/src/constructs/grafana/generate.ts`)
 *   - each is a valid dashboard querying the provisioned CloudWatch data source, every dimension a
 *     service variable; a template with a variable the stack does not fill is refused
 *   - a type's template is carried once, however many services have that type; each service adds
 *     its values only; a name that is not a service name is refused
 *   - the start script, run by a real /bin/sh, writes each service's dashboard exactly as
 *     `renderServiceDashboard` renders it, with real resource names and ARNs in the values
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MonitoredService } from '../monitoring/service-metrics.ts';
import { generateServiceDashboards } from './dashboard-generator.ts';
import { GRAFANA_DATA_PATH, SERVICE_DASHBOARDS_DIR, startScript } from './provisioning.ts';
import {
  renderServiceDashboard,
  renderServiceProvisioning,
  serviceDashboardTemplate,
  templateVariable,
} from './service-provisioning.ts';
import { CLOUDWATCH_DATASOURCE_UID, SERVICE_GRAFANA_VARIABLES } from './variables.ts';

const template = (type: MonitoredService['type']) =>
  readFileSync(new URL(`${type}.json`, SERVICE_DASHBOARDS_DIR), 'utf8');

const cluster = 'slipway-prod';
const services: MonitoredService[] = [
  {
    name: 'admin',
    type: 'web',
    resources: {
      loadBalancer: 'app/slipway-prod/50dc6c495c0c9188',
      blueTargetGroup: 'targetgroup/admin-blue/73e2d6bc24d8a067',
      greenTargetGroup: 'targetgroup/admin-green/2453ed029918f21f',
      cluster,
      service: 'slipway-prod-admin',
    },
  },
  { name: 'api', type: 'backend', resources: { cluster, service: 'slipway-prod-api' } },
  {
    name: 'mailer',
    type: 'worker',
    resources: { cluster, service: 'slipway-prod-mailer', queue: 'mailer-q', deadLetterQueue: 'mailer-dlq' },
  },
  {
    name: 'mailer-2',
    type: 'worker',
    resources: { cluster, service: 'slipway-prod-mailer-2', queue: 'm2', deadLetterQueue: 'm2-dlq' },
  },
  {
    name: 'nightly',
    type: 'job',
    resources: { stateMachine: 'arn:aws:states:eu-west-1:111111111111:stateMachine:nightly-Ab1' },
  },
];

describe('committed service dashboard templates', () => {
  it('are exactly what the generator makes from the metric catalog, one per service type', () => {
    const generated = generateServiceDashboards();
    for (const d of generated)
      expect(JSON.parse(template(d.type)), `${d.file} is stale`).toEqual(JSON.parse(d.json));
    expect(readdirSync(SERVICE_DASHBOARDS_DIR).sort()).toEqual(generated.map((d) => d.file).sort());
    expect(generated.map((d) => d.type)).toEqual(['web', 'backend', 'worker', 'job']);
  });

  it.each(['web', 'backend', 'worker', 'job'] as const)(
    '%s queries the CloudWatch data source through service variables only',
    (type) => {
      const dashboard = JSON.parse(template(type)) as {
        templating: { list: { name: string; type: string }[] };
        panels: {
          type: string;
          targets?: { datasource: { uid: string }; dimensions: Record<string, string> }[];
        }[];
      };
      const variables = dashboard.templating.list;
      const names = new Set<string>(Object.values(SERVICE_GRAFANA_VARIABLES));
      expect(variables.every((v) => v.type === 'constant' && names.has(v.name))).toBe(true);
      const targets = dashboard.panels.flatMap((p) => p.targets ?? []);
      expect(targets.length).toBeGreaterThan(0);
      for (const t of targets) {
        expect(t.datasource.uid).toBe(CLOUDWATCH_DATASOURCE_UID);
        for (const value of Object.values(t.dimensions))
          expect(variables.map((v) => `$${v.name}`)).toContain(value);
      }
    },
  );

  it('refuses a template with a variable the observability stack does not fill', () => {
    const json = JSON.parse(template('backend')) as { templating: { list: { name: string }[] } };
    json.templating.list.push({ name: 'region' });
    expect(() => serviceDashboardTemplate(JSON.stringify(json), 'backend')).toThrow(
      /the backend template has variable "region"; allowed: service_name, /,
    );
  });
});

describe('renderServiceProvisioning', () => {
  it('carries each type template once and each service values', () => {
    const { variables, dashboards } = renderServiceProvisioning(services);
    expect(Object.keys(variables).filter((v) => v.startsWith('SLIPWAY_TEMPLATE_'))).toEqual(
      ['web', 'backend', 'worker', 'job'].map((t) => templateVariable(t as MonitoredService['type'])),
    );
    expect(variables.SLIPWAY_SERVICE_MAILER_2_DEAD_LETTER_QUEUE).toBe('m2-dlq');
    expect(dashboards.map((d) => d.path)).toEqual(
      ['admin', 'api', 'mailer', 'mailer-2', 'nightly'].map(
        (n) => `${GRAFANA_DATA_PATH}/dashboards/services/${n}.json`,
      ),
    );
  });

  it('grows by the values only for another service of a type it has', () => {
    const one = renderServiceProvisioning(services.slice(0, 3));
    const two = renderServiceProvisioning(services.slice(0, 4));
    expect(two.templateBytes).toBe(one.templateBytes);
    expect(Object.keys(two.variables).length - Object.keys(one.variables).length).toBe(4);
  });

  it('refuses a name that is not a service name', () => {
    expect(() =>
      renderServiceProvisioning([{ ...services[1], name: "api'; rm -rf /" } as MonitoredService]),
    ).toThrow(/service names must match .*, got "api'; rm -rf \/"/);
  });
});

describe('the start script', () => {
  it('writes every service dashboard as renderServiceDashboard renders it, with /bin/sh', () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-grafana-services-'));
    const { variables, dashboards } = renderServiceProvisioning(services);
    const script = startScript([], `echo started > '${GRAFANA_DATA_PATH}/ran'`, dashboards).replaceAll(
      GRAFANA_DATA_PATH,
      root,
    );
    const run = spawnSync('/bin/sh', ['-c', script], {
      env: { PATH: process.env.PATH, ...variables },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const service of services) {
      const written = readFileSync(join(root, 'dashboards', 'services', `${service.name}.json`), 'utf8');
      expect(written, service.name).toBe(renderServiceDashboard(template(service.type), service));
      const dashboard = JSON.parse(written) as {
        uid: string;
        title: string;
        templating: { list: { query: string }[] };
      };
      expect(dashboard.uid).toBe(`slipway-${service.type}-${service.name}`);
      expect(dashboard.title).toBe(`Slipway: ${service.name} (${service.type})`);
      expect(written).not.toMatch(/__SLIPWAY_/);
    }
    expect(readFileSync(join(root, 'ran'), 'utf8')).toBe('started\n');
  });
});
