/**
 * The metric catalog: every metric the dashboards (CloudWatch and Grafana) and the alarm pack
 * show, as plain data. One source for all three, so the Grafana dashboard stays equivalent to the
 * CloudWatch one and an alarm always watches a metric someone can also look at.
 *
 * Dimension values are whatever the caller passes: CloudFormation tokens resolved from SSM in the
 * observability stack, or Grafana variables (`$load_balancer`) in the committed dashboard JSON.
 */

/** The dimension values that identify one environment's resources. */
export interface MonitoredResources {
  /** `app/<name>/<id>`: the ALB's `LoadBalancerFullName`. */
  readonly loadBalancer: string;
  /** `targetgroup/<name>/<id>` of the blue and green target groups. */
  readonly blueTargetGroup: string;
  readonly greenTargetGroup: string;
  /** ECS cluster and service names. */
  readonly cluster: string;
  readonly service: string;
  /** RDS instance identifier; absent when the app has no database. */
  readonly dbInstance?: string;
}

export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'p50' | 'p99';
export type Unit = 'count' | 'percent' | 'seconds' | 'milliseconds' | 'bytes';

export interface MetricSpec {
  /** Stable id, unique in its panel (also the Grafana refId source and the math expression id). */
  readonly id: string;
  readonly label: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
}

export interface PanelSpec {
  readonly id: string;
  readonly title: string;
  readonly unit: Unit;
  readonly metrics: MetricSpec[];
}

export interface RowSpec {
  /** The default web service's rows, or `service-<name>` for any other service (./service-metrics.ts). */
  readonly id: 'load-balancer' | 'service' | 'database' | `service-${string}`;
  readonly title: string;
  readonly panels: PanelSpec[];
}

export const ALB = 'AWS/ApplicationELB';
const ECS = 'AWS/ECS';
// Container Insights (enabled on the cluster by the service layer) publishes task counts.
const INSIGHTS = 'ECS/ContainerInsights';
const RDS = 'AWS/RDS';
const MINUTE = 60;
export const FIVE_MINUTES = 300;

export const metric = (
  id: string,
  label: string,
  namespace: string,
  metricName: string,
  dimensions: Record<string, string>,
  statistic: Statistic,
  periodSeconds = MINUTE,
): MetricSpec => ({ id, label, namespace, metricName, dimensions, statistic, periodSeconds });

/** CPU, memory and task counts of one ECS service: every long-running service type shows them. */
export function ecsServiceMetrics(cluster: string, service: string) {
  const svc = { ClusterName: cluster, ServiceName: service };
  return {
    cpu: metric('cpu', 'CPU average', ECS, 'CPUUtilization', svc, 'Average'),
    cpuMax: metric('cpuMax', 'CPU max', ECS, 'CPUUtilization', svc, 'Maximum'),
    memory: metric('memory', 'Memory average', ECS, 'MemoryUtilization', svc, 'Average'),
    memoryMax: metric('memoryMax', 'Memory max', ECS, 'MemoryUtilization', svc, 'Maximum'),
    running: metric('running', 'Running', INSIGHTS, 'RunningTaskCount', svc, 'Average'),
    desired: metric('desired', 'Desired', INSIGHTS, 'DesiredTaskCount', svc, 'Average'),
    pending: metric('pending', 'Pending', INSIGHTS, 'PendingTaskCount', svc, 'Average'),
    // More than one deployment means a deploy is under way: the dashboards' deploy marker.
    deployments: metric(
      'deployments',
      'Deployments in progress',
      INSIGHTS,
      'DeploymentCount',
      svc,
      'Maximum',
    ),
  };
}

/** Single metrics by name, shared by the panels and the alarm pack. */
export function metrics(r: MonitoredResources) {
  const lb = { LoadBalancer: r.loadBalancer };
  const tg = (targetGroup: string) => ({ TargetGroup: targetGroup, LoadBalancer: r.loadBalancer });
  const db = r.dbInstance === undefined ? undefined : { DBInstanceIdentifier: r.dbInstance };
  return {
    requests: metric('requests', 'Requests', ALB, 'RequestCount', lb, 'Sum'),
    target5xx: metric('target5xx', 'Target 5xx', ALB, 'HTTPCode_Target_5XX_Count', lb, 'Sum'),
    elb5xx: metric('elb5xx', 'Load balancer 5xx', ALB, 'HTTPCode_ELB_5XX_Count', lb, 'Sum'),
    latencyP50: metric('p50', 'p50', ALB, 'TargetResponseTime', lb, 'p50'),
    latencyP99: metric('p99', 'p99', ALB, 'TargetResponseTime', lb, 'p99'),
    healthyBlue: metric(
      'healthyBlue',
      'Healthy (blue)',
      ALB,
      'HealthyHostCount',
      tg(r.blueTargetGroup),
      'Minimum',
    ),
    healthyGreen: metric(
      'healthyGreen',
      'Healthy (green)',
      ALB,
      'HealthyHostCount',
      tg(r.greenTargetGroup),
      'Minimum',
    ),
    unhealthyBlue: metric(
      'unhealthyBlue',
      'Unhealthy (blue)',
      ALB,
      'UnHealthyHostCount',
      tg(r.blueTargetGroup),
      'Maximum',
    ),
    unhealthyGreen: metric(
      'unhealthyGreen',
      'Unhealthy (green)',
      ALB,
      'UnHealthyHostCount',
      tg(r.greenTargetGroup),
      'Maximum',
    ),
    ...ecsServiceMetrics(r.cluster, r.service),
    ...(db && {
      dbCpu: metric('dbCpu', 'CPU', RDS, 'CPUUtilization', db, 'Average', FIVE_MINUTES),
      dbConnections: metric('dbConnections', 'Connections', RDS, 'DatabaseConnections', db, 'Maximum'),
      dbFreeStorage: metric(
        'dbFreeStorage',
        'Free storage',
        RDS,
        'FreeStorageSpace',
        db,
        'Minimum',
        FIVE_MINUTES,
      ),
      dbReadLatency: metric('dbReadLatency', 'Read latency', RDS, 'ReadLatency', db, 'Average'),
      dbWriteLatency: metric('dbWriteLatency', 'Write latency', RDS, 'WriteLatency', db, 'Average'),
    }),
  };
}

/** The CPU, memory and task panels of one ECS service (the default web service's "Service (ECS)" row). */
export function ecsServicePanels(m: ReturnType<typeof ecsServiceMetrics>): PanelSpec[] {
  return [
    { id: 'cpu', title: 'CPU utilization', unit: 'percent', metrics: [m.cpu, m.cpuMax] },
    { id: 'memory', title: 'Memory utilization', unit: 'percent', metrics: [m.memory, m.memoryMax] },
    {
      id: 'tasks',
      title: 'Running vs desired tasks (deployments in progress as deploy markers)',
      unit: 'count',
      metrics: [m.running, m.desired, m.pending, m.deployments],
    },
  ];
}

/** The dashboard layout: rows of panels, in display order. The database row exists only with a database. */
export function dashboardRows(r: MonitoredResources): RowSpec[] {
  const m = metrics(r);
  const rows: RowSpec[] = [
    {
      id: 'load-balancer',
      title: 'Load balancer',
      panels: [
        { id: 'requests', title: 'Requests per minute', unit: 'count', metrics: [m.requests] },
        { id: 'errors', title: '5xx responses per minute', unit: 'count', metrics: [m.target5xx, m.elb5xx] },
        {
          id: 'latency',
          title: 'Target response time',
          unit: 'seconds',
          metrics: [m.latencyP50, m.latencyP99],
        },
        {
          id: 'hosts',
          title: 'Healthy and unhealthy targets',
          unit: 'count',
          metrics: [m.healthyBlue, m.healthyGreen, m.unhealthyBlue, m.unhealthyGreen],
        },
      ],
    },
    {
      id: 'service',
      title: 'Service (ECS)',
      panels: [...ecsServicePanels(m)],
    },
  ];
  if (m.dbCpu && m.dbConnections && m.dbFreeStorage && m.dbReadLatency && m.dbWriteLatency) {
    rows.push({
      id: 'database',
      title: 'Database (RDS)',
      panels: [
        { id: 'dbCpu', title: 'Database CPU utilization', unit: 'percent', metrics: [m.dbCpu] },
        { id: 'dbConnections', title: 'Database connections', unit: 'count', metrics: [m.dbConnections] },
        { id: 'dbFreeStorage', title: 'Free storage', unit: 'bytes', metrics: [m.dbFreeStorage] },
        {
          id: 'dbLatency',
          title: 'Read and write latency',
          unit: 'seconds',
          metrics: [m.dbReadLatency, m.dbWriteLatency],
        },
      ],
    });
  }
  return rows;
}
