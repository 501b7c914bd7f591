/*
 * The ECS tasks of a job execution, read from its Step Functions history:
 *   - TaskSubmitted gives each attempt's task ARN (from the RunTask answer), not yet ended
 *   - TaskSucceeded and TaskFailed (its cause is the stopped task) end it with the container's
 *     exit code and the stop reason; a retry is a second task
 *   - a cause that is not JSON (RunTask itself failed) or a TaskTimedOut ends the last task
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { tasksFromHistory } from './sfn.ts';

const A = 'arn:aws:ecs:us-east-1:1:task/c/aaaa';
const B = 'arn:aws:ecs:us-east-1:1:task/c/bbbb';
const event = (type: string, details: Partial<HistoryEvent>): HistoryEvent =>
  ({ type, id: 1, timestamp: new Date(), ...details }) as HistoryEvent;
const submitted = (arn: string) =>
  event('TaskSubmitted', {
    taskSubmittedEventDetails: {
      resourceType: 'ecs',
      resource: 'runTask.sync',
      output: JSON.stringify({ Tasks: [{ TaskArn: arn, LastStatus: 'PROVISIONING' }] }),
    },
  });
const failed = (arn: string, exitCode: number) =>
  event('TaskFailed', {
    taskFailedEventDetails: {
      resourceType: 'ecs',
      resource: 'runTask.sync',
      error: 'States.TaskFailed',
      cause: JSON.stringify({
        TaskArn: arn,
        StoppedReason: 'Essential container in task exited',
        Containers: [{ ExitCode: exitCode }],
      }),
    },
  });

describe('tasksFromHistory', () => {
  it('lists a submitted task as running', () => {
    expect(tasksFromHistory([submitted(A)])).toEqual([
      { taskArn: A, ended: false, exitCode: undefined, stoppedReason: undefined },
    ]);
  });

  it("ends each attempt with its container's exit code and stop reason", () => {
    const tasks = tasksFromHistory([
      submitted(A),
      failed(A, 2),
      submitted(B),
      event('TaskSucceeded', {
        taskSucceededEventDetails: {
          resourceType: 'ecs',
          resource: 'runTask.sync',
          output: JSON.stringify({ TaskArn: B, Containers: [{ ExitCode: 0 }] }),
        },
      }),
    ]);
    expect(tasks).toEqual([
      { taskArn: A, ended: true, exitCode: 2, stoppedReason: 'Essential container in task exited' },
      { taskArn: B, ended: true, exitCode: 0, stoppedReason: undefined },
    ]);
  });

  it('ends the last task on a timeout, keeping what was known', () => {
    const tasks = tasksFromHistory([submitted(A), event('TaskTimedOut', {})]);
    expect(tasks).toEqual([{ taskArn: A, ended: true, exitCode: undefined, stoppedReason: undefined }]);
  });
});
