/*
 * The one naming function for every alarm, dashboard and alarm topic Slipway creates. Names are
 * a contract: runbooks, `slipway status` and people's bookmarks use them, and every construct
 * that creates one calls `monitoringName` (none spells a name out).
 *
 *   alarm           `<prefix>-alarm-<rule>`      e.g. `slipway-prod-alarm-latency-p99`
 *   service alarm   `<prefix>-alarm-<type>-<service>-<rule>` (`serviceAlarmName`)
 *                                                e.g. `slipway-prod-alarm-web-admin-http5xx`
 *   rollback-alarm  `<prefix>-rollback-<name>`   e.g. `slipway-prod-rollback-blue-5xx`
 *   function-alarm  `<function>-<name>`          e.g. `slipway-image-cleanup-errors`
 *   dashboard       `<prefix>-<name>`            e.g. `slipway-prod-service`
 *   topic           `<prefix>-alarms`            e.g. `slipway-prod-alarms`
 *
 * `prefix` is an environment's `<app>-<env>` or, for a function's own alarms, its function name.
 */
import { SERVICE_NAME_PATTERN } from './services.ts';

export type MonitoringKind = 'alarm' | 'rollback-alarm' | 'function-alarm' | 'dashboard' | 'topic';

export function monitoringName(prefix: string, kind: MonitoringKind, name = ''): string {
  if (kind === 'topic') return `${prefix}-alarms`;
  const suffix = kebab(name);
  if (!suffix) throw new Error(`monitoringName: every ${kind} needs a name, got "${name}"`);
  if (kind === 'alarm') return `${prefix}-alarm-${suffix}`;
  if (kind === 'rollback-alarm') return `${prefix}-rollback-${suffix}`;
  return `${prefix}-${suffix}`;
}

/** The service types whose alarms the alarm pack creates (workers and jobs create their own, see ./worker.ts, ./job.ts). */
export type AlarmedServiceType = 'web' | 'backend';

/**
 * The alarm of one rule on a service other than the default web service:
 * `<prefix>-alarm-<type>-<service>-<rule>`, the shape the worker and job alarms have
 * (`<prefix>-alarm-worker-<name>-…`, `<prefix>-alarm-job-<name>-failed`). The default web service
 * keeps `<prefix>-alarm-<rule>`, the names it had when an app had one service.
 */
export function serviceAlarmName(
  prefix: string,
  type: AlarmedServiceType,
  service: string,
  rule: string,
): string {
  if (!SERVICE_NAME_PATTERN.test(service))
    throw new Error(
      `serviceAlarmName: service must match ${SERVICE_NAME_PATTERN} (a service name), got "${service}"`,
    );
  return monitoringName(prefix, 'alarm', `${type}-${service}-${kebab(rule)}`);
}

/** `latencyP99` → `latency-p99`, `http5xx` → `http5xx`, `dbCpuHigh` → `db-cpu-high`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

/**
 * Custom CloudWatch metric namespaces Slipway publishes to. The image-cleanup function writes
 * its metrics (EMF) here and the docs' queries read them.
 */
export const METRIC_NAMESPACES = {
  imageCleanup: 'Slipway/ImageCleanup',
} as const;
