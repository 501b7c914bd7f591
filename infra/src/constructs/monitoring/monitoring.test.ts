/*
 * Monitoring building blocks:
 *   - monitoringName: one scheme for alarms, dashboards and the topic; a name is required
 *   - the metric catalog: the database row exists only with a database; ids are unique per panel
 *   - AlarmPack and ServiceDashboard reject invalid props naming the prop
 */

import { kebab, monitoringName } from '@slipway/config/contract';
import { App, Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { AlarmPack } from './alarm-pack.ts';
import { dashboardRows } from './metrics.ts';
import { ServiceDashboard } from './service-dashboard.ts';

const resources = {
  loadBalancer: 'app/x/1',
  blueTargetGroup: 'b',
  greenTargetGroup: 'g',
  cluster: 'c',
  service: 's',
};

describe('monitoringName', () => {
  it('names alarms, dashboards and the topic from the environment prefix', () => {
    expect(monitoringName('slipway-prod', 'alarm', 'latencyP99')).toBe('slipway-prod-alarm-latency-p99');
    expect(monitoringName('slipway-prod', 'alarm', 'dbCpuHigh')).toBe('slipway-prod-alarm-db-cpu-high');
    expect(monitoringName('slipway-prod', 'dashboard', 'service')).toBe('slipway-prod-service');
    expect(monitoringName('slipway-prod', 'topic')).toBe('slipway-prod-alarms');
  });

  it('refuses an alarm or dashboard without a name', () => {
    expect(() => monitoringName('slipway-dev', 'alarm')).toThrow(/every alarm needs a name/);
  });

  it('kebab-cases camelCase and keeps digits attached', () => {
    expect(kebab('http5xx')).toBe('http5xx');
    expect(kebab('tasksBelowDesired')).toBe('tasks-below-desired');
  });
});

describe('metric catalog', () => {
  it('has a database row only when a database instance is given', () => {
    expect(dashboardRows(resources).map((r) => r.id)).toEqual(['load-balancer', 'service']);
    expect(dashboardRows({ ...resources, dbInstance: 'db' }).map((r) => r.id)).toEqual([
      'load-balancer',
      'service',
      'database',
    ]);
  });

  it('gives every metric of a panel its own id', () => {
    for (const row of dashboardRows({ ...resources, dbInstance: 'db' })) {
      for (const panel of row.panels) {
        const ids = panel.metrics.map((m) => m.id);
        expect(new Set(ids).size, panel.title).toBe(ids.length);
      }
    }
  });
});

describe('construct props', () => {
  const stack = () => new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const rules = {
    http5xx: false,
    latencyP99: false,
    unhealthyHosts: false,
    cpuHigh: false,
    memoryHigh: false,
    tasksBelowDesired: false,
    dbCpuHigh: false,
    dbStorageLow: false,
    dbConnectionsHigh: false,
  } as const;

  it('AlarmPack rejects something that is not an email address', () => {
    expect(
      () => new AlarmPack(stack(), 'Alarms', { prefix: 'x-dev', resources, rules, emails: ['oncall'] }),
    ).toThrow(/emails must be email addresses, got "oncall"/);
  });

  it('ServiceDashboard rejects a default range outside 1-336 hours', () => {
    expect(
      () =>
        new ServiceDashboard(stack(), 'Dashboard', { dashboardName: 'x', resources, defaultRangeHours: 0 }),
    ).toThrow(/defaultRangeHours must be a whole number from 1 to 336, got 0/);
  });
});
