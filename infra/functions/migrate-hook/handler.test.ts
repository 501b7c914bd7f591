/**
 * Migrate hook with hand-written ECS fakes and an injected clock (moto cannot run Fargate tasks).
 *
 * Scenarios and expected outcomes:
 * 1. Success: the first invocation runs ONE task with the target revision's task definition, the
 *    migrate command override, FARGATE, private subnets, no public IP → IN_PROGRESS with
 *    callBackDelay and hookDetails.migrateTaskArn; while it runs → IN_PROGRESS; exit 0 → SUCCEEDED,
 *    with a CloudWatch Logs console link in the log line.
 * 2. Non-zero exit → FAILED naming the exit code and stoppedReason, with the log link.
 * 3. The task never starts: stopped with CannotPullContainerError → FAILED with that reason.
 * 4. Stuck PENDING beyond START_TIMEOUT_SECONDS → the task is stopped → FAILED.
 * 5. Running beyond TIMEOUT_SECONDS → the task is stopped → FAILED.
 * 6. RunTask returns failures[] (e.g. RESOURCE:ENI) → FAILED with the reasons; nothing to poll.
 * 7. Idempotent: an invocation that lost hookDetails finds the task by startedBy and does not start
 *    a second one; a different deployment gets a different startedBy and its own task.
 * 8. Unexpected payloads (not an object, no executionDetails, bad revision ARN) → FAILED with a
 *    clear message; no ECS call.
 * 9. CONTAINER_NAME not in the task definition → FAILED naming the containers it has.
 * 10. A rollback invocation (production weights back on blue) → SUCCEEDED without running anything.
 * 11. A transient error while polling → IN_PROGRESS within the budget, FAILED after it.
 * 12. The task is no longer known to ECS → FAILED (outcome unknown).
 */

import {
  deploymentArn,
  FakeMigrationTasks,
  FakeTaskDefinitions,
  hookEvent,
  IMAGE_REPO,
  REGION,
  revisionArn,
  taskDefinitionArn,
} from '@slipway/testing/fake-ecs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config.ts';
import { memoryLogger } from '../shared/log.ts';
import { loadMigrateHookConfig, MIGRATE_HOOK_DEFAULTS, type MigrateHookConfig } from './config.ts';
import { createHandler, logsConsoleUrl, MIGRATE_TASK_ARN, migrationStartedBy } from './handler.ts';

const TARGET = revisionArn('9313423515462893900');

describe('migrate hook', () => {
  let now: Date;
  let tasks: FakeMigrationTasks;
  let taskDefinitions: FakeTaskDefinitions;
  let log: ReturnType<typeof memoryLogger>;
  const config: MigrateHookConfig = {
    cluster: 'slipway-prod',
    subnetIds: ['subnet-0aaaaaaaaaaaaaaaa'],
    securityGroupIds: ['sg-0bbbbbbbbbbbbbbbb'],
    assignPublicIp: false,
    containerName: 'app',
    migrateCommand: ['node', 'dist/main.js', 'migrate'],
    timeoutSeconds: 900,
    startTimeoutSeconds: 300,
    callBackDelaySeconds: 15,
    region: REGION,
    logGroupName: undefined,
    logStreamPrefix: undefined,
    digestParameters: undefined,
  };

  beforeEach(() => {
    now = new Date('2026-11-23T10:00:00Z');
    tasks = new FakeMigrationTasks(() => now);
    taskDefinitions = new FakeTaskDefinitions();
    taskDefinitions.addRevision({ revisionArn: TARGET, revision: 42, image: `${IMAGE_REPO}:3f2c1ab` });
    log = memoryLogger();
  });

  const handler = (overrides: Partial<MigrateHookConfig> = {}) =>
    createHandler({ config: { ...config, ...overrides }, tasks, taskDefinitions, now: () => now, log });
  const advance = (seconds: number) => {
    now = new Date(now.getTime() + seconds * 1000);
  };
  const lastLog = () => log.lines[log.lines.length - 1] as Record<string, unknown>;

  it('runs the migration with the new task definition and succeeds on exit code 0', async () => {
    const h = handler();
    const first = await h(hookEvent());
    expect(first).toEqual({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 15,
      hookDetails: { [MIGRATE_TASK_ARN]: tasks.only().taskArn, migrateStartedAt: now.toISOString() },
    });
    expect(tasks.runs).toEqual([
      {
        taskDefinitionArn: taskDefinitionArn(42),
        startedBy: migrationStartedBy({
          resourceArn: deploymentArn('EZe5RNVLH6PPzHXINuP28'),
          targetServiceRevisionArn: TARGET,
        }),
        containerName: 'app',
        command: ['node', 'dist/main.js', 'migrate'],
      },
    ]);

    const taskArn = tasks.only().taskArn;
    advance(20);
    tasks.update(taskArn, { lastStatus: 'RUNNING', startedAt: now });
    const second = await h(hookEvent({ hookDetails: first.hookDetails }));
    expect(second.hookStatus).toBe('IN_PROGRESS');

    advance(20);
    tasks.update(taskArn, {
      lastStatus: 'STOPPED',
      stoppedReason: 'Essential container in task exited',
      exitCode: 0,
    });
    const third = await h(hookEvent({ hookDetails: second.hookDetails }));
    expect(third).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(tasks.runs).toHaveLength(1);
    expect(lastLog()).toMatchObject({
      event: 'migrate-hook.result',
      hookStatus: 'SUCCEEDED',
      exitCode: 0,
      logGroup: '/slipway/prod/app',
      logStream: 'app/app/00000000000000000000000000000001',
      logUrl: `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/$252Fslipway$252Fprod$252Fapp/log-events/app$252Fapp$252F00000000000000000000000000000001`,
    });
    expect(log.lines).toHaveLength(3); // one line per invocation
  });

  it('fails with the exit code and stop reason when the migration exits non-zero', async () => {
    const h = handler();
    const first = await h(hookEvent());
    tasks.update(tasks.only().taskArn, {
      lastStatus: 'STOPPED',
      startedAt: now,
      stoppedReason: 'Essential container in task exited',
      exitCode: 1,
    });
    expect(await h(hookEvent({ hookDetails: first.hookDetails }))).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog()).toMatchObject({
      hookStatus: 'FAILED',
      exitCode: 1,
      stoppedReason: 'Essential container in task exited',
      reason:
        'migration container "app" exited with code 1; task stopped: Essential container in task exited',
      logUrl: expect.stringContaining('log-events/app$252Fapp$252F'),
    });
  });

  it('fails with the pull error when the task never starts', async () => {
    const h = handler();
    const first = await h(hookEvent());
    const pullError =
      'CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 111122223333.dkr.ecr.eu-west-1.amazonaws.com/slipway/app:3f2c1ab: not found';
    tasks.update(tasks.only().taskArn, {
      lastStatus: 'STOPPED',
      stopCode: 'TaskFailedToStart',
      stoppedReason: pullError,
      containerReason: pullError,
    });
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(lastLog()).toMatchObject({
      stopCode: 'TaskFailedToStart',
      reason: `migration container "app" never ran: ${pullError}`,
    });
  });

  it('stops a task stuck in PENDING beyond START_TIMEOUT_SECONDS and fails', async () => {
    const h = handler();
    const first = await h(hookEvent());
    tasks.update(tasks.only().taskArn, { lastStatus: 'PENDING' });
    advance(299);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('IN_PROGRESS');
    advance(2);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(tasks.stops).toEqual([
      {
        taskArn: tasks.only().taskArn,
        reason: expect.stringMatching(
          /did not start within START_TIMEOUT_SECONDS=300s \(last status PENDING\)/,
        ),
      },
    ]);
    expect(lastLog()).toMatchObject({ stopped: true, reason: expect.stringMatching(/task stopped$/) });
  });

  it('stops a migration running beyond TIMEOUT_SECONDS and fails', async () => {
    const h = handler();
    const first = await h(hookEvent());
    advance(30);
    tasks.update(tasks.only().taskArn, { lastStatus: 'RUNNING', startedAt: now });
    advance(869);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('IN_PROGRESS');
    advance(2);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(tasks.stops).toHaveLength(1);
    expect(lastLog().reason).toMatch(/did not finish within TIMEOUT_SECONDS=900s \(last status RUNNING\)/);
  });

  it('fails when RunTask returns failures', async () => {
    tasks.nextRunResult = {
      taskArn: undefined,
      failures: [
        {
          arn: undefined,
          reason: 'RESOURCE:ENI',
          detail: 'no free IP addresses in subnet-0aaaaaaaaaaaaaaaa',
        },
      ],
    };
    expect(await handler()(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toBe(
      'RunTask did not start the migration task: RESOURCE:ENI (no free IP addresses in subnet-0aaaaaaaaaaaaaaaa)',
    );
  });

  it('finds the task it already started when hookDetails are lost, and starts one per deployment', async () => {
    const h = handler();
    await h(hookEvent());
    const again = await h(hookEvent()); // no hookDetails: found via ListTasks(startedBy)
    expect(again.hookStatus).toBe('IN_PROGRESS');
    expect(again.hookDetails?.[MIGRATE_TASK_ARN]).toBe(tasks.only().taskArn);
    expect(tasks.runs).toHaveLength(1);

    await h(hookEvent({ deployment: deploymentArn('SecondDeployment00000') }));
    expect(tasks.runs).toHaveLength(2);
    expect(tasks.runs[0]?.startedBy).not.toBe(tasks.runs[1]?.startedBy);
    expect(tasks.runs[1]?.startedBy).toMatch(/^slipway-migrate-[0-9a-f]{24}$/);
  });

  it.each([
    ['no payload', undefined, /expected a JSON object, got missing/],
    [
      'an API Gateway event',
      { httpMethod: 'GET', path: '/' },
      /no executionDetails object; is this function registered/,
    ],
    [
      'a bad revision ARN',
      { executionDetails: { targetServiceRevisionArn: 'arn:aws:ecs:eu-west-1:111122223333:service/x/y' } },
      /targetServiceRevisionArn is "arn:aws:ecs:eu-west-1:111122223333:service\/x\/y"; expected an ECS service-revision ARN/,
    ],
  ])('fails clearly on an unexpected payload: %s', async (_name, payload, message) => {
    expect(await handler()(payload)).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(message);
    expect(tasks.runs).toHaveLength(0);
    expect(taskDefinitions.calls).toBe(0);
  });

  it('fails naming the containers when CONTAINER_NAME is not in the task definition', async () => {
    expect(await handler({ containerName: 'web' })(hookEvent())).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(/has no container named "web" \(it has: app\); set CONTAINER_NAME/);
    expect(tasks.runs).toHaveLength(0);
  });

  it('does not run migrations while the deployment rolls back', async () => {
    const blue = revisionArn('1920498462936580504');
    const response = await handler()(
      hookEvent({
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        productionTrafficWeights: { [TARGET]: 0, [blue]: 100 },
      }),
    );
    expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(tasks.runs).toHaveLength(0);
    expect(lastLog().reason).toMatch(/rolling back/);
  });

  it('keeps polling through a transient error within the budget, and fails after it', async () => {
    const h = handler();
    const first = await h(hookEvent());
    tasks.describeError = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    advance(60);
    const retry = await h(hookEvent({ hookDetails: first.hookDetails }));
    expect(retry).toEqual({ hookStatus: 'IN_PROGRESS', callBackDelay: 15, hookDetails: first.hookDetails });
    expect(lastLog().reason).toMatch(/will retry: ThrottlingException: Rate exceeded/);
    advance(900);
    expect((await h(hookEvent({ hookDetails: first.hookDetails }))).hookStatus).toBe('FAILED');
    expect(lastLog().reason).toMatch(/migrate hook error: ThrottlingException/);
  });

  it('fails when ECS no longer knows the task', async () => {
    const response = await handler()(
      hookEvent({
        hookDetails: { [MIGRATE_TASK_ARN]: 'arn:aws:ecs:eu-west-1:111122223333:task/slipway-prod/gone' },
      }),
    );
    expect(response).toEqual({ hookStatus: 'FAILED' });
    expect(lastLog().reason).toMatch(/is no longer known to ECS/);
    expect(tasks.runs).toHaveLength(0);
  });
});

describe('migrate hook configuration', () => {
  const valid = {
    CLUSTER: 'slipway-prod',
    SUBNET_IDS: 'subnet-0aaaaaaaaaaaaaaaa, subnet-0cccccccccccccccc',
    SECURITY_GROUP_IDS: 'sg-0bbbbbbbbbbbbbbbb',
    AWS_REGION: 'eu-west-1',
  };

  it('applies the documented defaults', () => {
    expect(loadMigrateHookConfig(valid)).toEqual({
      cluster: 'slipway-prod',
      subnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0cccccccccccccccc'],
      securityGroupIds: ['sg-0bbbbbbbbbbbbbbbb'],
      assignPublicIp: false,
      containerName: MIGRATE_HOOK_DEFAULTS.containerName,
      migrateCommand: ['node', 'dist/main.js', 'migrate'],
      timeoutSeconds: 900,
      startTimeoutSeconds: 300,
      callBackDelaySeconds: 15,
      region: 'eu-west-1',
      logGroupName: undefined,
      logStreamPrefix: undefined,
      digestParameters: undefined,
    });
  });

  it('reads ASSIGN_PUBLIC_IP strictly (environments without NAT need a public IP to pull the image)', () => {
    expect(loadMigrateHookConfig({ ...valid, ASSIGN_PUBLIC_IP: 'true' }).assignPublicIp).toBe(true);
    expect(() => loadMigrateHookConfig({ ...valid, ASSIGN_PUBLIC_IP: 'yes' })).toThrow(
      /ASSIGN_PUBLIC_IP: got "yes"/,
    );
  });

  it('reports every invalid variable at once, by name', () => {
    let error: unknown;
    try {
      loadMigrateHookConfig({
        SUBNET_IDS: 'subnet-xyz',
        MIGRATE_COMMAND: '"npm run migrate"',
        TIMEOUT_SECONDS: '100',
        START_TIMEOUT_SECONDS: '200',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'CLUSTER: missing; set it to the ECS cluster name or ARN to run the migration task in',
      'SUBNET_IDS: "subnet-xyz" is not a subnet id (subnet-…)',
      'SECURITY_GROUP_IDS: missing; set it to security group ids such as "sg-0abc1234" (comma-separated)',
      'MIGRATE_COMMAND: must be a non-empty JSON array of non-empty strings; expected something like ["node","dist/main.js","migrate"]',
      'START_TIMEOUT_SECONDS: got 200, more than TIMEOUT_SECONDS (100); lower it or raise TIMEOUT_SECONDS',
      'AWS_REGION: missing; set it to the AWS region (Lambda sets it)',
    ]);
  });

  it('builds the console link the CloudWatch console understands', () => {
    expect(logsConsoleUrl('us-east-1', '/ecs/app', 'app/app/abc')).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#logsV2:log-groups/log-group/$252Fecs$252Fapp/log-events/app$252Fapp$252Fabc',
    );
  });
});
