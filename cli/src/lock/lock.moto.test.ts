/*
 * The release lock (SSM) and the audit log (CloudWatch Logs) with the CLI's own SDK code against
 * moto_server:
 *   - the lock is taken with one conditional write; a second taker is refused with SW261 (exit 4)
 *     naming the holder's ARN, command, image, since when and the `--force-unlock <id>` fix
 *   - release removes it (only when it is still the releaser's), after which it can be taken again
 *   - the guard around a command: force-unlock of a held lock removes it and writes its own audit
 *     record (who removed whose lock); a wrong id is refused (SW262) and removes nothing
 *   - the audit log group is created on first use with its ten-year retention; `history` reads
 *     the releases newest first, the final record replacing the started one
 */
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SlipwayConfig } from '@slipway/config';
import { AUDIT_RETENTION_DAYS } from '@slipway/config/contract';
import { shippedConfig } from '@slipway/testing/cli/fixtures';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsAuditApi } from '../audit/logs.ts';
import { appendAudit, readHistory } from '../audit/records.ts';
import type { AwsApis } from '../aws/api.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { OnlineTarget } from '../online.ts';
import { guardRelease } from './guard.ts';
import { acquireLock, type LockHolder, readLock, releaseLock } from './lock.ts';
import { ssmLockApi } from './ssm.ts';

const moto = motoServerAvailability();
const REGION = 'us-east-1';
const ALICE = 'arn:aws:sts::111111111111:assumed-role/deployer/alice';
const BOB = 'arn:aws:sts::111111111111:assumed-role/deployer/bob';

async function failure(p: Promise<unknown>): Promise<CliError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe.skipIf(!moto.available)('the release lock and audit log against moto_server', () => {
  let server: MotoServer;
  let ssm: SSMClient;
  let logs: CloudWatchLogsClient;
  let aws: Pick<AwsApis, 'lock' | 'audit'>;
  let config: SlipwayConfig;
  let env: OnlineTarget['env'];
  beforeAll(async () => {
    server = await startMotoServer({ region: REGION });
    ssm = new SSMClient(server.clientConfig);
    logs = new CloudWatchLogsClient(server.clientConfig);
    aws = { lock: ssmLockApi(ssm), audit: logsAuditApi(logs) };
    config = await shippedConfig();
    env = resolveEnvironmentName(config, 'prod', 'deploy').environment;
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server.reset();
  });

  const holder = (id: string, arn: string, since: string): LockHolder => ({
    id,
    by: { arn },
    command: 'deploy',
    image: 'abc1234',
    since,
  });
  const lockValue = async () =>
    (await ssm.send(new GetParameterCommand({ Name: `${env.parameterPath}/deploy-lock` }))).Parameter?.Value;

  it('takes the lock, refuses a second taker naming the holder, and releases it', async () => {
    const now = new Date('2026-12-04T15:00:00Z');
    await acquireLock(aws, env, holder('aaaaaaaaaaaa', ALICE, now.toISOString()), now);
    expect(JSON.parse((await lockValue()) ?? '{}')).toMatchObject({ id: 'aaaaaaaaaaaa', by: { arn: ALICE } });

    const later = new Date('2026-12-04T15:12:00Z');
    const e = await failure(acquireLock(aws, env, holder('bbbbbbbbbbbb', BOB, later.toISOString()), later));
    expect(e.code).toBe('SW261');
    expect(e.exitCode).toBe(4);
    expect(e.message).toContain(`prod is locked by a deploy of image abc1234 by ${ALICE}`);
    expect(e.message).toContain('since 2026-12-04T15:00:00.000Z, 12 min ago (lock aaaaaaaaaaaa');
    expect(e.next).toContain('slipway deploy prod --force-unlock aaaaaaaaaaaa');

    // Someone else's id releases nothing; the holder's releases it.
    expect((await releaseLock(aws, env, 'bbbbbbbbbbbb'))?.id).toBe('aaaaaaaaaaaa');
    expect(await readLock(aws, env)).toBeDefined();
    expect(await releaseLock(aws, env, 'aaaaaaaaaaaa')).toBeUndefined();
    expect(await readLock(aws, env)).toBeUndefined();
    await acquireLock(aws, env, holder('bbbbbbbbbbbb', BOB, later.toISOString()), later);
    expect((await readLock(aws, env))?.id).toBe('bbbbbbbbbbbb');
  });

  it('reports a lock older than any deploy as probably abandoned, and still refuses', async () => {
    await acquireLock(aws, env, holder('aaaaaaaaaaaa', ALICE, '2026-12-04T08:00:00.000Z'), new Date());
    const e = await failure(
      acquireLock(aws, env, holder('bbbbbbbbbbbb', BOB, ''), new Date('2026-12-04T15:00:00Z')),
    );
    expect(e.message).toContain('7 h 0 min ago (longer than any deploy runs: its run has probably died)');
  });

  it('creates the audit log group with its retention and lists the releases newest first', async () => {
    const by = { arn: ALICE };
    const record = (id: string, result: 'started' | 'succeeded' | 'failed', startedAt: string) => ({
      id,
      command: 'deploy' as const,
      environment: 'prod',
      by,
      result,
      startedAt,
      image: id,
    });
    await appendAudit(
      aws,
      env,
      record('first', 'started', '2026-12-04T10:00:00.000Z'),
      new Date('2026-12-04T10:00:00Z'),
    );
    await appendAudit(
      aws,
      env,
      record('first', 'succeeded', '2026-12-04T10:00:00.000Z'),
      new Date('2026-12-04T10:05:00Z'),
    );
    await appendAudit(
      aws,
      env,
      record('second', 'started', '2026-12-04T11:00:00.000Z'),
      new Date('2026-12-04T11:00:00Z'),
    );
    await appendAudit(
      aws,
      env,
      record('second', 'failed', '2026-12-04T11:00:00.000Z'),
      new Date('2026-12-04T11:03:00Z'),
    );
    await appendAudit(
      aws,
      env,
      record('third', 'started', '2026-12-04T12:00:00.000Z'),
      new Date('2026-12-04T12:00:00Z'),
    );

    const groups = await logs.send(
      new DescribeLogGroupsCommand({ logGroupNamePrefix: `${env.parameterPath}/releases` }),
    );
    expect(groups.logGroups?.[0]?.retentionInDays).toBe(AUDIT_RETENTION_DAYS);

    const history = await readHistory(aws, env, 10);
    expect(history.map((h) => [h.id, h.result, h.unfinished])).toEqual([
      ['third', 'started', true],
      ['second', 'failed', false],
      ['first', 'succeeded', false],
    ]);
    expect((await readHistory(aws, env, 2)).map((h) => h.id)).toEqual(['third', 'second']);
  });

  it('reads an environment without records as an empty history', async () => {
    expect(await readHistory(aws, env, 5)).toEqual([]);
  });

  it('force-unlock removes the held lock, records who removed whose, then runs the command locked', async () => {
    await acquireLock(aws, env, holder('deadbeef0000', ALICE, '2026-12-04T08:00:00.000Z'), new Date());
    const target = {
      env,
      aws: aws as AwsApis,
      identity: { account: '111111111111', arn: BOB },
      where: `account 111111111111 (${REGION})`,
      kind: 'environment',
    } as OnlineTarget;
    const cap = captureIo();
    const environ = { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'bob', GITHUB_SHA: 'f00d' };

    const wrong = await failure(
      guardRelease(
        { target, command: 'deploy', forceUnlock: '000000000000' },
        cap.io,
        { environ },
        async () => 0,
      ),
    );
    expect(wrong.code).toBe('SW262');
    expect((await readLock(aws, env))?.id).toBe('deadbeef0000');

    let heldDuring: string | undefined;
    await guardRelease(
      { target, command: 'deploy', image: 'abc1234', forceUnlock: 'deadbeef0000' },
      cap.io,
      { environ },
      async () => {
        heldDuring = (await readLock(aws, env))?.by.arn;
      },
    );
    expect(heldDuring).toBe(BOB);
    expect(await readLock(aws, env)).toBeUndefined();
    const history = await readHistory(aws, env, 10);
    expect(history.map((h) => [h.command, h.result])).toEqual([
      ['deploy', 'succeeded'],
      ['force-unlock', 'removed'],
    ]);
    expect(history[1]).toMatchObject({
      by: { arn: BOB, actor: 'bob' },
      commit: 'f00d',
      removedLock: { id: 'deadbeef0000', by: { arn: ALICE }, command: 'deploy' },
    });
    expect(cap.progressLog.join('\n')).toContain('Removed lock deadbeef0000 of prod');
  });
});
