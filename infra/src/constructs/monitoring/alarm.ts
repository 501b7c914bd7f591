import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { MetricSpec } from './metrics.ts';

/** One alarm of the alarm pack, as data. */
export interface AlarmSpec {
  /** The name, from `monitoringName` or `serviceAlarmName`. */
  readonly alarmName: string;
  /** The rule it implements: its runbook entry is `docs/observability.md#<rule in lower case>`. */
  readonly rule: string;
  /** What it means when it fires, as a sentence. */
  readonly meaning: string;
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** Consecutive breaching periods (all must breach). */
  readonly evaluationPeriods: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
}

export const above = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD;
export const atLeast = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;

/** The catalog entry over 5 minutes: the period the alarms judge traffic and capacity on. */
export const fiveMinutes = (spec: MetricSpec): MetricSpec => ({ ...spec, periodSeconds: 300 });

/**
 * An alarm that notifies `topic` on ALARM and on OK, points at its runbook entry and treats missing
 * data as not breaching (an idle environment is not broken).
 */
export function notifyingAlarm(
  scope: Construct,
  id: string,
  spec: AlarmSpec,
  topic: sns.ITopic,
): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    alarmName: spec.alarmName,
    alarmDescription: `${spec.meaning} Runbook: docs/observability.md#${spec.rule.toLowerCase()}`,
    metric: spec.metric,
    threshold: spec.threshold,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.evaluationPeriods,
    comparisonOperator: spec.comparisonOperator,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
  return alarm;
}
