export {
  ALARM_RULE_NAMES,
  AlarmPack,
  type AlarmPackProps,
  type AlarmRuleName,
  type AlarmRules,
} from './alarm-pack.ts';
export {
  dashboardRows,
  type MetricSpec,
  type MonitoredResources,
  metrics,
  type PanelSpec,
  type RowSpec,
} from './metrics.ts';
export { kebab, type MonitoringKind, monitoringName } from './naming.ts';
export { cloudWatchMetric, ServiceDashboard, type ServiceDashboardProps } from './service-dashboard.ts';
