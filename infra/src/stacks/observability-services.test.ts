/*
 * The observability layer with many services (the shipped config with a second web service
 * `admin`, a backend `api`, a worker `mailer` and a job `nightly`) and with one:
 *   - the shipped config written with `services` (its one default web service) gives the same
 *     observability template as the `app` shorthand: no row, alarm or parameter of a service
 *   - the CloudWatch dashboard (one, named as before) has a section per service after the default
 *     web service's rows, each panel reading that service's SSM parameters (web: its blue and
 *     green target groups; worker: its queue and dead-letter queue; job: its state machine)
 *   - alarms: admin gets http5xx, latencyP99, unhealthyHosts, cpuHigh, memoryHigh where the
 *     environment turns them on (prod: all; dev: http5xx and unhealthyHosts), api cpuHigh and
 *     memoryHigh (prod only); the worker's and job's alarms are not created here again
 *   - the alarm status widget shows the default's and the services' alarms, the worker's and the
 *     job's included, by ARN
 *   - Grafana (dev, where the CloudWatch dashboard is off) gets a dashboard per service, uid
 *     `slipway-<type>-<service>`, with its variables reading the service's parameters; the
 *     container definition stays under 40 KiB (ECS allows 64 KiB per task definition)
 */

import {
  jobAlarmName,
  jobParameters,
  monitoringName,
  PARAMETERS,
  parameterName,
  serviceParameters,
  workerAlarmName,
} from '@slipway/config/contract';
import {
  configVariant,
  ENVIRONMENTS,
  type Synthesized,
  shorthandConfig,
  synth,
  toShorthand,
} from '@slipway/testing/synth';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  dashboardMetrics,
  grafanaContainer,
  parameterOf,
  parseJoined,
  serviceDashboards,
} from '../constructs/monitoring/queried-metrics.ts';
import { withEveryServiceType } from '../constructs/monitoring/services-fixture.ts';

// Synthesizing the whole app takes seconds, far longer on a busy CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

let services: Synthesized;
beforeAll(async () => {
  services = synth(await configVariant(withEveryServiceType));
}, SYNTH_TIMEOUT_MS);

function observability(env: string, from: Synthesized = services) {
  const stack = from.stacks[env]?.observability;
  if (!stack) throw new Error(`no observability stack for ${env}`);
  return Template.fromStack(stack);
}

const alarmNames = (t: Template) =>
  Object.values(t.findResources('AWS::CloudWatch::Alarm')).map(
    (r) => (r as { Properties: { AlarmName: string } }).Properties.AlarmName,
  );

describe('one service', () => {
  it('the shipped config written with services gives the same observability templates as the app shorthand', async () => {
    const written = synth(
      await configVariant((c) => {
        toShorthand(c);
        const { name, database, migrateCommand, ...web } = c.app;
        c.app = { name, database };
        const image = web.image ?? { build: {} };
        c.services = { web: { ...web, image, type: 'web', database: true, migrate: migrateCommand } };
      }),
    );
    const shipped = synth(await shorthandConfig());
    for (const env of ENVIRONMENTS) {
      const t = observability(env, written);
      expect(t.toJSON(), env).toEqual(observability(env, shipped).toJSON());
      expect(JSON.stringify(t.toJSON()), env).not.toMatch(/\/(services|jobs)\//);
    }
  });
});

describe('many services: the CloudWatch dashboard', () => {
  const env = 'prod';
  // Section → panel → `<metric> <dimension>=<parameter key>` of every metric, parameters relative to the environment's path.
  function sections(): Map<string, Map<string, string[]>> {
    const t = observability(env);
    const json = t.toJSON();
    const path = `${services.stacks[env]?.environment.parameterPath}/`;
    const result = new Map<string, Map<string, string[]>>();
    for (const m of dashboardMetrics(t)) {
      const section = result.get(m.section ?? '') ?? new Map<string, string[]>();
      result.set(m.section ?? '', section);
      const dims = Object.entries(m.dimensions)
        .map(([k, v]) => `${k}=${parameterOf(json, v)?.replace(path, '')}`)
        .sort()
        .join(',');
      const title = m.where.replace(/^dashboard "(.*)"$/, '$1');
      section.set(title, [...(section.get(title) ?? []), `${m.metricName} ${dims}`]);
    }
    return result;
  }

  it('is still the one dashboard <app>-<env>-service, the default web service rows first', () => {
    const t = observability(env);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    t.hasResourceProperties('AWS::CloudWatch::Dashboard', {
      DashboardName: monitoringName('slipway-prod', 'dashboard', 'service'),
    });
    expect([...sections().keys()]).toEqual([
      'Load balancer',
      'Service (ECS)',
      'Database (RDS)',
      'admin (web service)',
      'api (backend service)',
      'mailer (queue worker)',
      'nightly (scheduled job)',
    ]);
  });

  it('shows a second web service by its own target groups and ECS service', () => {
    const p = serviceParameters('admin');
    const admin = sections().get('admin (web service)');
    const tg = (metric: string) =>
      [p.blueTargetGroupFullName, p.greenTargetGroupFullName].map(
        (key) => `${metric} LoadBalancer=${PARAMETERS.loadBalancerFullName},TargetGroup=${key}`,
      );
    expect(admin?.get('Requests per minute')).toEqual(tg('RequestCount'));
    expect(admin?.get('Target 5xx per minute')).toEqual(tg('HTTPCode_Target_5XX_Count'));
    expect(admin?.get('p99 target response time')).toEqual(tg('TargetResponseTime'));
    expect(admin?.get('Healthy and unhealthy targets')).toEqual([
      ...tg('HealthyHostCount'),
      ...tg('UnHealthyHostCount'),
    ]);
    expect(admin?.get('CPU utilization')?.[0]).toBe(
      `CPUUtilization ClusterName=${PARAMETERS.clusterName},ServiceName=${p.serviceName}`,
    );
  });

  it('shows a backend by CPU, memory and tasks of its ECS service', () => {
    const api = sections().get('api (backend service)');
    expect([...(api?.keys() ?? [])]).toEqual([
      'CPU utilization',
      'Memory utilization',
      'Running vs desired tasks (deployments in progress as deploy markers)',
    ]);
    expect(api?.get('Running vs desired tasks (deployments in progress as deploy markers)')?.[0]).toBe(
      `RunningTaskCount ClusterName=${PARAMETERS.clusterName},ServiceName=${serviceParameters('api').serviceName}`,
    );
  });

  it('shows a worker by its queue depth, oldest message, dead-letter depth and tasks', () => {
    const p = serviceParameters('mailer');
    const mailer = sections().get('mailer (queue worker)');
    expect(mailer?.get('Messages waiting and in flight')).toEqual([
      `ApproximateNumberOfMessagesVisible QueueName=${p.queueName}`,
      `ApproximateNumberOfMessagesNotVisible QueueName=${p.queueName}`,
    ]);
    expect(mailer?.get('Age of the oldest message')).toEqual([
      `ApproximateAgeOfOldestMessage QueueName=${p.queueName}`,
    ]);
    expect(mailer?.get('Dead-letter queue depth')).toEqual([
      `ApproximateNumberOfMessagesVisible QueueName=${p.deadLetterQueueName}`,
    ]);
    expect(mailer?.has('Running vs desired tasks (deployments in progress as deploy markers)')).toBe(true);
  });

  it('shows a job by the outcomes and run time of its state machine', () => {
    const arn = jobParameters('nightly').stateMachineArn;
    const nightly = sections().get('nightly (scheduled job)');
    expect(Object.fromEntries(nightly ?? [])).toEqual({
      Runs: ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut'].map(
        (n) => `${n} StateMachineArn=${arn}`,
      ),
      'Run time': [`ExecutionTime StateMachineArn=${arn}`, `ExecutionTime StateMachineArn=${arn}`],
    });
  });

  it('lists the services alarms in the alarm status widget, the worker and job alarms by name', () => {
    const t = observability(env);
    const [dashboard] = Object.values(t.findResources('AWS::CloudWatch::Dashboard')) as {
      Properties: { DashboardBody: unknown };
    }[];
    const { doc, tokens } = parseJoined(dashboard?.Properties.DashboardBody);
    const widget = (doc as { widgets: { type: string; properties: { alarms?: string[] } }[] }).widgets.find(
      (w) => w.type === 'alarm',
    );
    // A created alarm's ARN is a reference to it; a referenced one's ARN ends in its name.
    const resources = t.toJSON().Resources as Record<string, { Properties: { AlarmName?: string } }>;
    const shown = (widget?.properties.alarms ?? []).map((arn) => {
      const ref = tokens.get(arn) as { 'Fn::GetAtt'?: [string, string] } | undefined;
      const created = ref?.['Fn::GetAtt']?.[0];
      return created ? resources[created]?.Properties.AlarmName : arn.split(':alarm:')[1];
    });
    expect(shown).toEqual(
      expect.arrayContaining([
        'slipway-prod-alarm-http5xx',
        'slipway-prod-alarm-web-admin-http5xx',
        'slipway-prod-alarm-backend-api-memory-high',
        workerAlarmName('slipway-prod', 'mailer', 'deadLetters'),
        workerAlarmName('slipway-prod', 'mailer', 'oldestMessage'),
        jobAlarmName('slipway-prod', 'nightly'),
      ]),
    );
    expect(shown).toHaveLength(alarmNames(t).length + 3);
  });
});

describe('many services: alarms', () => {
  it.each([
    [
      'prod',
      [
        'http5xx',
        'latency-p99',
        'unhealthy-hosts',
        'cpu-high',
        'memory-high',
        'tasks-below-desired',
        'db-cpu-high',
        'db-storage-low',
        'db-connections-high',
        'web-admin-http5xx',
        'web-admin-latency-p99',
        'web-admin-unhealthy-hosts',
        'web-admin-cpu-high',
        'web-admin-memory-high',
        'backend-api-cpu-high',
        'backend-api-memory-high',
      ],
    ],
    [
      'dev',
      [
        'http5xx',
        'unhealthy-hosts',
        'tasks-below-desired',
        'db-storage-low',
        'web-admin-http5xx',
        'web-admin-unhealthy-hosts',
      ],
    ],
  ])('%s has the default alarms unchanged and the services alarms its rules turn on', (env, rules) => {
    expect(alarmNames(observability(env)).sort()).toEqual(
      rules.map((r) => `slipway-${env}-alarm-${r}`).sort(),
    );
  });

  it('takes a service alarm threshold from the environment rules', () => {
    const rules = services.stacks.prod?.environment.alarms;
    if (!rules?.cpuHigh || !rules.latencyP99) throw new Error('prod turns cpuHigh and latencyP99 on');
    const t = observability('prod');
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-backend-api-cpu-high',
      Threshold: rules.cpuHigh.percent,
      EvaluationPeriods: 3,
    });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-prod-alarm-web-admin-latency-p99',
      Threshold: rules.latencyP99.milliseconds / 1000,
    });
  });
});

describe('many services: Grafana', () => {
  const env = 'dev';

  it('provisions a dashboard per service, named for it, whose variables read its parameters', () => {
    const t = observability(env);
    const container = grafanaContainer(t);
    if (!container) throw new Error('no Grafana in dev');
    const environment = services.stacks[env]?.environment;
    if (!environment) throw new Error('no dev');
    const json = t.toJSON();
    const dashboards = serviceDashboards(container).map(({ path, doc, tokens }) => {
      const d = doc as {
        uid: string;
        title: string;
        templating: { list: { name: string; query: string }[] };
      };
      const variables = Object.fromEntries(
        d.templating.list.map((v) => [
          v.name,
          tokens.has(v.query) ? parameterOf(json, tokens.get(v.query)) : v.query,
        ]),
      );
      return { path: path.split('/').slice(-2).join('/'), uid: d.uid, title: d.title, variables };
    });
    const at = (key: string) => parameterName(environment, key);
    expect(dashboards).toEqual([
      {
        path: 'services/admin.json',
        uid: 'slipway-web-admin',
        title: 'Slipway: admin (web)',
        variables: {
          service_name: 'admin',
          load_balancer: at(PARAMETERS.loadBalancerFullName),
          blue_target_group: at(serviceParameters('admin').blueTargetGroupFullName),
          green_target_group: at(serviceParameters('admin').greenTargetGroupFullName),
          cluster: at(PARAMETERS.clusterName),
          service: at(serviceParameters('admin').serviceName),
        },
      },
      expect.objectContaining({ path: 'services/api.json', uid: 'slipway-backend-api' }),
      expect.objectContaining({
        path: 'services/mailer.json',
        variables: expect.objectContaining({
          queue: at(serviceParameters('mailer').queueName),
          dead_letter_queue: at(serviceParameters('mailer').deadLetterQueueName),
        }),
      }),
      expect.objectContaining({
        path: 'services/nightly.json',
        variables: { service_name: 'nightly', state_machine: at(jobParameters('nightly').stateMachineArn) },
      }),
    ]);
  });

  it('keeps the container definition well under the 64 KiB task definition limit', () => {
    // The shipped config's takes 24 KB; the four types' templates about 6.5 KB, each service about 0.7 KB.
    expect(JSON.stringify(grafanaContainer(observability(env))).length).toBeLessThan(40 * 1024);
  });
});
