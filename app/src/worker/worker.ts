import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { FastifyBaseLogger } from 'fastify';
import { REQUEST_ID_ATTRIBUTE, type WorkMessage } from './message.ts';
import { parseWorkMessage } from './parse-message.ts';

/** What became of a well-formed message: the work was done, or its item no longer exists. */
export type WorkOutcome = 'processed' | 'item-gone';

/** Does the work a message asks for; throws when it failed and is worth another attempt. */
export type WorkHandler = (message: WorkMessage) => Promise<WorkOutcome>;

export interface QueueWorkerOptions {
  /** The SQS client (region, endpoint and credentials from the environment in production). */
  readonly sqs: SQSClient;
  /** The queue consumed (QUEUE_URL). */
  readonly queueUrl: string;
  /** Does the work; see `WorkHandler`. */
  readonly handle: WorkHandler;
  readonly logger: FastifyBaseLogger;
  /**
   * Seconds a receive waits for a message (SQS long polling, at most 20).
   * @default 20: the fewest empty receives, each of which SQS bills as a request
   */
  readonly waitSeconds?: number;
  /**
   * Messages taken per receive, handled one after the other.
   * @default 10 (SQS's largest batch)
   */
  readonly batchSize?: number;
}

/** Longest pause between failed receives (the queue unreachable, throttling, expired credentials). */
const MAX_RETRY_DELAY_MS = 20_000;

/**
 * Long-polls an SQS queue and hands each message to `handle`.
 *
 * - Success: the message is deleted. A deletion that fails is logged; SQS delivers the message again
 *   and the work is done twice, which `handle` must tolerate (SQS delivers at least once anyway).
 * - Failure (`handle` throws): the message is left alone. It becomes visible again after the queue's
 *   visibility timeout and is retried; after the redrive policy's `maxReceiveCount` receives SQS moves
 *   it to the dead-letter queue.
 * - Malformed body: one error line, and the message is left alone too, so it reaches the dead-letter
 *   queue, where an operator can read it and redrive it once a worker that understands it runs
 *   (a newer producer during a rollback sends what this worker cannot read). Deleting it would lose
 *   the evidence.
 * - `stop()`: no new receive starts, a receive in progress is abandoned, the message being handled
 *   is finished (and deleted), and the rest of its batch is made visible again at once.
 */
export class QueueWorker {
  readonly #options: QueueWorkerOptions;
  readonly #poll = new AbortController();
  #stopping = false;
  #running: Promise<void> | undefined;

  constructor(options: QueueWorkerOptions) {
    this.#options = options;
  }

  /** Starts polling; the promise settles when the worker has stopped. */
  start(): Promise<void> {
    this.#running ??= this.#loop();
    return this.#running;
  }

  /** Stops after the message in hand; resolves when the worker has stopped. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#poll.abort();
    await this.#running;
  }

  async #loop(): Promise<void> {
    const { logger, queueUrl } = this.#options;
    logger.info({ queueUrl }, 'worker: polling the queue');
    let failures = 0;
    while (!this.#stopping) {
      let messages: Message[];
      try {
        messages = await this.#receive();
        failures = 0;
      } catch (error) {
        if (this.#stopping) break;
        failures++;
        const delayMs = Math.min(1000 * 2 ** (failures - 1), MAX_RETRY_DELAY_MS);
        logger.error({ err: error, retryInMs: delayMs }, 'worker: could not receive from the queue');
        await sleep(delayMs, undefined, { signal: this.#poll.signal }).catch(() => {});
        continue;
      }
      for (const [index, message] of messages.entries()) {
        if (this.#stopping) {
          await this.#release(messages.slice(index));
          break;
        }
        await this.#handleOne(message);
      }
    }
    logger.info('worker: stopped polling');
  }

  async #receive(): Promise<Message[]> {
    const output = await this.#options.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.#options.queueUrl,
        MaxNumberOfMessages: this.#options.batchSize ?? 10,
        WaitTimeSeconds: this.#options.waitSeconds ?? 20,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        MessageAttributeNames: [REQUEST_ID_ATTRIBUTE],
      }),
      { abortSignal: this.#poll.signal },
    );
    return output.Messages ?? [];
  }

  async #handleOne(message: Message): Promise<void> {
    const requestId = message.MessageAttributes?.[REQUEST_ID_ATTRIBUTE]?.StringValue;
    // Every line about this message carries its id (and the id of the request that queued it).
    const log = this.#options.logger.child({
      messageId: message.MessageId,
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
      ...(requestId === undefined ? {} : { requestId }),
    });
    const parsed = parseWorkMessage(message.Body);
    if (!parsed.ok) {
      log.error(`worker: malformed message, left for the dead-letter queue: ${parsed.reason}`);
      return;
    }
    const { itemId, action } = parsed.message;
    const started = performance.now();
    let outcome: WorkOutcome;
    try {
      outcome = await this.#options.handle(parsed.message);
    } catch (error) {
      log.error({ err: error, itemId, action }, 'worker: processing failed; the message will be retried');
      return;
    }
    try {
      await this.#options.sqs.send(
        new DeleteMessageCommand({ QueueUrl: this.#options.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    } catch (error) {
      log.error(
        { err: error, itemId },
        'worker: done, but the message could not be deleted; it will be redelivered',
      );
      return;
    }
    const durationMs = Math.round(performance.now() - started);
    if (outcome === 'item-gone')
      log.warn({ itemId, action, durationMs }, 'worker: the item no longer exists; message deleted');
    else log.info({ itemId, action, durationMs }, 'worker: item processed; message deleted');
  }

  /** Makes messages received but not started visible again now, rather than after the visibility timeout. */
  async #release(messages: readonly Message[]): Promise<void> {
    if (messages.length === 0) return;
    try {
      await this.#options.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#options.queueUrl,
          Entries: messages.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      this.#options.logger.info(
        { released: messages.length },
        'worker: stopping; messages not yet started released',
      );
    } catch (error) {
      // They come back after the visibility timeout anyway.
      this.#options.logger.warn({ err: error }, 'worker: could not release the messages not yet started');
    }
  }
}
