import {
  DescribeExecutionCommand,
  type ExecutionStatus,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  type SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { Execution, ExecutionTask, StepFunctionsApi } from '../api.ts';

/** Executions of the state machines that run jobs, and the ECS tasks they start. */
export function stepFunctionsApi(sfn: SFNClient): StepFunctionsApi {
  return {
    async startExecution(stateMachineArn, input) {
      const out = await sfn.send(new StartExecutionCommand({ stateMachineArn, input }));
      return { arn: out.executionArn ?? '', startedAt: out.startDate ?? new Date() };
    },
    async describeExecution(arn) {
      const e = await sfn.send(new DescribeExecutionCommand({ executionArn: arn }));
      return {
        arn,
        name: e.name ?? arn.split(':').pop() ?? arn,
        status: statusOf(e.status),
        startedAt: e.startDate,
        stoppedAt: e.stopDate,
        input: e.input,
        error: e.error,
        cause: e.cause,
      };
    },
    async listExecutions(stateMachineArn, limit) {
      const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: limit }));
      return (out.executions ?? []).map(
        (e): Execution => ({
          arn: e.executionArn ?? '',
          name: e.name ?? '',
          status: statusOf(e.status),
          startedAt: e.startDate,
          stoppedAt: e.stopDate,
        }),
      );
    },
    async executionTasks(arn) {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return tasksFromHistory(events);
    },
  };
}

const statusOf = (s: ExecutionStatus | string | undefined) => s ?? 'UNKNOWN';

function parse(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

interface EcsTaskDescription {
  TaskArn?: string;
  StoppedReason?: string;
  Containers?: { ExitCode?: number; Reason?: string }[];
}

/** The task in a RunTask answer (`{ Tasks: [...] }`) or in a `.sync` result or failure cause (the task itself). */
function taskOf(payload: Record<string, unknown> | undefined): EcsTaskDescription | undefined {
  if (!payload) return undefined;
  const tasks = payload.Tasks as EcsTaskDescription[] | undefined;
  return tasks?.[0] ?? (payload.TaskArn ? (payload as EcsTaskDescription) : undefined);
}

/**
 * The ECS tasks of an execution, from its history: `TaskSubmitted` carries the RunTask answer (the
 * task ARN) of each attempt; `TaskSucceeded` and `TaskFailed` (its cause) carry the stopped task,
 * with the container's exit code and the stop reason.
 */
export function tasksFromHistory(events: readonly HistoryEvent[]): ExecutionTask[] {
  const tasks: ExecutionTask[] = [];
  const update = (t: EcsTaskDescription | undefined, ended: boolean) => {
    const arn = t?.TaskArn ?? tasks.at(-1)?.taskArn;
    if (!arn) return;
    const container = t?.Containers?.[0];
    const next: ExecutionTask = {
      taskArn: arn,
      ended,
      exitCode: container?.ExitCode,
      stoppedReason: t?.StoppedReason ?? container?.Reason,
    };
    const i = tasks.findIndex((x) => x.taskArn === arn);
    if (i === -1) tasks.push(next);
    else
      tasks[i] = {
        ...tasks[i],
        ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)),
      } as ExecutionTask;
  };
  for (const e of events) {
    if (e.type === 'TaskSubmitted') update(taskOf(parse(e.taskSubmittedEventDetails?.output)), false);
    else if (e.type === 'TaskSucceeded') update(taskOf(parse(e.taskSucceededEventDetails?.output)), true);
    else if (e.type === 'TaskFailed') update(taskOf(parse(e.taskFailedEventDetails?.cause)), true);
    else if (e.type === 'TaskTimedOut') update(undefined, true);
  }
  return tasks;
}
