/*
 * `slipway run <env> <job>` against an in-memory AWS (a config with web, api, worker mailer and job prune):
 *   - it starts an execution of the job's state machine with `{ "trigger": "manual" }`
 *   - --no-follow prints the execution and returns 0 without reading it again
 *   - following: each task is announced, its log lines (stream app/app/<task id>) printed once,
 *     and a successful execution exits 0
 *   - a failed execution → SW243 (exit 1) naming the container's exit code and the stop reason;
 *     a timed-out one → SW244 (exit 1)
 *   - --json prints the execution and its tasks on stdout and the log lines on stderr
 *   - an unknown job → SW240 with the closest job (exit 2); a service of another type → SW242;
 *     a job not deployed yet → SW215
 */
// cspell:ignore prun

import type { LogEvent } from '@slipway/cli/src/aws/api.ts';
import type { SlipwayConfig } from '@slipway/config';
import { type FakeRunPhase, type FakeState, fakeAws, fakeState } from '@slipway/testing/cli/fake-aws';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import { servicesConfig } from '../services/test/fixtures.ts';
import { jobLogStream, runCommand } from './run.ts';

let config: SlipwayConfig;
beforeAll(async () => {
  config = await servicesConfig();
});

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

const SM = 'arn:aws:states:us-east-1:111111111111:stateMachine:slipway-dev-prune';
const GROUP = '/slipway/dev/services/prune';
const TASK = 'arn:aws:ecs:us-east-1:111111111111:task/slipway-dev/0123abcd';
const line = (message: string, task = TASK): LogEvent => ({
  time: new Date(),
  stream: jobLogStream(task),
  message,
});

function jobState(phases: FakeRunPhase[]): FakeState {
  const state = fakeState();
  state.parameters.set('/slipway/dev/jobs/prune/state-machine-arn', SM);
  state.parameters.set('/slipway/dev/services/prune/log-group-name', GROUP);
  state.jobRuns.set(SM, phases);
  return state;
}

const deps = (state: FakeState) => ({
  factory: fakeAws(state),
  now: () => Date.now(),
  sleep: async () => {},
  pollMs: 0,
});

const RUNNING: FakeRunPhase = { status: 'RUNNING', tasks: [] };
const STARTED: FakeRunPhase = {
  status: 'RUNNING',
  tasks: [{ taskArn: TASK, ended: false }],
  logs: { [GROUP]: [line('pruning items older than 30 days')] },
};

describe('slipway run', () => {
  it('starts an execution with the manual trigger and, with --no-follow, returns at once', async () => {
    const state = jobState([RUNNING]);
    const cap = captureIo();
    const code = await runCommand(config, 'dev', 'prune', { follow: false, json: true }, cap.io, deps(state));
    expect(code).toBe(0);
    expect(state.calls).toContain(`sfn.startExecution ${SM} {"trigger":"manual"} @us-east-1`);
    expect(state.calls.some((c) => c.startsWith('sfn.describeExecution'))).toBe(false);
    expect(JSON.parse(cap.stdout()).execution).toMatchObject({ name: 'run-1', status: 'RUNNING' });
  });

  it('follows the task and its log lines until the execution succeeds (exit 0)', async () => {
    const state = jobState([
      RUNNING,
      STARTED,
      STARTED,
      {
        status: 'SUCCEEDED',
        tasks: [{ taskArn: TASK, ended: true, exitCode: 0 }],
        logs: { [GROUP]: [line('pruned 42 items'), line('another task', `${TASK}ff`)] },
      },
    ]);
    const cap = captureIo();
    const code = await runCommand(config, 'dev', 'prune', { follow: true }, cap.io, deps(state));
    expect(code).toBe(0);
    const out = cap.stdout();
    expect(out.match(/pruning items older than 30 days/g)).toHaveLength(1);
    expect(out).toContain('0123abcd pruned 42 items');
    expect(out).not.toContain('another task');
    const progress = cap.progressLog.join('\n');
    expect(progress).toContain('Task 0123abcd started (attempt 1)');
    expect(progress).toContain('Task 0123abcd stopped: exit 0');
    expect(progress).toContain('prune succeeded');
  });

  it("fails with the container's exit code and stop reason (SW243, exit 1)", async () => {
    const state = jobState([
      STARTED,
      {
        status: 'FAILED',
        error: 'States.TaskFailed',
        cause: '{"TaskArn":"…"}',
        tasks: [
          { taskArn: TASK, ended: true, exitCode: 3, stoppedReason: 'Essential container in task exited' },
        ],
      },
    ]);
    const e = await failure(
      runCommand(config, 'dev', 'prune', { follow: true }, captureIo().io, deps(state)),
    );
    expect(e.code).toBe('SW243');
    expect(e.exitCode).toBe(1);
    expect(e.message).toContain('exit 3 (Essential container in task exited)');
    expect(e.message).toContain('States.TaskFailed');
    expect(e.next).toBe('slipway logs dev --service prune --since 1h');
  });

  it('reports a timed-out execution (SW244, exit 1)', async () => {
    const state = jobState([STARTED, { status: 'TIMED_OUT', tasks: [{ taskArn: TASK, ended: true }] }]);
    const e = await failure(runCommand(config, 'dev', 'prune', {}, captureIo().io, deps(state)));
    expect(e.code).toBe('SW244');
    expect(e.exitCode).toBe(1);
  });

  it('prints the result as JSON on stdout and the log lines on stderr with --json', async () => {
    const state = jobState([
      STARTED,
      { status: 'SUCCEEDED', tasks: [{ taskArn: TASK, ended: true, exitCode: 0 }] },
    ]);
    const cap = captureIo();
    await runCommand(config, 'dev', 'prune', { json: true }, cap.io, deps(state));
    const result = JSON.parse(cap.stdout());
    expect(result).toMatchObject({ job: 'prune', execution: { status: 'SUCCEEDED' } });
    expect(result.tasks).toEqual([{ taskArn: TASK, ended: true, exitCode: 0 }]);
    expect(cap.stderr()).toContain('pruning items older than 30 days');
  });

  it('names the closest job for an unknown one before any AWS call (SW240, exit 2)', async () => {
    const state = jobState([RUNNING]);
    const e = await failure(runCommand(config, 'dev', 'prun', {}, captureIo().io, deps(state)));
    expect(state.calls).toEqual([]);
    expect(e.code).toBe('SW240');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('did you mean "prune"?');
    expect(e.next).toBe('slipway run dev prune');
  });

  it('refuses a service that is not a job (SW242)', async () => {
    const e = await failure(
      runCommand(config, 'dev', 'mailer', {}, captureIo().io, deps(jobState([RUNNING]))),
    );
    expect(e.code).toBe('SW242');
    expect(e.message).toContain('mailer is a worker');
  });

  it('says the job is not deployed when its state machine parameter is missing (SW215)', async () => {
    const state = jobState([RUNNING]);
    state.parameters.delete('/slipway/dev/jobs/prune/state-machine-arn');
    const e = await failure(runCommand(config, 'dev', 'prune', {}, captureIo().io, deps(state)));
    expect(e.code).toBe('SW215');
    expect(e.next).toBe('slipway deploy dev');
  });
});
