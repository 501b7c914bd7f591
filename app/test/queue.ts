/** Test support for the SQS paths (worker and producer) against moto_server. */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  QueueAttributeName,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/**
 * Polls `check` until it returns something other than undefined, and returns that. The deadline is a
 * hang guard sized for a busy machine, not an expected duration.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface TestQueue {
  readonly url: string;
  readonly arn: string;
}

/** Creates a queue; `visibilityTimeoutSeconds` short so that redelivery happens within a test. */
export async function createQueue(
  sqs: SQSClient,
  name: string,
  options: { visibilityTimeoutSeconds?: number; deadLetter?: { arn: string; maxReceiveCount: number } } = {},
): Promise<TestQueue> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        ...(options.deadLetter
          ? {
              RedrivePolicy: JSON.stringify({
                deadLetterTargetArn: options.deadLetter.arn,
                maxReceiveCount: options.deadLetter.maxReceiveCount,
              }),
            }
          : {}),
      },
    }),
  );
  if (!QueueUrl) throw new Error(`no URL for queue ${name}`);
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: [QueueAttributeName.QueueArn] }),
  );
  return { url: QueueUrl, arn: Attributes?.QueueArn ?? '' };
}

/** Messages on the queue: `visible` waiting, `inFlight` received and neither deleted nor timed out. */
export async function queueDepth(
  sqs: SQSClient,
  url: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        QueueAttributeName.ApproximateNumberOfMessages,
        QueueAttributeName.ApproximateNumberOfMessagesNotVisible,
      ],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
