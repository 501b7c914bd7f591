import { describe, expect, it } from 'vitest';
import { jobAlarmName } from './job.ts';
import { monitoringName, serviceAlarmName } from './monitoring.ts';
import { workerAlarmName } from './worker.ts';

describe('monitoring names', () => {
  it('names the default web service alarms <prefix>-alarm-<rule>, as with one service', () => {
    expect(monitoringName('shop-prod', 'alarm', 'latencyP99')).toBe('shop-prod-alarm-latency-p99');
    expect(monitoringName('shop-prod', 'dashboard', 'service')).toBe('shop-prod-service');
  });

  it('names a service alarm <prefix>-alarm-<type>-<service>-<rule>', () => {
    expect(serviceAlarmName('shop-prod', 'web', 'admin', 'http5xx')).toBe(
      'shop-prod-alarm-web-admin-http5xx',
    );
    expect(serviceAlarmName('shop-prod', 'backend', 'pricing-api', 'cpuHigh')).toBe(
      'shop-prod-alarm-backend-pricing-api-cpu-high',
    );
  });

  it('gives every service type its own alarm names, distinct from the default rules', () => {
    const names = [
      monitoringName('p', 'alarm', 'cpuHigh'),
      serviceAlarmName('p', 'web', 'a', 'cpuHigh'),
      serviceAlarmName('p', 'backend', 'a', 'cpuHigh'),
      workerAlarmName('p', 'a', 'deadLetters'),
      jobAlarmName('p', 'a'),
    ];
    expect(new Set(names).size).toBe(names.length);
  });

  it('refuses a service name that would not make an alarm name', () => {
    for (const bad of ['Admin', 'admin_x', '', '2x'])
      expect(() => serviceAlarmName('p', 'web', bad, 'http5xx'), bad).toThrow(/service must match/);
  });
});
