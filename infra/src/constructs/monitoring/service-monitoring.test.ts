/*
 * The services' part of the metric catalog and their alarms, as building blocks:
 *   - a row per service, by type: web (requests, target 5xx, p99, healthy/unhealthy targets per
 *     target group, then CPU, memory, tasks), backend (CPU, memory, tasks), worker (queue depth and
 *     in flight, oldest message age, dead-letter depth, then CPU, memory, tasks), job (runs
 *     succeeded/failed/timed out, run time); every dimension is the service's own resource; ids
 *     are unique per panel
 *   - ServiceAlarms: a web service gets http5xx, latencyP99, unhealthyHosts, cpuHigh, memoryHigh
 *     named by serviceAlarmName over both target groups; a backend cpuHigh and memoryHigh; a rule
 *     set to false leaves its alarm out; a worker's and a job's alarms are referenced by the names
 *     their constructs give them and not created again
 *   - ServiceDashboard spreads more than 100 alarms over several status widgets (CloudWatch's limit)
 */

import { jobAlarmName, workerAlarmName } from '@slipway/config/contract';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import type { AlarmRules } from './alarm-pack.ts';
import { parseJoined } from './queried-metrics.ts';
import { ServiceAlarms } from './service-alarms.ts';
import { ServiceDashboard } from './service-dashboard.ts';
import { type MonitoredService, serviceRow } from './service-metrics.ts';

const web: MonitoredService = {
  name: 'admin',
  type: 'web',
  resources: {
    loadBalancer: 'app/lb/1',
    blueTargetGroup: 'tg/b',
    greenTargetGroup: 'tg/g',
    cluster: 'c',
    service: 'admin-svc',
  },
};
const backend: MonitoredService = {
  name: 'api',
  type: 'backend',
  resources: { cluster: 'c', service: 'api-svc' },
};
const worker: MonitoredService = {
  name: 'mailer',
  type: 'worker',
  resources: { cluster: 'c', service: 'mailer-svc', queue: 'q', deadLetterQueue: 'dlq' },
};
const job: MonitoredService = { name: 'nightly', type: 'job', resources: { stateMachine: 'arn:sm' } };

/** Panel title → `<metric> <dimension>=<value>,…` of each of its metrics. */
function panels(service: MonitoredService): Record<string, string[]> {
  return Object.fromEntries(
    serviceRow(service).panels.map((p) => [
      p.title,
      p.metrics.map(
        (m) =>
          `${m.metricName} ${Object.entries(m.dimensions)
            .map(([k, v]) => `${k}=${v}`)
            .sort()
            .join(',')}`,
      ),
    ]),
  );
}

const ecs = (svc: string) => ({
  'CPU utilization': [
    `CPUUtilization ClusterName=c,ServiceName=${svc}`,
    `CPUUtilization ClusterName=c,ServiceName=${svc}`,
  ],
  'Memory utilization': [
    `MemoryUtilization ClusterName=c,ServiceName=${svc}`,
    `MemoryUtilization ClusterName=c,ServiceName=${svc}`,
  ],
  'Running vs desired tasks (deployments in progress as deploy markers)': [
    'RunningTaskCount',
    'DesiredTaskCount',
    'PendingTaskCount',
    'DeploymentCount',
  ].map((n) => `${n} ClusterName=c,ServiceName=${svc}`),
});

describe('the services rows of the metric catalog', () => {
  it('shows a web service per target group, then its ECS panels', () => {
    const both = (metric: string) => [
      `${metric} LoadBalancer=app/lb/1,TargetGroup=tg/b`,
      `${metric} LoadBalancer=app/lb/1,TargetGroup=tg/g`,
    ];
    expect(panels(web)).toEqual({
      'Requests per minute': both('RequestCount'),
      'Target 5xx per minute': both('HTTPCode_Target_5XX_Count'),
      'p99 target response time': both('TargetResponseTime'),
      'Healthy and unhealthy targets': [...both('HealthyHostCount'), ...both('UnHealthyHostCount')],
      ...ecs('admin-svc'),
    });
    expect(serviceRow(web)).toMatchObject({ id: 'service-admin', title: 'admin (web service)' });
  });

  it('shows a backend by its ECS service', () => {
    expect(panels(backend)).toEqual(ecs('api-svc'));
  });

  it('shows a worker by its queue, its dead-letter queue and its ECS service', () => {
    expect(panels(worker)).toEqual({
      'Messages waiting and in flight': [
        'ApproximateNumberOfMessagesVisible QueueName=q',
        'ApproximateNumberOfMessagesNotVisible QueueName=q',
      ],
      'Age of the oldest message': ['ApproximateAgeOfOldestMessage QueueName=q'],
      'Dead-letter queue depth': ['ApproximateNumberOfMessagesVisible QueueName=dlq'],
      ...ecs('mailer-svc'),
    });
  });

  it('shows a job by its state machine: runs by outcome and run time in milliseconds', () => {
    expect(panels(job)).toEqual({
      Runs: ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map(
        (n) => `${n} StateMachineArn=arn:sm`,
      ),
      'Run time': ['ExecutionTime StateMachineArn=arn:sm', 'ExecutionTime StateMachineArn=arn:sm'],
    });
    expect(serviceRow(job).panels.find((p) => p.id === 'duration')?.unit).toBe('milliseconds');
  });

  it('gives every metric of a panel its own id', () => {
    for (const service of [web, backend, worker, job])
      for (const panel of serviceRow(service).panels) {
        const ids = panel.metrics.map((m) => m.id);
        expect(new Set(ids).size, `${service.name}: ${panel.title}`).toBe(ids.length);
      }
  });
});

describe('ServiceAlarms', () => {
  const all = {
    http5xx: { percent: 5 },
    latencyP99: { milliseconds: 1500 },
    unhealthyHosts: { count: 1 },
    cpuHigh: { percent: 85 },
    memoryHigh: { percent: 90 },
    tasksBelowDesired: { minutes: 10 },
    dbCpuHigh: { percent: 80 },
    dbStorageLow: { freeGiB: 2 },
    dbConnectionsHigh: { count: 60 },
  } as const satisfies AlarmRules;

  function build(service: MonitoredService, rules: AlarmRules = all) {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const topic = new sns.Topic(stack, 'Topic');
    const alarms = new ServiceAlarms(stack, { prefix: 'shop-prod', rules, topic, service });
    const template = Template.fromStack(stack);
    const names = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (r) => (r as { Properties: { AlarmName: string } }).Properties.AlarmName,
    );
    return { alarms, template, names };
  }

  it('gives a web service the default web service traffic and capacity alarms, named with its type and name', () => {
    const { names } = build(web);
    expect(names).toEqual([
      'shop-prod-alarm-web-admin-http5xx',
      'shop-prod-alarm-web-admin-latency-p99',
      'shop-prod-alarm-web-admin-unhealthy-hosts',
      'shop-prod-alarm-web-admin-cpu-high',
      'shop-prod-alarm-web-admin-memory-high',
    ]);
  });

  it('judges a web service 5xx share over both target groups, with the threshold from its rule', () => {
    const { template } = build(web);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'shop-prod-alarm-web-admin-http5xx',
      Threshold: all.http5xx.percent,
      AlarmDescription: Match.stringLikeRegexp('^admin \\(web\\): .*Runbook: docs/observability.md#http5xx$'),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^Topic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression:
            'IF(SUM([requestsBlue, requestsGreen]) > 0, 100 * SUM([errorsBlue, errorsGreen]) / SUM([requestsBlue, requestsGreen]), 0)',
        }),
        Match.objectLike({
          Id: 'errorsGreen',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'HTTPCode_Target_5XX_Count',
              Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: 'tg/g' }]),
            }),
          }),
        }),
      ]),
    });
  });

  it('gives a backend CPU and memory alarms only, and leaves out a rule set to false', () => {
    expect(build(backend).names).toEqual([
      'shop-prod-alarm-backend-api-cpu-high',
      'shop-prod-alarm-backend-api-memory-high',
    ]);
    expect(build(backend, { ...all, memoryHigh: false }).names).toEqual([
      'shop-prod-alarm-backend-api-cpu-high',
    ]);
    expect(build(web, { ...all, http5xx: false, cpuHigh: false }).names).not.toEqual(
      expect.arrayContaining(['shop-prod-alarm-web-admin-http5xx', 'shop-prod-alarm-web-admin-cpu-high']),
    );
  });

  it('references a worker and a job alarms by the names their constructs give them, creating none', () => {
    const w = build(worker);
    expect(w.names).toEqual([]);
    expect(w.alarms.alarms.map((a) => a.alarmName)).toEqual([
      workerAlarmName('shop-prod', 'mailer', 'deadLetters'),
      workerAlarmName('shop-prod', 'mailer', 'oldestMessage'),
    ]);
    const j = build(job);
    expect(j.names).toEqual([]);
    expect(j.alarms.alarms.map((a) => a.alarmName)).toEqual([jobAlarmName('shop-prod', 'nightly')]);
  });
});

describe('ServiceDashboard with many alarms', () => {
  it('spreads more than 100 alarms over status widgets of at most 100', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
    const alarms = Array.from({ length: 130 }, (_, i) => Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
    const resources = {
      loadBalancer: 'lb',
      blueTargetGroup: 'b',
      greenTargetGroup: 'g',
      cluster: 'c',
      service: 's',
    };
    new ServiceDashboard(stack, 'Dashboard', { dashboardName: 'x', resources, alarms });
    const [dashboard] = Object.values(
      Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'),
    ) as {
      Properties: { DashboardBody: unknown };
    }[];
    const { doc } = parseJoined(dashboard?.Properties.DashboardBody);
    const widgets = (doc as { widgets: { type: string; properties: { alarms?: string[] } }[] }).widgets;
    expect(widgets.filter((w) => w.type === 'alarm').map((w) => w.properties.alarms?.length)).toEqual([
      100, 30,
    ]);
  });
});
