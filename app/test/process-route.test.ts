/**
 * `POST /api/items/:id/process`, the web service's producer path to the worker's queue, against
 * moto_server's SQS and the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - with WORKER_QUEUE_URL: 202 `{ itemId, messageId }`, and the queue holds exactly
 *   `{"itemId":…,"action":"process"}` with the request's id as the `requestId` attribute.
 * - without WORKER_QUEUE_URL: 503 QUEUE_NOT_CONFIGURED in the error shape; nothing is sent.
 * - a malformed id is 400 naming params.id; an unknown id is 404 ITEM_NOT_FOUND; nothing is sent.
 * - SQS refusing the message (the queue is gone): 503 QUEUE_UNAVAILABLE with retry-after.
 * - the variable names are the contract's (config/src/contract/worker.ts).
 */
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { producerQueueVariable, WORKER_QUEUE_URL_VARIABLE } from '@slipway/config/contract';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { envSchema } from '../src/config.ts';
import { buildTestApp, createMigratedDatabase, type TestDatabase, uniqueName } from './helper.ts';
import { createQueue, queueDepth, type TestQueue } from './queue.ts';

const UNKNOWN_ID = '0b5f4c84-3c1e-4f6e-9d55-2f1c2e8f6a10';

describe('queue variable names', () => {
  it('are the ones the contract gives the worker and its producers', () => {
    expect(Object.keys(envSchema.properties)).toContain(WORKER_QUEUE_URL_VARIABLE);
    expect(Object.keys(envSchema.properties)).toContain(producerQueueVariable('worker'));
  });
});

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await db?.close();
});

async function createItem(app: Awaited<ReturnType<typeof buildTestApp>>['app']): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/items', payload: { name: 'queued' } });
  return response.json<{ id: string }>().id;
}

describe('without a worker queue', () => {
  it('answers 503 QUEUE_NOT_CONFIGURED', async () => {
    const { app } = await buildTestApp(db);
    const id = await createItem(app);
    const response = await app.inject({ method: 'POST', url: `/api/items/${id}/process` });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({
      error: {
        code: 'QUEUE_NOT_CONFIGURED',
        message: 'No worker queue is configured.',
        requestId: response.headers['x-request-id'],
      },
    });
  });
});

const moto = motoServerAvailability();

describe.skipIf(!moto.available)('with a worker queue on moto SQS', () => {
  let server: MotoServer;
  let sqs: SQSClient;
  let queue: TestQueue;

  beforeAll(async () => {
    server = await startMotoServer();
    sqs = new SQSClient(server.clientConfig);
    queue = await createQueue(sqs, uniqueName('work'));
    // The service builds its SQS client from the environment, as on ECS (endpoint and credentials).
    for (const [name, value] of Object.entries(server.env)) vi.stubEnv(name, value);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    sqs?.destroy();
    await server?.stop();
  });

  const build = (queueUrl = queue.url) =>
    buildTestApp(db, { env: { WORKER_QUEUE_URL: queueUrl, AWS_REGION: server.region } });

  it('queues the item for the worker and answers 202', async () => {
    const { app } = await build();
    const id = await createItem(app);
    const response = await app.inject({
      method: 'POST',
      url: `/api/items/${id}/process`,
      headers: { 'x-request-id': 'rid-process-1' },
    });
    expect(response.statusCode).toBe(202);
    const body = response.json<{ itemId: string; messageId: string }>();
    expect(body.itemId).toBe(id);

    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    expect(Messages).toHaveLength(1);
    expect(Messages[0]?.MessageId).toBe(body.messageId);
    expect(JSON.parse(Messages[0]?.Body ?? '')).toEqual({ itemId: id, action: 'process' });
    expect(Messages[0]?.MessageAttributes?.requestId?.StringValue).toBe('rid-process-1');
  });

  it('rejects a malformed id with 400 and an unknown one with 404, sending nothing', async () => {
    const { app } = await build();
    const before = await queueDepth(sqs, queue.url);
    const malformed = await app.inject({ method: 'POST', url: '/api/items/not-a-uuid/process' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.fields.map((f: { field: string }) => f.field)).toEqual(['params.id']);
    const unknown = await app.inject({ method: 'POST', url: `/api/items/${UNKNOWN_ID}/process` });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('ITEM_NOT_FOUND');
    expect(await queueDepth(sqs, queue.url)).toEqual(before);
  });

  it('answers 503 QUEUE_UNAVAILABLE with retry-after when SQS refuses the message', async () => {
    const missing = queue.url.replace(/[^/]+$/, uniqueName('missing'));
    const { app } = await build(missing);
    const id = await createItem(app);
    const response = await app.inject({ method: 'POST', url: `/api/items/${id}/process` });
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('QUEUE_UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('5');
  });
});
