import {
  MetricEditorMode,
  MetricQueryType,
  MetricsQueryBuilder,
  QueryMode,
} from '@grafana/grafana-foundation-sdk/cloudwatch';
import {
  ConstantVariableBuilder,
  DashboardBuilder,
  DashboardCursorSync,
  RowBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { dashboardRows, type PanelSpec, type RowSpec, type Unit } from '../monitoring/metrics.ts';
import {
  MONITORED_SERVICE_TYPES,
  type MonitoredServiceType,
  serviceRow,
} from '../monitoring/service-metrics.ts';
import {
  CLOUDWATCH_DATASOURCE_UID,
  GRAFANA_VARIABLES,
  SERVICE_GRAFANA_VARIABLES,
  VARIABLE_RESOURCES,
  variableService,
} from './variables.ts';

/*
 * Generates the committed Grafana dashboards (grafana/dashboards/*.json) and the per-type service
 * dashboard templates (grafana/service-dashboards/<type>.json) from the same metric catalog as the
 * CloudWatch dashboard, with @grafana/grafana-foundation-sdk. Run
 * `npx tsx infra/src/constructs/grafana/generate.ts` after changing the catalog; a test fails while
 * the committed files are stale.
 */

const GRAFANA_UNITS: Record<Unit, string> = {
  count: 'short',
  percent: 'percent',
  seconds: 's',
  milliseconds: 'ms',
  bytes: 'bytes',
};
const datasource = { type: 'cloudwatch', uid: CLOUDWATCH_DATASOURCE_UID };

export interface GeneratedDashboard {
  /** File name under grafana/dashboards/ (grafana/service-dashboards/ for a service type's template). */
  readonly file: string;
  /** Rows of the catalog this dashboard shows (a service template: its type's row). */
  readonly rows: RowSpec['id'][];
  readonly json: string;
}

function panel(spec: PanelSpec) {
  const builder = new PanelBuilder()
    .title(spec.title)
    .datasource(datasource)
    .unit(GRAFANA_UNITS[spec.unit])
    .min(0)
    .height(8)
    .span(6);
  if (spec.unit === 'percent') builder.max(100);
  spec.metrics.forEach((m, i) => {
    builder.withTarget(
      new MetricsQueryBuilder()
        .refId(String.fromCharCode(65 + i))
        .datasource(datasource)
        .queryMode(QueryMode.Metrics)
        .metricQueryType(MetricQueryType.Search)
        .metricEditorMode(MetricEditorMode.Builder)
        .region('default')
        .namespace(m.namespace)
        .metricName(m.metricName)
        .dimensions({ ...m.dimensions })
        .matchExact(true)
        .statistic(m.statistic)
        .period(String(m.periodSeconds))
        .label(m.label),
    );
  });
  return builder;
}

function dashboard(uid: string, title: string, rows: RowSpec[], variables: string[]) {
  const builder = new DashboardBuilder(title)
    .uid(uid)
    .tags(['slipway', 'generated'])
    .description('Generated from infra/src/constructs/monitoring/metrics.ts: do not edit by hand.')
    .readonly()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({ from: 'now-3h', to: 'now' })
    .timezone('browser');
  for (const key of variables) {
    // Filled with the environment's resource by the observability stack when it provisions the file.
    builder.withVariable(new ConstantVariableBuilder(key).value(''));
  }
  for (const row of rows) {
    builder.withRow(new RowBuilder(row.title));
    for (const p of row.panels) builder.withPanel(panel(p));
  }
  return `${JSON.stringify(builder.build(), null, 2)}\n`;
}

/** Every committed dashboard, generated. */
export function generateDashboards(): GeneratedDashboard[] {
  const rows = dashboardRows(VARIABLE_RESOURCES);
  const pick = (ids: RowSpec['id'][]) => rows.filter((r) => ids.includes(r.id));
  return [
    {
      file: 'slipway-service.json',
      rows: ['load-balancer', 'service'],
      json: dashboard(
        'slipway-service',
        'Slipway: service',
        pick(['load-balancer', 'service']),
        (['loadBalancer', 'blueTargetGroup', 'greenTargetGroup', 'cluster', 'service'] as const).map(
          (key) => GRAFANA_VARIABLES[key],
        ),
      ),
    },
    {
      file: 'slipway-database.json',
      rows: ['database'],
      json: dashboard('slipway-database', 'Slipway: database', pick(['database']), [
        GRAFANA_VARIABLES.dbInstance,
      ]),
    },
  ];
}

/**
 * The dashboard template of each service type: one row, its dimension values and its title's
 * service name as variables. The observability stack provisions one copy per service of the type
 * (`renderServiceDashboard`), named `Slipway: <service> (<type>)`.
 */
export function generateServiceDashboards(): (GeneratedDashboard & { type: MonitoredServiceType })[] {
  return MONITORED_SERVICE_TYPES.map((type) => {
    const service = variableService(type);
    const row = serviceRow(service);
    const variables = [
      SERVICE_GRAFANA_VARIABLES.name,
      ...Object.values(service.resources).map((v: string) => v.slice(1)),
    ];
    return {
      type,
      file: `${type}.json`,
      rows: [row.id],
      json: dashboard(`slipway-${type}`, `Slipway: ${type}`, [row], variables),
    };
  });
}
