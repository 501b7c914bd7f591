export { kebab, type MonitoringKind, monitoringName, serviceAlarmName } from '@slipway/config/contract';
export { type AlarmSpec, notifyingAlarm } from './alarm.ts';
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
export { ServiceAlarms, type ServiceAlarmsProps } from './service-alarms.ts';
export { cloudWatchMetric, ServiceDashboard, type ServiceDashboardProps } from './service-dashboard.ts';
export {
  type BackendServiceResources,
  type JobServiceResources,
  MONITORED_SERVICE_TYPES,
  type MonitoredService,
  type MonitoredServiceType,
  serviceRow,
  type WebServiceResources,
  type WorkerServiceResources,
} from './service-metrics.ts';
