import type { ResolvedEnvironment, ResolvedService, SlipwayConfig } from '@slipway/config';
import { PARAMETERS, parameterName, type TargetKind } from '@slipway/config/contract';
import type { AwsApis, AwsFactory, Identity } from './aws/api.ts';
import { sdkFactory } from './aws/sdk.ts';
import { paths } from './context.ts';
import { resolveEnvironmentName } from './environments.ts';
import { CliError } from './errors.ts';
import { serviceParameterNames } from './services/select.ts';
import { type Synthesized, synthesize } from './synth/synthesize.ts';

/** What each online command needs, for the one-line "missing credentials" message. */
export const ACCESS: Readonly<Record<string, string>> = {
  diff: 'read access (cloudformation:GetTemplate, DescribeStacks): the CI plan role has it',
  deploy:
    'the deploy role (CloudFormation via the CDK bootstrap roles, ssm:PutParameter on the release parameter, ecr:DescribeImages, and the lock and audit log: ssm:PutParameter and DeleteParameter on /<app>/<env>/deploy-lock, logs:CreateLogGroup, PutRetentionPolicy, CreateLogStream and PutLogEvents on /<app>/<env>/releases)',
  rollback:
    'the deploy role (as for deploy) and ecr:DescribeImages in the registry; for one service, ecs:ListTaskDefinitions, DescribeTaskDefinition and UpdateService',
  destroy:
    'the deploy role (CloudFormation delete via the CDK bootstrap roles, the lock and audit log as for deploy; with --allow-protected also cloudformation:UpdateTerminationProtection and rds:ModifyDBInstance)',
  history:
    'ssm:GetParameter on /<app>/<env>/deploy-lock and logs:GetLogEvents on the /<app>/<env>/releases log group',
  status:
    'read access (cloudformation:DescribeStacks, ssm:GetParameter, ecs:DescribeServices, elasticloadbalancing:DescribeTargetHealth, states:ListExecutions)',
  drift:
    'read access (cloudformation:DetectStackDrift, DescribeStackDriftDetectionStatus, DescribeStackResourceDrifts, and the describes drift detection makes of each resource): the CI plan role has it',
  logs: 'logs:FilterLogEvents on the service log groups and ssm:GetParameter',
  exec: 'ecs:ExecuteCommand, ecs:ListTasks, ecs:DescribeTasks and ssm:GetParameter',
  run: "states:StartExecution, DescribeExecution and GetExecutionHistory on the job's state machine, logs:FilterLogEvents on its log group and ssm:GetParameter",
  doctor:
    'read access (ssm:GetParameter, ec2:DescribeAccountAttributes, iam:GetRole, acm:DescribeCertificate)',
};

const CREDENTIAL_ERRORS = [
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
];

/** An SDK error as the CLI's one-line error: credentials (SW206), access (SW207), or other (SW220). */
export function awsError(error: unknown, command: string, env: string, where: string): CliError {
  if (error instanceof CliError) return error;
  const name = (error as { name?: string })?.name ?? '';
  const message = ((error as Error)?.message ?? String(error)).split('\n')[0] ?? '';
  if (CREDENTIAL_ERRORS.includes(name) || /Could not load credentials|credential/i.test(message)) {
    return new CliError(
      'SW206',
      `\`slipway ${command} ${env}\` needs AWS credentials for ${where} with ${ACCESS[command] ?? 'access to the environment'}; none usable were found (${name || message})`,
      `aws sso login (or export AWS_PROFILE), then slipway ${command} ${env}`,
    );
  }
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${name} ${message}`)) {
    return new CliError(
      'SW207',
      `\`slipway ${command} ${env}\` was denied in ${where}: ${message}. It needs ${ACCESS[command] ?? 'access to the environment'}`,
      `slipway doctor ${env}`,
    );
  }
  return new CliError('SW220', `${where}: ${name ? `${name}: ` : ''}${message}`, `slipway doctor ${env}`);
}

/** Runs an AWS call, turning failures into one-line CLI errors. */
export async function call<T>(fn: () => Promise<T>, command: string, env: string, where: string): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw awsError(error, command, env, where);
  }
}

/** What the read-only online commands (diff, status) depend on; tests pass fakes. */
export interface ReadDeps {
  readonly factory: AwsFactory;
  readonly synth: (c: SlipwayConfig, env: string) => Synthesized;
}

export const defaultReadDeps: ReadDeps = {
  factory: sdkFactory,
  synth: (c, env) => synthesize(c, { environments: [env], outdir: paths.assembly }),
};

export interface OnlineTarget {
  readonly env: ResolvedEnvironment;
  /** Whether `env` is a configured environment or a pull-request preview. */
  readonly kind: TargetKind;
  readonly aws: AwsApis;
  readonly identity: Identity;
  /** `account 111111111111 (us-east-1)` */
  readonly where: string;
}

/**
 * Resolves the environment and checks the credentials reach its account before anything else
 * happens: missing credentials → SW206, credentials of another account → SW207. One line each.
 */
export async function onlineTarget(
  config: SlipwayConfig,
  envArg: string,
  command: string,
  factory: AwsFactory,
): Promise<OnlineTarget> {
  const { name, kind, environment: env } = resolveEnvironmentName(config, envArg, command);
  const where = `account ${env.account} (${env.region})`;
  const aws = factory(env.region);
  const identity = await call(() => aws.sts.identity(), command, name, where);
  if (identity.account !== env.account) {
    throw new CliError(
      'SW207',
      `the credentials are for account ${identity.account} (${identity.arn}), but ${name} lives in account ${env.account}`,
      `use a profile or role of account ${env.account}, then slipway ${command} ${name}`,
    );
  }
  return { env, kind, aws, identity, where };
}

/**
 * The ECS cluster and service of an environment's service (the default web service when none is
 * given), from what the service stack wrote to SSM.
 */
export async function serviceNames(target: OnlineTarget, command: string, service?: ResolvedService) {
  const { env, aws } = target;
  const serviceParameter = service
    ? serviceParameterNames(env, service).serviceName
    : parameterName(env, PARAMETERS.serviceName);
  const [cluster, name] = await Promise.all([
    call(() => aws.ssm.get(parameterName(env, PARAMETERS.clusterName)), command, env.name, target.where),
    call(() => aws.ssm.get(serviceParameter), command, env.name, target.where),
  ]);
  if (!cluster || !name) {
    throw new CliError(
      'SW215',
      `${env.name} has no ${service ? `service ${service.name}` : 'service'} yet (${serviceParameter} not found in ${target.where})`,
      `slipway deploy ${env.name}`,
    );
  }
  return { cluster, service: name };
}
