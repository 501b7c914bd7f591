import type { SQSClient } from '@aws-sdk/client-sqs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';
import { REQUEST_ID_ATTRIBUTE, type WorkMessage } from '../../worker/message.ts';

declare module 'fastify' {
  interface FastifyInstance {
    workQueue: WorkQueue;
  }
}

/** The worker's queue, as seen by the web service that sends it work. */
export interface WorkQueue {
  /** False when WORKER_QUEUE_URL is unset: `send` then throws QUEUE_NOT_CONFIGURED. */
  readonly configured: boolean;
  /**
   * Queues one message, tagged with the id of the request that asked for it (the worker logs it).
   * @returns the SQS message id.
   * @throws AppError QUEUE_NOT_CONFIGURED (no queue), QUEUE_UNAVAILABLE (SQS refused or was unreachable).
   */
  send(message: WorkMessage, requestId: string, log: FastifyBaseLogger): Promise<string>;
}

/**
 * `app.workQueue`. The SQS client is loaded and created on the first message, not at start: most
 * requests never send one, and start-up time is what a deploy waits for.
 */
export default fp(
  async function workQueue(app: FastifyInstance) {
    const queueUrl = app.config.workerQueueUrl;
    let client: Promise<SQSClient> | undefined;
    const sqs = () => {
      client ??= import('../../worker/queue-client.ts').then(({ queueClient }) => queueClient(app.config));
      return client;
    };
    app.decorate('workQueue', {
      configured: queueUrl !== null,
      async send(message, requestId, log) {
        if (queueUrl === null) throw new AppError('QUEUE_NOT_CONFIGURED');
        const { SendMessageCommand } = await import('@aws-sdk/client-sqs');
        try {
          const output = await (await sqs()).send(
            new SendMessageCommand({
              QueueUrl: queueUrl,
              MessageBody: JSON.stringify(message),
              MessageAttributes: { [REQUEST_ID_ATTRIBUTE]: { DataType: 'String', StringValue: requestId } },
            }),
          );
          return output.MessageId ?? '';
        } catch (error) {
          log.warn({ err: error }, `could not send to the worker queue: ${(error as Error).message}`);
          throw new AppError('QUEUE_UNAVAILABLE');
        }
      },
    } satisfies WorkQueue);
    app.addHook('onClose', async () => {
      if (client) (await client).destroy();
    });
  },
  { name: 'work-queue', dependencies: ['config'] },
);
