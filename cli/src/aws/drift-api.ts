import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStackDriftDetectionStatusCommand,
  type DescribeStackDriftDetectionStatusInput,
  type DescribeStackDriftDetectionStatusOutput,
  DescribeStackResourceDriftsCommand,
  type DescribeStackResourceDriftsInput,
  type DescribeStackResourceDriftsOutput,
  DetectStackDriftCommand,
  type DetectStackDriftInput,
  type DetectStackDriftOutput,
} from '@aws-sdk/client-cloudformation';
import type { TemporaryCredentials } from './api.ts';

export type {
  DescribeStackDriftDetectionStatusOutput,
  PropertyDifference,
  StackResourceDrift,
} from '@aws-sdk/client-cloudformation';

/** An SDK answer without the transport metadata (what a fake returns too). */
export type DriftResponse<T> = Omit<T, '$metadata'>;

/**
 * The three CloudFormation calls `slipway drift` makes, in the SDK's own shapes so the
 * classification reads exactly what CloudFormation reports. Beside the interfaces in `api.ts`, in
 * the same style: the SDK implementation is below; tests use a fake (moto_server does not
 * implement drift detection: DetectStackDrift answers HTTP 500 NotImplementedError).
 */
export interface DriftApi {
  /** Starts drift detection on one stack; returns its StackDriftDetectionId. */
  detectStackDrift(input: DetectStackDriftInput): Promise<DriftResponse<DetectStackDriftOutput>>;
  /** Where one detection stands (DETECTION_IN_PROGRESS, _COMPLETE, _FAILED) and the stack's verdict. */
  describeStackDriftDetectionStatus(
    input: DescribeStackDriftDetectionStatusInput,
  ): Promise<DriftResponse<DescribeStackDriftDetectionStatusOutput>>;
  /** One page of the stack's resource drifts, as of its latest detection. */
  describeStackResourceDrifts(
    input: DescribeStackResourceDriftsInput,
  ): Promise<DriftResponse<DescribeStackResourceDriftsOutput>>;
}

export type DriftFactory = (region: string, credentials?: TemporaryCredentials) => DriftApi;

export interface DriftSdkOptions {
  /** Extra client settings (moto_server's endpoint and dummy credentials in tests). */
  readonly clientConfig?: Pick<CloudFormationClientConfig, 'endpoint' | 'credentials'>;
  /**
   * Attempts per call, with the SDK's backoff. Polling every stack of an environment every 10 s
   * meets CloudFormation's request throttling now and then; a throttled poll must not end the run.
   * @default 6
   */
  readonly maxAttempts?: number;
}

/** The AWS SDK v3 implementation (credentials and endpoints from the standard chain, as `sdk.ts`). */
export function sdkDrift(options: DriftSdkOptions = {}): DriftFactory {
  return (region, credentials) => {
    const client = new CloudFormationClient({
      region,
      maxAttempts: options.maxAttempts ?? 6,
      ...(credentials ? { credentials } : {}),
      ...options.clientConfig,
    });
    return {
      detectStackDrift: (input) => client.send(new DetectStackDriftCommand(input)),
      describeStackDriftDetectionStatus: (input) =>
        client.send(new DescribeStackDriftDetectionStatusCommand(input)),
      describeStackResourceDrifts: (input) => client.send(new DescribeStackResourceDriftsCommand(input)),
    };
  };
}
