/**
 * The Step Functions and Logs calls of `slipway run` (and `status`) with the CLI's own SDK clients
 * against moto_server 5.2, as far as moto goes:
 * 1. `slipway run --no-follow` finds the state machine in SSM and starts an execution whose input is
 *    `{ "trigger": "manual" }` (read back with DescribeExecution); ListExecutions lists it;
 * 2. following: moto runs no state machine (an execution stays RUNNING until stopped), so the test
 *    stops it once the command has read it running; the command then ends with SW243 (exit 1)
 *    saying it was aborted and that no task started (moto's history has no ECS task);
 * 3. FilterLogEvents with the task's stream reads that stream only, and a stream that does not
 *    exist yet (the container has not started) reads as no events.
 * How the tasks, exit codes and stop reasons are read from a real history: sfn.test.ts.
 */
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SlipwayConfig } from '@slipway/config';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jobLogStream, runCommand } from '../../commands/run.ts';
import { CliError } from '../../errors.ts';
import { captureIo } from '../../io.ts';
import { servicesConfig } from '../../services/test/fixtures.ts';
import { sdkFactory } from '../sdk.ts';

const moto = motoServerAvailability();
const REGION = 'us-east-1';
const DEV_ACCOUNT = '111111111111';
const GROUP = '/slipway/dev/services/prune';

describe.skipIf(!moto.available)('slipway run against moto_server', () => {
  let server: MotoServer;
  let config: SlipwayConfig;
  let sfn: SFNClient;
  let stateMachineArn: string;
  const saved = { ...process.env };
  beforeAll(async () => {
    config = await servicesConfig();
    // moto answers GetCallerIdentity with this account, so the credentials check sees dev's.
    process.env.MOTO_ACCOUNT_ID = DEV_ACCOUNT;
    server = await startMotoServer({ region: REGION });
    delete process.env.MOTO_ACCOUNT_ID;
    // The CLI's clients read the standard chain; point it at moto (this file's worker only).
    for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
    Object.assign(process.env, server.env, { AWS_EC2_METADATA_DISABLED: 'true' });
    sfn = new SFNClient({ region: REGION });
  });
  afterAll(async () => {
    process.env = saved;
    await server?.stop();
  });
  beforeEach(async () => {
    await server.reset();
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'slipway-dev-prune',
        definition: JSON.stringify({ StartAt: 'Run', States: { Run: { Type: 'Pass', End: true } } }),
        roleArn: `arn:aws:iam::${DEV_ACCOUNT}:role/job`,
      }),
    );
    stateMachineArn = machine.stateMachineArn ?? '';
    const ssm = new SSMClient({ region: REGION });
    const put = (Name: string, Value: string) =>
      ssm.send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
    await put('/slipway/dev/jobs/prune/state-machine-arn', stateMachineArn);
    await put('/slipway/dev/services/prune/log-group-name', GROUP);
  });

  const deps = (sleep: () => Promise<void>) => ({
    factory: sdkFactory,
    now: () => Date.now(),
    sleep,
    pollMs: 0,
  });

  it('starts an execution with the manual trigger and returns with --no-follow', async () => {
    const cap = captureIo();
    const code = await runCommand(
      config,
      'dev',
      'prune',
      { follow: false, json: true },
      cap.io,
      deps(async () => {}),
    );
    expect(code).toBe(0);
    const { execution } = JSON.parse(cap.stdout());
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: execution.arn }));
    expect(JSON.parse(described.input ?? '{}')).toEqual({ trigger: 'manual' });
    expect(described.status).toBe('RUNNING');
    const listed = await sdkFactory(REGION).stepFunctions.listExecutions(stateMachineArn, 5);
    expect(listed.map((e) => e.arn)).toEqual([execution.arn]);
  });

  it('follows the execution until it ends and fails when it was aborted (SW243)', async () => {
    // Stop the run once the command has seen it running (its first wait), never after a fixed time.
    const stopWhenRunning = async () => {
      const { executions } = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      const running = executions?.find((e) => e.status === 'RUNNING');
      if (running) await sfn.send(new StopExecutionCommand({ executionArn: running.executionArn }));
    };
    const cap = captureIo();
    const error = await runCommand(config, 'dev', 'prune', {}, cap.io, deps(stopWhenRunning)).then(
      (code) => code,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW243');
    expect((error as CliError).exitCode).toBe(1);
    expect((error as CliError).message).toMatch(/prune aborted in dev .*no task started/);
  });

  it("reads the task's log stream only", async () => {
    const logs = new CloudWatchLogsClient({ region: REGION });
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const task = 'arn:aws:ecs:us-east-1:111111111111:task/slipway-dev/aaaa1111';
    const streams = [jobLogStream(task), jobLogStream(`${task}ff`)];
    for (const [i, logStreamName] of streams.entries()) {
      await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: GROUP,
          logStreamName,
          logEvents: [{ timestamp: Date.now(), message: `line of task ${i}` }],
        }),
      );
    }
    const page = await sdkFactory(REGION).logs.events(GROUP, { startTime: 0, streams: [jobLogStream(task)] });
    expect(page.events.map((e) => [e.stream, e.message])).toEqual([['app/app/aaaa1111', 'line of task 0']]);
    // A task whose container has not started has no stream yet: no events, not an error.
    const none = await sdkFactory(REGION).logs.events(GROUP, {
      startTime: 0,
      streams: ['app/app/not-started'],
    });
    expect(none.events).toEqual([]);
  });
});
