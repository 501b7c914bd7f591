import { SQSClient } from '@aws-sdk/client-sqs';
import type { Config } from '../config.ts';

/**
 * The SQS client for the service's queues (the worker's and the producer's). Region, endpoint
 * (AWS_ENDPOINT_URL, for moto_server or ElasticMQ) and credentials (the task role on ECS) come from
 * the SDK's default chain; AWS_REGION is passed when set, since the config has already validated it.
 * Imported on demand only, so `serve` starts without loading the SDK.
 */
export function queueClient(config: Pick<Config, 'region'>): SQSClient {
  return new SQSClient({ ...(config.region ? { region: config.region } : {}) });
}
