/*
 * The names a scheduled job, the stack that creates it and `slipway run <env> <job>` agree on: the
 * SSM parameters the CLI finds the job's state machine (and task definition) under, the
 * CloudFormation output that shows the state machine in the console, and the job's alarm.
 *
 *   parameters   `<parameterPath>/jobs/<name>/state-machine-arn`, `.../task-definition-family`
 *   output       `Job<PascalName>StateMachineArn`   e.g. `JobNightlyReportStateMachineArn`
 *   alarm        `<prefix>-alarm-job-<name>-failed`
 */
import { kebab, monitoringName } from './monitoring.ts';
import { assertServiceName } from './worker.ts';

/** The SSM parameter keys of a job, under its environment's parameter path (see `parameterName`). */
export function jobParameters(jobName: string) {
  assertServiceName('job', jobName);
  return {
    /** The state machine `slipway run` starts an execution of. */
    stateMachineArn: `jobs/${jobName}/state-machine-arn`,
    /** The family of the job's task definition (its latest revision is what the schedule runs). */
    taskDefinitionFamily: `jobs/${jobName}/task-definition-family`,
  } as const;
}

/** `nightly-report` → `JobNightlyReportStateMachineArn`. */
export function jobOutputName(jobName: string): string {
  assertServiceName('job', jobName);
  const pascal = jobName
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  return `Job${pascal}StateMachineArn`;
}

/** The input of an execution started by the schedule; `slipway run` starts one with `trigger: 'manual'`. */
export const JOB_TRIGGERS = ['schedule', 'manual'] as const;
export type JobTrigger = (typeof JOB_TRIGGERS)[number];

/** `<prefix>-alarm-job-<name>-failed`: executions that failed or timed out. */
export function jobAlarmName(prefix: string, jobName: string): string {
  assertServiceName('job', jobName);
  return monitoringName(prefix, 'alarm', `job-${jobName}-${kebab('failed')}`);
}
