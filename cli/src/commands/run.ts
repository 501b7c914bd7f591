import { closest, type ResolvedEnvironment, type ResolvedService, type SlipwayConfig } from '@slipway/config';
import {
  appLogStream,
  type JobTrigger,
  jobParameters,
  parameterName,
  serviceParameters,
} from '@slipway/config/contract';
import type { AwsFactory, Execution, ExecutionTask } from '../aws/api.ts';
import { sdkFactory } from '../aws/sdk.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, type OnlineTarget, onlineTarget } from '../online.ts';
import { describeServices } from '../services/select.ts';
import { formatEvent } from './logs.ts';

export interface RunDeps {
  readonly factory: AwsFactory;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** How often the execution and its logs are read while following. */
  readonly pollMs: number;
}

export const realRunDeps: RunDeps = {
  factory: sdkFactory,
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  pollMs: 5_000,
};

/** The container's log stream of a job task (the contract's stream of every Slipway task). */
export const jobLogStream = appLogStream;

/** What `--json` prints: the execution and the tasks it ran. */
export interface RunResult {
  readonly version: 1;
  readonly environment: string;
  readonly job: string;
  readonly execution: { arn: string; name: string; status: string; startedAt?: string; stoppedAt?: string };
  readonly tasks: ExecutionTask[];
}

/** The job named on the command line: another type is SW242, an unknown name SW240 with the closest job. */
export function findJob(env: ResolvedEnvironment, name: string): ResolvedService {
  const jobs = env.services.filter((s) => s.type === 'job');
  const found = env.services.find((s) => s.name === name);
  const list = jobs.length > 0 ? `its jobs: ${jobs.map((j) => j.name).join(', ')}` : 'it has no job';
  if (found?.type === 'job') return found;
  if (found) {
    throw new CliError(
      'SW242',
      `${name} is a ${found.type}, and run starts a job (${list})`,
      jobs[0] ? `slipway run ${env.name} ${jobs[0].name}` : `slipway status ${env.name}`,
    );
  }
  const suggestion = closest(
    name,
    jobs.map((j) => j.name),
  );
  throw new CliError(
    'SW240',
    `unknown job "${name}" in ${env.name}; ${list}${suggestion ? ` (did you mean "${suggestion}"?)` : ''} (services: ${describeServices(env.services)})`,
    `slipway run ${env.name} ${suggestion ?? jobs[0]?.name ?? '<job>'}`,
  );
}

/**
 * `slipway run <env> <job> [--no-follow] [--json]`: starts an execution of the job's state machine
 * (input `{ "trigger": "manual" }`), then follows it: each task it starts, that task's log lines,
 * and how it ended. Exit 0 when the execution succeeds; SW243 (failed or aborted) or SW244 (timed
 * out), exit 1, otherwise.
 */
export async function runCommand(
  config: SlipwayConfig,
  envArg: string,
  jobArg: string,
  options: { follow?: boolean; json?: boolean },
  io: Io,
  deps: RunDeps = realRunDeps,
): Promise<ExitCode> {
  // A mistyped job is named before any AWS call.
  const job = findJob(resolveEnvironmentName(config, envArg, 'run').environment, jobArg);
  const target = await onlineTarget(config, envArg, 'run', deps.factory);
  const { env, aws, where } = target;
  const aws_ = <T>(fn: () => Promise<T>) => call(fn, 'run', env.name, where);
  const machineParameter = parameterName(env, jobParameters(job.name).stateMachineArn);
  const stateMachineArn = await aws_(() => aws.ssm.get(machineParameter));
  if (!stateMachineArn) {
    throw new CliError(
      'SW215',
      `${job.name} is not deployed in ${env.name} yet (${machineParameter} not found in ${where})`,
      `slipway deploy ${env.name}`,
    );
  }
  const input = JSON.stringify({ trigger: 'manual' satisfies JobTrigger });
  const started = await aws_(() => aws.stepFunctions.startExecution(stateMachineArn, input));
  const name = started.arn.split(':').pop() ?? started.arn;
  io.progress.info(`Started ${job.name} in ${env.name}: execution ${name}`);
  io.err(`  ${started.arn}\n`);
  if (options.follow === false) {
    const execution: Execution = { arn: started.arn, name, status: 'RUNNING', startedAt: started.startedAt };
    io.out(
      options.json
        ? `${JSON.stringify(result(env.name, job.name, execution, []), null, 2)}\n`
        : `${job.name} is running (execution ${name}). Follow its logs: slipway logs ${env.name} --service ${job.name} --follow\n`,
    );
    return EXIT.ok;
  }
  io.progress.info('Following the run (Ctrl-C stops following; the run goes on)');
  const { execution, tasks } = await follow(target, job, started, options, io, deps);
  if (options.json) io.out(`${JSON.stringify(result(env.name, job.name, execution, tasks), null, 2)}\n`);
  return outcome(env.name, job.name, execution, tasks, io);
}

function result(env: string, job: string, e: Execution, tasks: ExecutionTask[]): RunResult {
  return {
    version: 1,
    environment: env,
    job,
    execution: {
      arn: e.arn,
      name: e.name,
      status: e.status,
      startedAt: e.startedAt?.toISOString(),
      stoppedAt: e.stoppedAt?.toISOString(),
    },
    tasks,
  };
}

/** Reads the execution, its tasks and their log lines until the execution ends. */
async function follow(
  target: OnlineTarget,
  job: ResolvedService,
  started: { arn: string; startedAt: Date },
  options: { json?: boolean },
  io: Io,
  deps: RunDeps,
): Promise<{ execution: Execution; tasks: ExecutionTask[] }> {
  const { env, aws, where } = target;
  const aws_ = <T>(fn: () => Promise<T>) => call(fn, 'run', env.name, where);
  const groupParameter = parameterName(env, serviceParameters(job.name).logGroupName);
  const group = await aws_(() => aws.ssm.get(groupParameter));
  if (!group) io.progress.warn(`No log group for ${job.name} (${groupParameter} not found): no log lines`);
  // Log lines go to stdout, or to stderr under --json (stdout then carries only the result).
  const print = options.json ? io.err : io.out;
  const announced = new Map<string, boolean>();
  const seen = new Set<string>();
  const startTime = started.startedAt.getTime() - 60_000;
  let lastNote = deps.now();
  for (;;) {
    const execution = await aws_(() => aws.stepFunctions.describeExecution(started.arn));
    const tasks = await aws_(() => aws.stepFunctions.executionTasks(started.arn));
    tasks.forEach((t, i) => {
      const id = t.taskArn.split('/').pop();
      if (!announced.has(t.taskArn)) io.progress.info(`Task ${id} started (attempt ${i + 1})`);
      if (t.ended && announced.get(t.taskArn) !== true) io.progress.info(`Task ${id} stopped: ${ending(t)}`);
      announced.set(t.taskArn, t.ended);
    });
    if (group && tasks.length > 0) {
      const streams = tasks.map((t) => jobLogStream(t.taskArn));
      let nextToken: string | undefined;
      do {
        const page = await aws_(() => aws.logs.events(group, { startTime, nextToken, streams }));
        for (const e of page.events) {
          const key = `${e.time.getTime()}|${e.stream}|${e.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          print(formatEvent(e));
        }
        nextToken = page.nextToken;
      } while (nextToken);
    }
    if (execution.status !== 'RUNNING') return { execution, tasks };
    if (deps.now() - lastNote >= 60_000) {
      lastNote = deps.now();
      const minutes = Math.round((deps.now() - started.startedAt.getTime()) / 60_000);
      io.progress.info(`${job.name} still running (${minutes} min, ${tasks.length} task(s) so far)`);
    }
    await deps.sleep(deps.pollMs);
  }
}

/** `exit 1 (Essential container in task exited)` */
function ending(t: ExecutionTask): string {
  const code = t.exitCode === undefined ? 'no exit code' : `exit ${t.exitCode}`;
  return `${code}${t.stoppedReason ? ` (${t.stoppedReason})` : ''}`;
}

function outcome(env: string, job: string, e: Execution, tasks: ExecutionTask[], io: Io): ExitCode {
  const took =
    e.startedAt && e.stoppedAt
      ? ` in ${Math.round((e.stoppedAt.getTime() - e.startedAt.getTime()) / 1000)} s`
      : '';
  if (e.status === 'SUCCEEDED') {
    io.progress.succeed(`${job} succeeded${took} (execution ${e.name})`);
    return EXIT.ok;
  }
  const last = tasks.at(-1);
  const why = [
    last ? `last task ${last.taskArn.split('/').pop()}: ${ending(last)}` : 'no task started',
    e.error ? `${e.error}${e.cause ? `: ${e.cause.split('\n')[0]?.slice(0, 200)}` : ''}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  const next = `slipway logs ${env} --service ${job} --since 1h`;
  if (e.status === 'TIMED_OUT') {
    throw new CliError('SW244', `${job} timed out in ${env}${took} (execution ${e.name}; ${why})`, next);
  }
  throw new CliError(
    'SW243',
    `${job} ${e.status.toLowerCase()} in ${env}${took} (execution ${e.name}; ${why})`,
    next,
  );
}
