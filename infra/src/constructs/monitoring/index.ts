export { kebab, type MonitoringKind, monitoringName } from '@slipway/config/contract';
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
export { cloudWatchMetric, ServiceDashboard, type ServiceDashboardProps } from './service-dashboard.ts';
