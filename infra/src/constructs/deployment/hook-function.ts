import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { FUNCTIONS_DIR, HANDLER_LOCK_FILE } from '../../package-files.ts';
import { handlerBundling } from '../handler-bundling.ts';

/** The handlers in `infra/functions/`, by folder name. */
export type HandlerName = 'migrate-hook' | 'smoke-hook' | 'image-cleanup' | 'zone-lookup' | 'grafana-db';

export interface HandlerFunctionProps {
  /** Which handler in `infra/functions/` to bundle. */
  readonly handler: HandlerName;
  /** Environment variables of the function (never secrets). */
  readonly environment: Record<string, string>;
  /**
   * Function timeout.
   * @default 30 seconds
   */
  readonly timeout?: Duration;
  /**
   * Run inside the VPC (needed only to reach private addresses).
   * @default outside any VPC
   */
  readonly vpc?: {
    readonly vpc: ec2.IVpc;
    readonly subnets: ec2.SubnetSelection;
    readonly securityGroup: ec2.ISecurityGroup;
  };
  /**
   * Days to keep the function's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * One of Slipway's Lambda handlers, bundled locally by esbuild into a single ESM file with its
 * AWS SDK clients pinned (not the runtime's copy), on Node.js 24 / arm64, with its own log group.
 */
export class HandlerFunction extends Construct {
  readonly function: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetentionDays ?? 30,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const entry = `${FUNCTIONS_DIR}${props.handler}/index.ts`;
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry,
      depsLockFilePath: HANDLER_LOCK_FILE,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: props.timeout ?? Duration.seconds(30),
      environment: props.environment,
      logGroup,
      vpc: props.vpc?.vpc,
      vpcSubnets: props.vpc?.subnets,
      securityGroups: props.vpc ? [props.vpc.securityGroup] : undefined,
      bundling: handlerBundling(entry, { target: 'node24' }),
    });
  }
}

/** Lets the migrate hook read both migrations digests and write the applied one, nothing else in SSM. */
export function grantMigrationsDigests(
  fn: HandlerFunction,
  names: { release: string; applied: string },
): void {
  const arn = (name: string) =>
    Stack.of(fn).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\//, '') });
  fn.function.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadMigrationsDigests',
      actions: ['ssm:GetParameter'],
      resources: [arn(names.release), arn(names.applied)],
    }),
  );
  fn.function.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'RecordAppliedDigest',
      actions: ['ssm:PutParameter'],
      resources: [arn(names.applied)],
    }),
  );
}
