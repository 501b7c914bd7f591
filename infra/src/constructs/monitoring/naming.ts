/**
 * The one naming function for every alarm, dashboard and alarm topic (STYLE habit 7). Names are a
 * contract: runbooks, `slipway status` and people's bookmarks use them.
 *
 *   alarm      `<app>-<env>-alarm-<rule>`     e.g. `slipway-prod-alarm-latency-p99`
 *   dashboard  `<app>-<env>-<name>`           e.g. `slipway-prod-service`
 *   topic      `<app>-<env>-alarms`
 */
export type MonitoringKind = 'alarm' | 'dashboard' | 'topic';

export function monitoringName(prefix: string, kind: MonitoringKind, name = ''): string {
  const suffix = kebab(name);
  if (kind === 'topic') return `${prefix}-alarms`;
  if (!suffix) throw new Error(`monitoringName: every ${kind} needs a name, got "${name}"`);
  return kind === 'alarm' ? `${prefix}-alarm-${suffix}` : `${prefix}-${suffix}`;
}

/** `latencyP99` → `latency-p99`, `http5xx` → `http5xx`, `dbCpuHigh` → `db-cpu-high`. */
export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}
