import { describe, expect, it } from 'vitest';
import { jobAlarmName, jobOutputName, jobParameters } from './job.ts';

describe('job names', () => {
  it('puts the state machine and task definition parameters under jobs/<name>/', () => {
    expect(jobParameters('nightly-report')).toEqual({
      stateMachineArn: 'jobs/nightly-report/state-machine-arn',
      taskDefinitionFamily: 'jobs/nightly-report/task-definition-family',
    });
  });

  it('names the output and the failure alarm', () => {
    expect(jobOutputName('nightly-report')).toBe('JobNightlyReportStateMachineArn');
    expect(jobAlarmName('shop-prod', 'nightly-report')).toBe('shop-prod-alarm-job-nightly-report-failed');
    expect(() => jobOutputName('Nightly')).toThrow(/job name must be lower-case/);
  });
});
