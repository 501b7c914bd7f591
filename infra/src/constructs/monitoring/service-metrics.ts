/**
 * The metric catalog of the services other than the default web service, one row of panels per
 * service, by type. Part of the same catalog as ./metrics.ts (the ECS panels are shared): the
 * CloudWatch dashboard, the alarm pack and the generated Grafana dashboards all read it.
 *
 *   web      requests, target 5xx, p99 response time and healthy/unhealthy targets per target
 *            group (blue and green: a deployment moves traffic between them); CPU, memory, tasks
 *   backend  CPU, memory, tasks
 *   worker   messages waiting and in flight, oldest message age, dead-letter queue depth; CPU,
 *            memory, tasks
 *   job      executions succeeded, failed and timed out; execution time
 *
 * Load balancer metrics are per target group: the load balancer's own totals mix every web
 * service. Backends are reached through Cloud Map DNS, not ECS Service Connect, so ECS publishes
 * no request metrics for them (its Service Connect metrics need the Service Connect proxy).
 */
import {
  ALB,
  ecsServiceMetrics,
  ecsServicePanels,
  FIVE_MINUTES,
  type MetricSpec,
  metric,
  type PanelSpec,
  type RowSpec,
} from './metrics.ts';

const SQS = 'AWS/SQS';
const STATES = 'AWS/States';

/** The dimension values of a web service: the shared load balancer, its target groups, its ECS service. */
export interface WebServiceResources {
  readonly loadBalancer: string;
  readonly blueTargetGroup: string;
  readonly greenTargetGroup: string;
  readonly cluster: string;
  readonly service: string;
}

/** The dimension values of a backend: its ECS service. */
export interface BackendServiceResources {
  readonly cluster: string;
  readonly service: string;
}

/** The dimension values of a worker: its ECS service, its queue and dead-letter queue (names). */
export interface WorkerServiceResources {
  readonly cluster: string;
  readonly service: string;
  readonly queue: string;
  readonly deadLetterQueue: string;
}

/** The dimension value of a job: its state machine's ARN. */
export interface JobServiceResources {
  readonly stateMachine: string;
}

/** One service other than the default web service, with the dimension values that identify it. */
export type MonitoredService =
  | { readonly name: string; readonly type: 'web'; readonly resources: WebServiceResources }
  | { readonly name: string; readonly type: 'backend'; readonly resources: BackendServiceResources }
  | { readonly name: string; readonly type: 'worker'; readonly resources: WorkerServiceResources }
  | { readonly name: string; readonly type: 'job'; readonly resources: JobServiceResources };

export type MonitoredServiceType = MonitoredService['type'];
export const MONITORED_SERVICE_TYPES: readonly MonitoredServiceType[] = ['web', 'backend', 'worker', 'job'];

const TYPE_TITLES: Record<MonitoredServiceType, string> = {
  web: 'web service',
  backend: 'backend service',
  worker: 'queue worker',
  job: 'scheduled job',
};

/** A web service's load balancer metrics, per target group. */
export function webMetrics(r: WebServiceResources) {
  const tg = (targetGroup: string) => ({ TargetGroup: targetGroup, LoadBalancer: r.loadBalancer });
  const both = (
    id: string,
    label: string,
    metricName: string,
    statistic: MetricSpec['statistic'],
  ): [MetricSpec, MetricSpec] => [
    metric(`${id}Blue`, `${label} (blue)`, ALB, metricName, tg(r.blueTargetGroup), statistic),
    metric(`${id}Green`, `${label} (green)`, ALB, metricName, tg(r.greenTargetGroup), statistic),
  ];
  return {
    requests: both('requests', 'Requests', 'RequestCount', 'Sum'),
    target5xx: both('target5xx', 'Target 5xx', 'HTTPCode_Target_5XX_Count', 'Sum'),
    latencyP99: both('p99', 'p99', 'TargetResponseTime', 'p99'),
    healthy: both('healthy', 'Healthy', 'HealthyHostCount', 'Minimum'),
    unhealthy: both('unhealthy', 'Unhealthy', 'UnHealthyHostCount', 'Maximum'),
    ...ecsServiceMetrics(r.cluster, r.service),
  };
}

/** A worker's queue metrics (SQS publishes them every minute). */
export function workerMetrics(r: WorkerServiceResources) {
  const queue = { QueueName: r.queue };
  const dlq = { QueueName: r.deadLetterQueue };
  return {
    visible: metric('visible', 'Waiting', SQS, 'ApproximateNumberOfMessagesVisible', queue, 'Maximum'),
    inFlight: metric('inFlight', 'In flight', SQS, 'ApproximateNumberOfMessagesNotVisible', queue, 'Maximum'),
    oldest: metric('oldest', 'Oldest message', SQS, 'ApproximateAgeOfOldestMessage', queue, 'Maximum'),
    deadLetters: metric(
      'deadLetters',
      'Dead letters',
      SQS,
      'ApproximateNumberOfMessagesVisible',
      dlq,
      'Maximum',
    ),
    ...ecsServiceMetrics(r.cluster, r.service),
  };
}

/** A job's state machine metrics, over 5 minutes (a job runs rarely; a minute would show gaps only). */
export function jobMetrics(r: JobServiceResources) {
  const sm = { StateMachineArn: r.stateMachine };
  const count = (id: string, label: string, metricName: string) =>
    metric(id, label, STATES, metricName, sm, 'Sum', FIVE_MINUTES);
  return {
    succeeded: count('succeeded', 'Succeeded', 'ExecutionsSucceeded'),
    failed: count('failed', 'Failed', 'ExecutionsFailed'),
    timedOut: count('timedOut', 'Timed out', 'ExecutionsTimedOut'),
    durationMax: metric('durationMax', 'Longest', STATES, 'ExecutionTime', sm, 'Maximum', FIVE_MINUTES),
    durationAvg: metric('durationAvg', 'Average', STATES, 'ExecutionTime', sm, 'Average', FIVE_MINUTES),
  };
}

function webPanels(r: WebServiceResources): PanelSpec[] {
  const m = webMetrics(r);
  return [
    { id: 'requests', title: 'Requests per minute', unit: 'count', metrics: m.requests },
    { id: 'errors', title: 'Target 5xx per minute', unit: 'count', metrics: m.target5xx },
    { id: 'latency', title: 'p99 target response time', unit: 'seconds', metrics: m.latencyP99 },
    {
      id: 'hosts',
      title: 'Healthy and unhealthy targets',
      unit: 'count',
      metrics: [...m.healthy, ...m.unhealthy],
    },
    ...ecsServicePanels(m),
  ];
}

function workerPanels(r: WorkerServiceResources): PanelSpec[] {
  const m = workerMetrics(r);
  return [
    { id: 'queue', title: 'Messages waiting and in flight', unit: 'count', metrics: [m.visible, m.inFlight] },
    { id: 'oldest', title: 'Age of the oldest message', unit: 'seconds', metrics: [m.oldest] },
    { id: 'deadLetters', title: 'Dead-letter queue depth', unit: 'count', metrics: [m.deadLetters] },
    ...ecsServicePanels(m),
  ];
}

function jobPanels(r: JobServiceResources): PanelSpec[] {
  const m = jobMetrics(r);
  return [
    { id: 'runs', title: 'Runs', unit: 'count', metrics: [m.succeeded, m.failed, m.timedOut] },
    { id: 'duration', title: 'Run time', unit: 'milliseconds', metrics: [m.durationMax, m.durationAvg] },
  ];
}

/** One service's row of panels: `service-<name>`, titled with its name and type. */
export function serviceRow(service: MonitoredService): RowSpec {
  const title = `${service.name} (${TYPE_TITLES[service.type]})`;
  const id = `service-${service.name}` as const;
  switch (service.type) {
    case 'web':
      return { id, title, panels: webPanels(service.resources) };
    case 'backend':
      return {
        id,
        title,
        panels: ecsServicePanels(ecsServiceMetrics(service.resources.cluster, service.resources.service)),
      };
    case 'worker':
      return { id, title, panels: workerPanels(service.resources) };
    default:
      return { id, title, panels: jobPanels(service.resources) };
  }
}
