import type { ResolvedEnvironment } from '@slipway/config';
import { monitoringName } from '@slipway/config/contract';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { denyGrantsOutsideAwsServices } from '../guardrails/index.ts';
import { above, atLeast, fiveMinutes, notifyingAlarm } from './alarm.ts';
import { type MonitoredResources, metrics } from './metrics.ts';
import { ServiceAlarms } from './service-alarms.ts';
import { cloudWatchMetric } from './service-dashboard.ts';
import type { MonitoredService } from './service-metrics.ts';

/** Thresholds per alarm, `false` for off: `resolveEnvironment(...).alarms` without the emails. */
export type AlarmRules = Omit<ResolvedEnvironment['alarms'], 'email'>;
export type AlarmRuleName = keyof AlarmRules;

export const ALARM_RULE_NAMES: readonly AlarmRuleName[] = [
  'http5xx',
  'latencyP99',
  'unhealthyHosts',
  'cpuHigh',
  'memoryHigh',
  'tasksBelowDesired',
  'dbCpuHigh',
  'dbStorageLow',
  'dbConnectionsHigh',
];

export interface AlarmPackProps {
  /** `<app>-<env>`: prefixes every alarm and the topic (see `monitoringName`). */
  readonly prefix: string;
  /** Dimension values of the environment's load balancer, service and database. */
  readonly resources: MonitoredResources;
  /** Thresholds per alarm; `false` leaves that alarm out. */
  readonly rules: AlarmRules;
  /**
   * The services other than the default web service: web and backend services get their alarms
   * here (`serviceAlarmName`); workers' and jobs' own alarms are shown beside them.
   * @default none: the default web service's alarms only
   */
  readonly services?: readonly MonitoredService[];
  /**
   * Addresses subscribed to the topic by email (each confirms once).
   * @default no subscription: alarms still show on the dashboard and in `slipway status`
   */
  readonly emails?: string[];
  /**
   * What happens to the topic's KMS key when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

const GIB = 1024 ** 3;

/**
 * The alarm pack: one CloudWatch alarm per enabled rule, for the default web service and, with
 * the same rules, for every other web and backend service (./service-alarms.ts), every one
 * notifying an encrypted SNS topic on ALARM and on OK. Each alarm's description says what it
 * means and points at its runbook entry in docs/observability.md.
 *
 * A chat webhook (Slack, Teams) is a subscriber of the same topic (AWS Chatbot or a small Lambda);
 * see docs/observability.md.
 */
type ServiceMetrics = ReturnType<typeof metrics>;

export class AlarmPack extends Construct {
  readonly topic: sns.Topic;
  /** The default web service's (and the database's) alarms, by rule. */
  readonly alarms: Partial<Record<AlarmRuleName, cloudwatch.Alarm>> = {};
  /** The alarms of every other service, by service name. */
  readonly serviceAlarms: ReadonlyMap<string, ServiceAlarms>;

  constructor(scope: Construct, id: string, props: AlarmPackProps) {
    super(scope, id);
    for (const email of props.emails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new Error(`AlarmPack: emails must be email addresses, got "${email}"`);
    }

    this.topic = this.createTopic(props);

    const m = metrics(props.resources);
    this.addTrafficAlarms(props.prefix, props.rules, m);
    this.addCapacityAlarms(props.prefix, props.rules, m);
    this.addDatabaseAlarms(props.prefix, props.rules, m);
    this.serviceAlarms = new Map(
      (props.services ?? []).map((service) => [
        service.name,
        new ServiceAlarms(this, { prefix: props.prefix, rules: props.rules, topic: this.topic, service }),
      ]),
    );
  }

  /** The alarm topic, encrypted with a key CloudWatch may use, with the email subscriptions. */
  private createTopic(props: AlarmPackProps): sns.Topic {
    // CloudWatch can publish to an encrypted topic only with a customer managed key it may use.
    const key = new kms.Key(this, 'TopicKey', {
      description: `Encrypts the ${props.prefix} alarm topic`,
      enableKeyRotation: true,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    denyGrantsOutsideAwsServices(key);
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    const topic = new sns.Topic(this, 'Topic', {
      topicName: monitoringName(props.prefix, 'topic'),
      displayName: `${props.prefix} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    for (const email of props.emails ?? []) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  private addAlarm(
    prefix: string,
    rule: AlarmRuleName,
    meaning: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    evaluationPeriods: number,
    comparisonOperator: cloudwatch.ComparisonOperator,
  ): void {
    const alarmName = monitoringName(prefix, 'alarm', rule);
    this.alarms[rule] = notifyingAlarm(
      this,
      rule,
      { alarmName, rule, meaning, metric, threshold, evaluationPeriods, comparisonOperator },
      this.topic,
    );
  }

  /** 5xx share, p99 latency and unhealthy targets: what users of the service notice. */
  private addTrafficAlarms(prefix: string, r: AlarmRules, m: ServiceMetrics): void {
    if (r.http5xx) {
      this.addAlarm(
        prefix,
        'http5xx',
        `More than ${r.http5xx.percent} % of requests answered 5xx by the service over 5 minutes.`,
        new cloudwatch.MathExpression({
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: {
            requests: cloudWatchMetric(fiveMinutes(m.requests)),
            errors: cloudWatchMetric(fiveMinutes(m.target5xx)),
          },
          period: Duration.minutes(5),
          label: '5xx share (%)',
        }),
        r.http5xx.percent,
        1,
        above,
      );
    }
    if (r.latencyP99) {
      this.addAlarm(
        prefix,
        'latencyP99',
        `p99 target response time above ${r.latencyP99.milliseconds} ms over 5 minutes.`,
        cloudWatchMetric(fiveMinutes(m.latencyP99)),
        r.latencyP99.milliseconds / 1000,
        1,
        above,
      );
    }
    if (r.unhealthyHosts) {
      this.addAlarm(
        prefix,
        'unhealthyHosts',
        `At least ${r.unhealthyHosts.count} target(s) failing load balancer health checks for 3 minutes.`,
        new cloudwatch.MathExpression({
          expression: 'MAX([blue, green])',
          usingMetrics: {
            blue: cloudWatchMetric(m.unhealthyBlue),
            green: cloudWatchMetric(m.unhealthyGreen),
          },
          period: Duration.minutes(1),
          label: 'Unhealthy targets',
        }),
        r.unhealthyHosts.count,
        3,
        atLeast,
      );
    }
  }

  /** CPU, memory and missing tasks: the service short of capacity. */
  private addCapacityAlarms(prefix: string, r: AlarmRules, m: ServiceMetrics): void {
    if (r.cpuHigh) {
      this.addAlarm(
        prefix,
        'cpuHigh',
        `Service CPU above ${r.cpuHigh.percent} % for 15 minutes (autoscaling at its ceiling or a hot loop).`,
        cloudWatchMetric(fiveMinutes(m.cpu)),
        r.cpuHigh.percent,
        3,
        above,
      );
    }
    if (r.memoryHigh) {
      this.addAlarm(
        prefix,
        'memoryHigh',
        `Service memory above ${r.memoryHigh.percent} % for 15 minutes (a leak or an undersized task).`,
        cloudWatchMetric(fiveMinutes(m.memory)),
        r.memoryHigh.percent,
        3,
        above,
      );
    }
    if (r.tasksBelowDesired) {
      this.addAlarm(
        prefix,
        'tasksBelowDesired',
        `Fewer tasks running than desired for ${r.tasksBelowDesired.minutes} minutes (tasks failing to start or crashing).`,
        new cloudwatch.MathExpression({
          expression: 'desired - running',
          usingMetrics: { desired: cloudWatchMetric(m.desired), running: cloudWatchMetric(m.running) },
          period: Duration.minutes(1),
          label: 'Tasks missing',
        }),
        1,
        r.tasksBelowDesired.minutes,
        atLeast,
      );
    }
  }

  /** The database's CPU, free storage and connections, when there is a database. */
  private addDatabaseAlarms(prefix: string, r: AlarmRules, m: ServiceMetrics): void {
    if (r.dbCpuHigh && m.dbCpu) {
      this.addAlarm(
        prefix,
        'dbCpuHigh',
        `Database CPU above ${r.dbCpuHigh.percent} % for 15 minutes.`,
        cloudWatchMetric(fiveMinutes(m.dbCpu)),
        r.dbCpuHigh.percent,
        3,
        above,
      );
    }
    if (r.dbStorageLow && m.dbFreeStorage) {
      this.addAlarm(
        prefix,
        'dbStorageLow',
        `Database free storage below ${r.dbStorageLow.freeGiB} GiB.`,
        cloudWatchMetric(fiveMinutes(m.dbFreeStorage)),
        r.dbStorageLow.freeGiB * GIB,
        1,
        cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      );
    }
    if (r.dbConnectionsHigh && m.dbConnections) {
      this.addAlarm(
        prefix,
        'dbConnectionsHigh',
        `More than ${r.dbConnectionsHigh.count} database connections for 10 minutes.`,
        cloudWatchMetric(fiveMinutes(m.dbConnections)),
        r.dbConnectionsHigh.count,
        2,
        above,
      );
    }
  }

  /** The alarms that exist: the default's in rule order, then each other service's. */
  get all(): cloudwatch.IAlarm[] {
    return [
      ...ALARM_RULE_NAMES.flatMap((name) => this.alarms[name] ?? []),
      ...[...this.serviceAlarms.values()].flatMap((s) => s.alarms),
    ];
  }
}
