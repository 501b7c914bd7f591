import {
  type AlarmedServiceType,
  jobAlarmName,
  serviceAlarmName,
  serviceConstructId,
  WORKER_ALARMS,
  workerAlarmName,
} from '@slipway/config/contract';
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { type AlarmSpec, above, atLeast, fiveMinutes, notifyingAlarm } from './alarm.ts';
import type { AlarmRules } from './alarm-pack.ts';
import { ecsServiceMetrics, type MetricSpec } from './metrics.ts';
import { cloudWatchMetric } from './service-dashboard.ts';
import {
  type BackendServiceResources,
  type MonitoredService,
  type WebServiceResources,
  webMetrics,
} from './service-metrics.ts';

/*
 * The alarms of the services other than the default web service, from the same rules (thresholds
 * per environment in `alarms.rules`, `false` for off) and the same catalog as the default's:
 *
 *   web      http5xx, latencyP99, unhealthyHosts (over both target groups), cpuHigh, memoryHigh
 *   backend  cpuHigh, memoryHigh
 *   worker   created by the worker itself (dead letters, oldest message): only looked up by name
 *   job      created by the job itself (failed or timed out): only looked up by name
 *
 * Names: `serviceAlarmName` (`<prefix>-alarm-<type>-<service>-<rule>`).
 */

type Rule = keyof AlarmRules;

export interface ServiceAlarmsProps {
  /** `<app>-<env>`: prefixes every alarm name. */
  readonly prefix: string;
  /** The service and the dimension values that identify it. */
  readonly service: MonitoredService;
  /** Thresholds per rule; `false` leaves that alarm out. */
  readonly rules: AlarmRules;
  /** The topic every created alarm notifies on ALARM and OK. */
  readonly topic: sns.ITopic;
}

/**
 * The alarms of one service: the ones created here (web, backend) and the ones its own construct
 * creates in the service stack (worker, job), referenced by name so the dashboard's alarm status
 * widget shows them without a reference to the service stack.
 */
export class ServiceAlarms extends Construct {
  /** Every alarm of the service, created or referenced, in rule order. */
  readonly alarms: cloudwatch.IAlarm[] = [];

  constructor(scope: Construct, props: ServiceAlarmsProps) {
    const { service } = props;
    super(scope, serviceConstructId(service.name, false));
    switch (service.type) {
      case 'web':
        this.create(props, 'web', webAlarms(props.rules, service.resources));
        this.create(props, 'web', capacityAlarms(props.rules, service.resources));
        break;
      case 'backend':
        this.create(props, 'backend', capacityAlarms(props.rules, service.resources));
        break;
      case 'worker':
        for (const alarm of WORKER_ALARMS)
          this.reference(alarm, workerAlarmName(props.prefix, service.name, alarm));
        break;
      default:
        this.reference('failed', jobAlarmName(props.prefix, service.name));
    }
  }

  private create(props: ServiceAlarmsProps, type: AlarmedServiceType, specs: RuleSpec[]): void {
    for (const { rule, meaning, ...spec } of specs) {
      const alarmName = serviceAlarmName(props.prefix, type, props.service.name, rule);
      this.alarms.push(
        notifyingAlarm(
          this,
          rule,
          { ...spec, rule, alarmName, meaning: `${props.service.name} (${type}): ${meaning}` },
          props.topic,
        ),
      );
    }
  }

  private reference(id: string, alarmName: string): void {
    this.alarms.push(cloudwatch.Alarm.fromAlarmName(this, id, alarmName));
  }
}

type RuleSpec = Omit<AlarmSpec, 'alarmName' | 'rule'> & { readonly rule: Rule };

/** 5xx share, p99 latency and unhealthy targets, over the blue and green target groups together. */
function webAlarms(r: AlarmRules, resources: WebServiceResources): RuleSpec[] {
  const m = webMetrics(resources);
  const perFiveMinutes = ([blue, green]: readonly [MetricSpec, MetricSpec]) => ({
    blue: cloudWatchMetric(fiveMinutes(blue)),
    green: cloudWatchMetric(fiveMinutes(green)),
  });
  const specs: RuleSpec[] = [];
  if (r.http5xx) {
    const requests = perFiveMinutes(m.requests);
    const errors = perFiveMinutes(m.target5xx);
    const total = 'SUM([requestsBlue, requestsGreen])';
    specs.push({
      rule: 'http5xx',
      meaning: `more than ${r.http5xx.percent} % of requests answered 5xx over 5 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: `IF(${total} > 0, 100 * SUM([errorsBlue, errorsGreen]) / ${total}, 0)`,
        usingMetrics: {
          requestsBlue: requests.blue,
          requestsGreen: requests.green,
          errorsBlue: errors.blue,
          errorsGreen: errors.green,
        },
        period: Duration.minutes(5),
        label: '5xx share (%)',
      }),
      threshold: r.http5xx.percent,
      evaluationPeriods: 1,
      comparisonOperator: above,
    });
  }
  if (r.latencyP99) {
    const p99 = perFiveMinutes(m.latencyP99);
    specs.push({
      rule: 'latencyP99',
      meaning: `p99 target response time above ${r.latencyP99.milliseconds} ms over 5 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: 'MAX([p99Blue, p99Green])',
        usingMetrics: { p99Blue: p99.blue, p99Green: p99.green },
        period: Duration.minutes(5),
        label: 'p99 (slower target group)',
      }),
      threshold: r.latencyP99.milliseconds / 1000,
      evaluationPeriods: 1,
      comparisonOperator: above,
    });
  }
  if (r.unhealthyHosts) {
    const [blue, green] = m.unhealthy;
    specs.push({
      rule: 'unhealthyHosts',
      meaning: `at least ${r.unhealthyHosts.count} target(s) failing load balancer health checks for 3 minutes.`,
      metric: new cloudwatch.MathExpression({
        expression: 'MAX([blue, green])',
        usingMetrics: { blue: cloudWatchMetric(blue), green: cloudWatchMetric(green) },
        period: Duration.minutes(1),
        label: 'Unhealthy targets',
      }),
      threshold: r.unhealthyHosts.count,
      evaluationPeriods: 3,
      comparisonOperator: atLeast,
    });
  }
  return specs;
}

/** CPU and memory of the service's tasks, as the default's cpuHigh and memoryHigh. */
function capacityAlarms(r: AlarmRules, resources: BackendServiceResources): RuleSpec[] {
  const m = ecsServiceMetrics(resources.cluster, resources.service);
  const specs: RuleSpec[] = [];
  if (r.cpuHigh)
    specs.push({
      rule: 'cpuHigh',
      meaning: `CPU above ${r.cpuHigh.percent} % for 15 minutes (autoscaling at its ceiling or a hot loop).`,
      metric: cloudWatchMetric(fiveMinutes(m.cpu)),
      threshold: r.cpuHigh.percent,
      evaluationPeriods: 3,
      comparisonOperator: above,
    });
  if (r.memoryHigh)
    specs.push({
      rule: 'memoryHigh',
      meaning: `memory above ${r.memoryHigh.percent} % for 15 minutes (a leak or an undersized task).`,
      metric: cloudWatchMetric(fiveMinutes(m.memory)),
      threshold: r.memoryHigh.percent,
      evaluationPeriods: 3,
      comparisonOperator: above,
    });
  return specs;
}
