import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { dashboardRows, type MetricSpec, type MonitoredResources, type PanelSpec } from './metrics.ts';
import { type MonitoredService, serviceRow } from './service-metrics.ts';

export interface ServiceDashboardProps {
  /** Dashboard name (from `monitoringName`). */
  readonly dashboardName: string;
  /** Dimension values of the environment's load balancer, service and database. */
  readonly resources: MonitoredResources;
  /**
   * The services other than the default web service: a row of panels each, after the default's rows.
   * @default - none: only the default web service's rows
   */
  readonly services?: readonly MonitoredService[];
  /**
   * Alarms shown in a status widget at the top.
   * @default no alarm widget
   */
  readonly alarms?: cloudwatch.IAlarm[];
  /**
   * Time range shown when the dashboard opens.
   * @default 3 hours
   */
  readonly defaultRangeHours?: number;
}

// Alarms one alarm status widget takes: the console's widget editor allows up to 100 (as
// remembered, 2026-12; not re-checked from this machine). Splitting earlier costs nothing.
const MAX_ALARMS_PER_WIDGET = 100;
// Four panels per 24-column row.
const PANEL_WIDTH = 6;
const PANEL_HEIGHT = 6;

/** A CloudWatch metric for one catalog entry. */
export function cloudWatchMetric(spec: MetricSpec): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: spec.namespace,
    metricName: spec.metricName,
    dimensionsMap: { ...spec.dimensions },
    statistic: spec.statistic,
    period: Duration.seconds(spec.periodSeconds),
    label: spec.label,
  });
}

/**
 * The environment's CloudWatch dashboard, built from the metric catalog (`metrics.ts`): load
 * balancer (requests, 5xx, p50/p99, healthy hosts per target group), service (CPU, memory,
 * running vs desired tasks with in-progress deployments as deploy markers) and database (CPU,
 * connections, free storage, read/write latency), then one row per other service (web, backend,
 * worker, job; ./service-metrics.ts). The Grafana dashboards show the same panels.
 */
export class ServiceDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const hours = props.defaultRangeHours ?? 3;
    if (!(Number.isInteger(hours) && hours >= 1 && hours <= 24 * 14)) {
      throw new Error(
        `ServiceDashboard: defaultRangeHours must be a whole number from 1 to 336, got ${hours}`,
      );
    }
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(hours),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    // An alarm status widget shows at most 100 alarms: many services fill more than one.
    const alarms = props.alarms ?? [];
    for (let i = 0; i < alarms.length; i += MAX_ALARMS_PER_WIDGET) {
      this.dashboard.addWidgets(
        new cloudwatch.AlarmStatusWidget({
          title: i === 0 ? 'Alarms' : 'Alarms (continued)',
          alarms: alarms.slice(i, i + MAX_ALARMS_PER_WIDGET),
          width: 24,
          height: 3,
          sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        }),
      );
    }
    const rows = [...dashboardRows(props.resources), ...(props.services ?? []).map(serviceRow)];
    for (const row of rows) {
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({ markdown: `## ${row.title}`, width: 24, height: 1 }),
      );
      this.dashboard.addWidgets(...row.panels.map(graph));
    }
  }
}

function graph(panel: PanelSpec): cloudwatch.GraphWidget {
  // In-progress deployments go on the right axis, so a deploy shows as a step beside the task counts.
  const right = panel.metrics.filter((m) => m.metricName === 'DeploymentCount');
  const left = panel.metrics.filter((m) => !right.includes(m));
  return new cloudwatch.GraphWidget({
    title: panel.title,
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    left: left.map(cloudWatchMetric),
    right: right.map(cloudWatchMetric),
    leftYAxis: {
      min: 0,
      max: panel.unit === 'percent' ? 100 : undefined,
      label: panel.unit,
      showUnits: false,
    },
    rightYAxis: right.length ? { min: 0, label: 'deployments', showUnits: false } : undefined,
  });
}
