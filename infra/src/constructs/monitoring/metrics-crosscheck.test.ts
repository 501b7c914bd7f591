/*
 * The dashboard/metric cross-check, per environment of the shipped config:
 *   - every metric of the CloudWatch dashboard, of every alarm and of every provisioned Grafana
 *     dashboard is a metric CloudWatch publishes (namespace, name) queried by a dimension set that
 *     metric has
 *   - every dimension value resolves, through the SSM parameter the observability stack reads, to
 *     the resource another layer creates, of the right type and attribute (LoadBalancer → the
 *     ALB's LoadBalancerFullName, TargetGroup → a target group the production rule forwards to,
 *     ClusterName → the cluster, ServiceName → the service's Name, DBInstanceIdentifier → the
 *     RDS instance)
 *   - the CloudWatch and Grafana dashboards show the same set of metrics
 *   - with a service of every type (a second web service, a backend, a worker, a job): every
 *     metric of the services' rows and alarms is one CloudWatch publishes by a dimension set it
 *     has; each dimension reads the SSM parameter the contract names for that service
 *     (`serviceParameters`, `jobParameters`; the shared load balancer and cluster from
 *     `PARAMETERS`); the default web service's rows read no service's parameters; CloudWatch and
 *     Grafana show the same metrics section by section
 *   - negative controls: a misspelt metric and a dimension pointing at a missing parameter fail
 */

import { jobParameters, PARAMETERS, parameterName, serviceParameters } from '@slipway/config/contract';
import { configVariant, ENVIRONMENTS, type Synthesized, synth } from '@slipway/testing/synth';
import { Template as T } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  alarmMetrics,
  dashboardMetrics,
  grafanaMetrics,
  parameterOf,
  type QueriedMetric,
} from './queried-metrics.ts';
import { EXTRA_SERVICES, withEveryServiceType } from './services-fixture.ts';

// Synthesizing the whole app takes seconds, far longer on a loaded CI runner: a generous hook limit.
const SYNTH_TIMEOUT_MS = 120_000;

// The metrics CloudWatch publishes and the dimension sets Slipway queries them by (AWS docs:
// "CloudWatch metrics for your Application Load Balancer", "Amazon ECS CloudWatch metrics",
// "Amazon ECS Container Insights metrics", "Amazon CloudWatch metrics for Amazon RDS", 2026-11).
const KNOWN_METRICS: Record<string, { metrics: string[]; dimensionSets: string[][] }> = {
  'AWS/ApplicationELB': {
    metrics: [
      'RequestCount',
      'HTTPCode_Target_5XX_Count',
      'HTTPCode_ELB_5XX_Count',
      'TargetResponseTime',
      'HealthyHostCount',
      'UnHealthyHostCount',
    ],
    dimensionSets: [['LoadBalancer'], ['LoadBalancer', 'TargetGroup']],
  },
  'AWS/ECS': {
    metrics: ['CPUUtilization', 'MemoryUtilization'],
    dimensionSets: [['ClusterName', 'ServiceName']],
  },
  'ECS/ContainerInsights': {
    metrics: ['RunningTaskCount', 'DesiredTaskCount', 'PendingTaskCount', 'DeploymentCount'],
    dimensionSets: [['ClusterName', 'ServiceName']],
  },
  'AWS/RDS': {
    metrics: ['CPUUtilization', 'DatabaseConnections', 'FreeStorageSpace', 'ReadLatency', 'WriteLatency'],
    dimensionSets: [['DBInstanceIdentifier']],
  },
  // "Available CloudWatch metrics for Amazon SQS" and "Monitoring Step Functions metrics using
  // Amazon CloudWatch" (execution metrics by StateMachineArn), 2026-12.
  'AWS/SQS': {
    metrics: [
      'ApproximateNumberOfMessagesVisible',
      'ApproximateNumberOfMessagesNotVisible',
      'ApproximateAgeOfOldestMessage',
    ],
    dimensionSets: [['QueueName']],
  },
  'AWS/States': {
    metrics: ['ExecutionsSucceeded', 'ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionTime'],
    dimensionSets: [['StateMachineArn']],
  },
};

// What each dimension's value must be in the producing layer's template.
const DIMENSION_SOURCES: Record<string, { type: string; attribute: string | 'Ref' }> = {
  LoadBalancer: { type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', attribute: 'LoadBalancerFullName' },
  TargetGroup: { type: 'AWS::ElasticLoadBalancingV2::TargetGroup', attribute: 'TargetGroupFullName' },
  ClusterName: { type: 'AWS::ECS::Cluster', attribute: 'Ref' },
  ServiceName: { type: 'AWS::ECS::Service', attribute: 'Name' },
  DBInstanceIdentifier: { type: 'AWS::RDS::DBInstance', attribute: 'Ref' },
  // A worker's queues and a job's state machine (the shipped config has both).
  QueueName: { type: 'AWS::SQS::Queue', attribute: 'QueueName' },
  StateMachineArn: { type: 'AWS::StepFunctions::StateMachine', attribute: 'Ref' },
};
type Json = Record<string, unknown>;

/** Problems with a metric itself: one CloudWatch publishes, queried by a dimension set it has. */
function catalogProblems(metric: QueriedMetric): string[] {
  const at = `${metric.where}: ${metric.namespace}/${metric.metricName}`;
  const known = KNOWN_METRICS[metric.namespace];
  if (!known?.metrics.includes(metric.metricName)) return [`${at}: no such metric`];
  const keys = Object.keys(metric.dimensions).sort();
  if (!known.dimensionSets.some((set) => JSON.stringify([...set].sort()) === JSON.stringify(keys)))
    return [`${at}: dimensions ${keys.join(', ')} are not a set CloudWatch publishes`];
  return [];
}

/** Every problem with one queried metric; empty when it exists and points at real resources. */
function problems(metric: QueriedMetric, observability: Json, producers: Json[]): string[] {
  const at = `${metric.where}: ${metric.namespace}/${metric.metricName}`;
  const out = catalogProblems(metric);
  if (out.some((p) => p.endsWith('no such metric'))) return out;
  const parameters = (observability.Parameters ?? {}) as Record<string, { Default?: string }>;
  for (const [key, value] of Object.entries(metric.dimensions)) {
    const ref = (value as { Ref?: string } | undefined)?.Ref;
    const parameterName = ref ? parameters[ref]?.Default : undefined;
    if (!parameterName) {
      out.push(`${at}: ${key} is not read from an SSM parameter (${JSON.stringify(value)})`);
      continue;
    }
    const source = findParameterSource(parameterName, producers);
    if (!source) {
      out.push(`${at}: ${key} reads ${parameterName}, which no layer writes`);
      continue;
    }
    const expected = DIMENSION_SOURCES[key];
    const resource = (source.template.Resources as Record<string, { Type: string }>)[source.logicalId];
    if (!expected || resource?.Type !== expected.type || source.attribute !== expected.attribute)
      out.push(
        `${at}: ${key} resolves to ${resource?.Type}.${source.attribute}, expected ${expected?.type}.${expected?.attribute}`,
      );
    if (key === 'TargetGroup' && !forwardedTo(source.template, source.logicalId))
      out.push(`${at}: target group ${source.logicalId} receives no traffic from a listener rule`);
  }
  return out;
}

function findParameterSource(name: string, producers: Json[]) {
  for (const template of producers) {
    for (const r of Object.values(
      (template.Resources ?? {}) as Record<string, { Type: string; Properties: Json }>,
    )) {
      if (r.Type !== 'AWS::SSM::Parameter' || r.Properties.Name !== name) continue;
      const value = r.Properties.Value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
      if (value.Ref) return { template, logicalId: value.Ref, attribute: 'Ref' };
      if (value['Fn::GetAtt'])
        return { template, logicalId: value['Fn::GetAtt'][0], attribute: value['Fn::GetAtt'][1] };
    }
  }
  return undefined;
}

function forwardedTo(template: Json, targetGroupId: string): boolean {
  const rules = Object.values(
    (template.Resources ?? {}) as Record<string, { Type: string; Properties: Json }>,
  ).filter((r) => r.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule');
  return rules.some((r) => JSON.stringify(r.Properties.Actions).includes(`"Ref":"${targetGroupId}"`));
}

let synthesized: Synthesized;
beforeAll(async () => {
  // Every environment with its CloudWatch dashboard on, so the dashboard of each is checked even
  // where the shipped config turns it off (dev: Grafana shows the same metrics); the Grafana
  // comparison below needs it as the reference too.
  synthesized = synth(
    await configVariant((c) => {
      for (const env of Object.values(c.environments)) env.dashboard = true;
    }),
  );
}, SYNTH_TIMEOUT_MS);

function layers(env: string, from: Synthesized = synthesized) {
  const stacks = from.stacks[env];
  if (!stacks) throw new Error(`environment ${env} was not synthesized`);
  if (!stacks.observability) throw new Error(`environment ${env} has no observability stack`);
  const observability = T.fromStack(stacks.observability);
  const producers = [stacks.network, stacks.data, stacks.service]
    .filter((s) => s !== undefined)
    .map((s) => T.fromStack(s).toJSON());
  return { observability, producers, hasDatabase: stacks.data !== undefined };
}

const signature = (m: QueriedMetric) =>
  `${m.namespace}/${m.metricName} ${Object.keys(m.dimensions).sort().join(',')} ${Object.values(m.dimensions)
    .map((v) => JSON.stringify(v))
    .sort()
    .join(',')}`;

describe.each(ENVIRONMENTS)('%s: dashboards and alarms watch what the stacks create', (env) => {
  it('every CloudWatch dashboard metric exists and resolves to a created resource', () => {
    const { observability, producers } = layers(env);
    const metrics = dashboardMetrics(observability);
    expect(metrics.length).toBeGreaterThanOrEqual(17);
    expect(metrics.flatMap((m) => problems(m, observability.toJSON(), producers))).toEqual([]);
  });

  it('every alarm metric exists and resolves to a created resource', () => {
    const { observability, producers } = layers(env);
    const metrics = alarmMetrics(observability);
    expect(metrics.length).toBeGreaterThanOrEqual(4);
    expect(metrics.flatMap((m) => problems(m, observability.toJSON(), producers))).toEqual([]);
  });

  it('the provisioned Grafana dashboards query the same metrics as the CloudWatch dashboard', () => {
    const { observability, producers } = layers(env);
    const grafana = grafanaMetrics(observability);
    if (!synthesized.stacks[env]?.environment.grafana.enabled) {
      expect(grafana).toEqual([]);
      return;
    }
    expect(grafana.flatMap((m) => problems(m, observability.toJSON(), producers))).toEqual([]);
    const cloudWatch = new Set(dashboardMetrics(observability).map(signature));
    expect(new Set(grafana.map(signature))).toEqual(cloudWatch);
  });

  it('shows the database row exactly when the environment has a database', () => {
    const { observability, hasDatabase } = layers(env);
    const rds = dashboardMetrics(observability).filter((m) => m.namespace === 'AWS/RDS');
    expect(rds.map((m) => m.metricName).sort()).toEqual(
      hasDatabase
        ? ['CPUUtilization', 'DatabaseConnections', 'FreeStorageSpace', 'ReadLatency', 'WriteLatency']
        : [],
    );
  });
});

describe('the cross-check itself', () => {
  it('flags a misspelt metric and a dimension read from a parameter no layer writes (negative controls)', () => {
    const { observability, producers } = layers('dev');
    const json = observability.toJSON();
    const [real] = dashboardMetrics(observability).filter((m) => m.metricName === 'RequestCount');
    if (!real) throw new Error('no RequestCount metric');
    expect(problems({ ...real, metricName: 'RequestCounts' }, json, producers)).toEqual([
      expect.stringMatching(/no such metric/),
    ]);
    const fake = {
      ...json,
      Parameters: { ...(json.Parameters as Json), Fake: { Default: '/slipway/dev/service/nope' } },
    };
    expect(problems({ ...real, dimensions: { LoadBalancer: { Ref: 'Fake' } } }, fake, producers)).toEqual([
      expect.stringMatching(/which no layer writes/),
    ]);
    expect(
      problems({ ...real, dimensions: { ClusterName: real.dimensions.LoadBalancer } }, json, producers),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/not a set CloudWatch publishes/)]));
  });
});

describe.each(ENVIRONMENTS)("%s with a service of every type: the services' metrics", (env) => {
  let services: Synthesized;
  beforeAll(async () => {
    services = synth(
      await configVariant((c) => {
        withEveryServiceType(c);
        for (const e of Object.values(c.environments)) e.dashboard = true;
      }),
    );
  }, SYNTH_TIMEOUT_MS);

  // The parameter each dimension of a service must read, by the service's dashboard section.
  function expectedParameters(key: string, service: string): string[] {
    const p = serviceParameters(service);
    const byKey: Record<string, string[]> = {
      LoadBalancer: [PARAMETERS.loadBalancerFullName],
      ClusterName: [PARAMETERS.clusterName],
      ServiceName: [p.serviceName],
      TargetGroup: [p.blueTargetGroupFullName, p.greenTargetGroupFullName],
      QueueName: [p.queueName, p.deadLetterQueueName],
      StateMachineArn: [jobParameters(service).stateMachineArn],
    };
    return byKey[key] ?? [];
  }

  const serviceOf = (m: QueriedMetric) =>
    Object.values(EXTRA_SERVICES).find(
      (name) => m.section?.startsWith(`${name} (`) || m.where.includes(`-${name}-`),
    );

  function parameterProblems(m: QueriedMetric, observability: Json): string[] {
    const service = serviceOf(m);
    const environment = services.stacks[env]?.environment;
    if (!environment) throw new Error(`no ${env}`);
    return Object.entries(m.dimensions).flatMap(([key, value]) => {
      const read = parameterOf(observability, value);
      if (!service)
        return read && /\/(services|jobs)\//.test(read) ? [`${m.where}: ${key} reads ${read}`] : [];
      const allowed = expectedParameters(key, service).map((k) => parameterName(environment, k));
      return read && allowed.includes(read)
        ? []
        : [`${m.where}: ${key} reads ${read}, expected one of ${allowed.join(', ')}`];
    });
  }

  it("every metric of the dashboards and alarms is one CloudWatch publishes, read from the contract's parameters", () => {
    const { observability } = layers(env, services);
    const json = observability.toJSON();
    const all = [
      ...dashboardMetrics(observability),
      ...alarmMetrics(observability),
      ...grafanaMetrics(observability),
    ];
    expect(new Set(all.map(serviceOf))).toEqual(new Set([undefined, ...Object.values(EXTRA_SERVICES)]));
    expect(all.flatMap((m) => [...catalogProblems(m), ...parameterProblems(m, json)])).toEqual([]);
  });

  it('Grafana shows the same metrics as the CloudWatch dashboard, section by section', () => {
    const { observability } = layers(env, services);
    const grafana = grafanaMetrics(observability);
    if (!services.stacks[env]?.environment.grafana.enabled) {
      expect(grafana).toEqual([]);
      return;
    }
    const bySection = (metrics: QueriedMetric[]) => {
      const sections = new Map<string, Set<string>>();
      for (const m of metrics) {
        const key = m.section ?? '';
        sections.set(key, (sections.get(key) ?? new Set()).add(signature(m)));
      }
      return sections;
    };
    const cloudWatch = bySection(dashboardMetrics(observability));
    expect([...cloudWatch.keys()]).toEqual(
      expect.arrayContaining([
        'admin (web service)',
        'api (backend service)',
        'mailer (queue worker)',
        'nightly (scheduled job)',
      ]),
    );
    expect(bySection(grafana)).toEqual(cloudWatch);
  });
});
