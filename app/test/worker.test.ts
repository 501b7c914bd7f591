/**
 * The queue worker (`node dist/main.js worker`, src/worker/) against SQS semantics in moto_server and
 * the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - a well-formed message stamps the item's processed_at, then the message is deleted.
 * - a message whose item was deleted meanwhile is deleted with a warning (nothing left to do).
 * - processing fails (a database trigger rejects the update): the message is not deleted; it comes
 *   back after the visibility timeout with a higher receive count, and succeeds once the fault is gone.
 * - malformed bodies (not JSON, wrong shape): one error line each receive, naming the problem and
 *   not quoting the body; never deleted, so SQS moves them to the dead-letter queue after maxReceiveCount.
 * - SIGTERM while a message is in hand (its row locked by the test): the worker finishes it, deletes
 *   it, and exits 0; past SHUTDOWN_TIMEOUT_MS it exits 1 and the message stays on the queue;
 *   SIGTERM while waiting for messages exits 0 at once.
 * - no QUEUE_URL: exit 1 with one line naming the variable.
 */
import { DeleteQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { ItemsRepository } from '../src/plugins/app/items-repository.ts';
import { QueueWorker } from '../src/worker/worker.ts';
import { createMigratedDatabase, LogCapture, type TestDatabase, testEnv, uniqueName } from './helper.ts';
import { killAll, spawnBundle } from './process.ts';
import { createQueue, queueDepth, type TestQueue, waitFor } from './queue.ts';

const moto = motoServerAvailability();

describe.skipIf(!moto.available)('queue worker against moto SQS and PostgreSQL', () => {
  let server: MotoServer;
  let sqs: SQSClient;
  let db: TestDatabase;
  let pool: pg.Pool;
  let items: ItemsRepository;
  let queue: TestQueue;

  beforeAll(async () => {
    [server, db] = await Promise.all([startMotoServer(), createMigratedDatabase('postgres')]);
    sqs = new SQSClient(server.clientConfig);
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    items = new ItemsRepository(pool, db.schema);
  });

  afterAll(async () => {
    await killAll();
    sqs?.destroy();
    await pool?.end();
    await db?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    queue = await createQueue(sqs, uniqueName('work'), { visibilityTimeoutSeconds: 1 });
  });

  afterEach(async () => {
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
  });

  /** A worker in this process, on the test schema, logging into `logs`; stopped after the test. */
  function startWorker(queueUrl: string, logs: LogCapture) {
    const logger = createLogger({ ...loadConfig(testEnv(db)), logLevel: 'info' }, logs);
    const worker = new QueueWorker({
      sqs,
      queueUrl,
      logger,
      handle: async ({ itemId }) => ((await items.markProcessed(itemId)) ? 'processed' : 'item-gone'),
    });
    const stopped = worker.start();
    return { worker, stopped };
  }

  async function send(queueUrl: string, body: string): Promise<string> {
    const { MessageId } = await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    return MessageId ?? '';
  }

  const work = (itemId: string) => JSON.stringify({ itemId, action: 'process' });
  const processedAt = async (id: string) =>
    (await db.query(`SELECT processed_at FROM "${db.schema}".items WHERE id = $1`, [id])).rows[0]
      ?.processed_at as Date | null | undefined;
  const linesFor = (logs: LogCapture, messageId: string) =>
    logs.lines.filter((line) => line.messageId === messageId);

  it('processes a message, stamps processed_at and deletes the message', async () => {
    const item = await items.create({ name: 'to process' });
    const logs = new LogCapture();
    const { worker } = startWorker(queue.url, logs);
    try {
      const messageId = await send(queue.url, work(item.id));
      const line = await waitFor('the processed line', () =>
        linesFor(logs, messageId).find((l) => l.msg === 'worker: item processed; message deleted'),
      );
      expect(line).toMatchObject({ level: 'info', itemId: item.id, receiveCount: 1 });
      expect(await processedAt(item.id)).toBeInstanceOf(Date);
      expect((await items.get(item.id))?.processedAt).not.toBeNull();
      expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      await worker.stop();
    }
  });

  it('deletes the message with a warning when its item no longer exists', async () => {
    const logs = new LogCapture();
    const { worker } = startWorker(queue.url, logs);
    try {
      const messageId = await send(queue.url, work('0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10'));
      const line = await waitFor('the item-gone line', () =>
        linesFor(logs, messageId).find((l) => l.level === 'warn'),
      );
      expect(line.msg).toBe('worker: the item no longer exists; message deleted');
      expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      await worker.stop();
    }
  });

  it('leaves a message whose processing failed, and retries it after the visibility timeout', async () => {
    const item = await items.create({ name: 'poison' });
    const trigger = `fail_${item.id.slice(0, 8)}`;
    await db.query(
      `CREATE FUNCTION "${db.schema}".${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'the test rejects this update'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER ${trigger} BEFORE UPDATE ON "${db.schema}".items
         FOR EACH ROW WHEN (OLD.id = '${item.id}') EXECUTE FUNCTION "${db.schema}".${trigger}()`,
    );
    const logs = new LogCapture();
    const { worker } = startWorker(queue.url, logs);
    try {
      const messageId = await send(queue.url, work(item.id));
      const failures = await waitFor('two failed attempts', () => {
        const failed = linesFor(logs, messageId).filter(
          (l) => l.msg === 'worker: processing failed; the message will be retried',
        );
        return failed.length >= 2 ? failed : undefined;
      });
      expect(failures.map((l) => l.receiveCount).slice(0, 2)).toEqual([1, 2]);
      expect(failures[0]?.err).toMatchObject({ message: 'the test rejects this update' });
      // Redelivered only once the 1 s visibility timeout had passed, not at once.
      const gapMs = Date.parse(String(failures[1]?.time)) - Date.parse(String(failures[0]?.time));
      expect(gapMs).toBeGreaterThanOrEqual(500);
      expect(await processedAt(item.id)).toBeNull();

      await db.query(`DROP TRIGGER ${trigger} ON "${db.schema}".items`);
      const done = await waitFor('the processed line', () =>
        linesFor(logs, messageId).find((l) => l.msg === 'worker: item processed; message deleted'),
      );
      expect(done.receiveCount).toBeGreaterThanOrEqual(3);
      expect(await processedAt(item.id)).toBeInstanceOf(Date);
      expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
    } finally {
      await worker.stop();
    }
  });

  it('logs a malformed message once per receive and leaves it for the dead-letter queue', async () => {
    const dlq = await createQueue(sqs, uniqueName('dlq'));
    const source = await createQueue(sqs, uniqueName('work'), {
      visibilityTimeoutSeconds: 1,
      deadLetter: { arn: dlq.arn, maxReceiveCount: 2 },
    });
    const logs = new LogCapture();
    const { worker } = startWorker(source.url, logs);
    try {
      const notJson = await send(source.url, 'password=hunter2 {');
      const wrongShape = await send(source.url, JSON.stringify({ itemId: 7, action: 'explode', extra: 1 }));
      await waitFor('both messages in the dead-letter queue', async () =>
        (await queueDepth(sqs, dlq.url)).visible === 2 ? true : undefined,
      );
      expect(await queueDepth(sqs, source.url)).toEqual({ visible: 0, inFlight: 0 });

      const notJsonLines = linesFor(logs, notJson);
      expect(notJsonLines.map((l) => l.receiveCount)).toEqual([1, 2]);
      expect(notJsonLines.every((l) => l.level === 'error')).toBe(true);
      expect(notJsonLines[0]?.msg).toBe(
        'worker: malformed message, left for the dead-letter queue: the body is not JSON (18 characters)',
      );
      const shapeLine = String(linesFor(logs, wrongShape)[0]?.msg);
      expect(shapeLine).toContain('itemId must be string');
      expect(shapeLine).toContain('action must be equal to constant');
      expect(shapeLine).toContain('must NOT have additional properties ("extra")');
      expect(logs.raw.join('\n')).not.toContain('hunter2');
    } finally {
      await worker.stop();
      await sqs.send(new DeleteQueueCommand({ QueueUrl: source.url }));
      await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq.url }));
    }
  });

  describe('the bundled command', () => {
    const appName = uniqueName('worker-test').replaceAll('_', '-');
    const workerEnv = () =>
      testEnv(db, {
        ...server.env,
        QUEUE_URL: queue.url,
        APP_NAME: appName,
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
      });

    it('finishes the message in hand on SIGTERM, deletes it and exits 0', async () => {
      const item = await items.create({ name: 'slow' });
      // Hold the item's row so that the worker's update waits: the message is provably in hand.
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${db.schema}".items WHERE id = $1 FOR UPDATE`, [item.id]);
        await send(queue.url, work(item.id));
        const proc = spawnBundle(['worker'], workerEnv());
        await waitFor('the worker waiting for the row lock', async () => {
          const { rows } = await db.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [`${appName}:worker`],
          );
          return rows.length > 0 ? true : undefined;
        });
        proc.child.kill('SIGTERM');
        await waitFor('the shutdown line', () =>
          proc.output().includes('shutting down: finishing the message in hand') ? true : undefined,
        );
        expect(proc.child.exitCode).toBeNull();
        await holder.query('COMMIT');
        const { code } = await proc.exited;
        expect(code, proc.output()).toBe(0);
        expect(proc.output()).toContain('worker: item processed; message deleted');
        expect(await processedAt(item.id)).toBeInstanceOf(Date);
        expect(await queueDepth(sqs, queue.url)).toEqual({ visible: 0, inFlight: 0 });
      } finally {
        await holder.end();
      }
    });

    it('exits 1 when the message in hand outlasts SHUTDOWN_TIMEOUT_MS, leaving it on the queue', async () => {
      const item = await items.create({ name: 'stuck' });
      const holder = new pg.Client({ connectionString: db.url });
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query(`SELECT id FROM "${db.schema}".items WHERE id = $1 FOR UPDATE`, [item.id]);
        await send(queue.url, work(item.id));
        const proc = spawnBundle(['worker'], { ...workerEnv(), SHUTDOWN_TIMEOUT_MS: '500' });
        await waitFor('the worker waiting for the row lock', async () => {
          const { rows } = await db.query(
            `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
            [`${appName}:worker`],
          );
          return rows.length > 0 ? true : undefined;
        });
        proc.child.kill('SIGTERM');
        const { code } = await proc.exited;
        expect(code, proc.output()).toBe(1);
        expect(proc.output()).not.toContain('message deleted');
        const depth = await queueDepth(sqs, queue.url);
        expect(depth.visible + depth.inFlight).toBe(1);
        expect(await processedAt(item.id)).toBeNull();
      } finally {
        await holder.query('ROLLBACK');
        await holder.end();
      }
    });

    it('exits 0 on SIGTERM while waiting for messages', async () => {
      const proc = spawnBundle(['worker'], workerEnv());
      await waitFor('the polling line', () =>
        proc.output().includes('worker: polling the queue') ? true : undefined,
      );
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      expect(code, proc.output()).toBe(0);
      expect(proc.output()).toContain('worker: stopped polling');
    });

    it('exits 1 naming QUEUE_URL when it is not set', async () => {
      const env: Record<string, string> = workerEnv();
      delete env.QUEUE_URL;
      const proc = spawnBundle(['worker'], env);
      const { code } = await proc.exited;
      expect(code).toBe(1);
      expect(proc.output().trim().split('\n')).toEqual([
        expect.stringMatching(/^QUEUE_URL: got nothing; expected an SQS queue URL/),
      ]);
    });
  });
});
