import type { SlipwayConfig } from '@slipway/config';
import {
  REGISTRY_TRIGGER,
  registryTriggerFunctionName,
  registryTriggerSecretName,
} from '@slipway/config/contract';
import { CfnOutput, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { FUNCTIONS_DIR, HANDLER_LOCK_FILE } from '../../package-files.ts';
import { acknowledge } from '../../policy/index.ts';
import { handlerBundling } from '../handler-bundling.ts';

/** An environment deployed when a tag matching its pattern is pushed (`deployOnImagePush`). */
export interface TriggerTarget {
  /** Environment name, sent as the workflow's `environment` input. */
  readonly environment: string;
  /** Tag glob; `*` is the one wildcard (EventBridge's `wildcard` matching). */
  readonly tagPattern: string;
}

/** What the registry stack passes: everything but the repository, which the stack owns. */
export interface RegistryTriggerSettings {
  /** Environments and their tag patterns; at least one. */
  readonly targets: TriggerTarget[];
  /** The repository whose workflow is started, and the GitHub App that starts it. */
  readonly github: { readonly owner: string; readonly repository: string; readonly appId: number };
  /** Physical name of the function, e.g. `slipway-registry-trigger`. */
  readonly functionName: string;
  /** Name of the secret created for the App's private key, e.g. `slipway/registry-trigger/github-app-private-key`. */
  readonly secretName: string;
  /**
   * Workflow file dispatched; its workflow_dispatch takes `environment` and `image-tag`.
   * @default 'app.yml'
   */
  readonly workflow?: string;
  /**
   * Days the function's log group keeps its lines (one per push it handled).
   * @default logs.RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the secret and the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface RegistryTriggerProps extends RegistryTriggerSettings {
  /** The app's ECR repository, in this stack's account and region (where its push events fire). */
  readonly repository: ecr.IRepository;
}

const ENTRY = `${FUNCTIONS_DIR}registry-trigger/index.ts`;

/**
 * Deploy on image push: an EventBridge rule on `ECR Image Action` (PUSH, SUCCESS, the app's
 * repository, a tag matching one of the patterns) invokes a function that starts the app workflow
 * (`workflow_dispatch` with `environment` and `image-tag`) as a GitHub App. The App's private key
 * lives in a secret created here with a generated placeholder, to be replaced by the operator; the
 * function's role may read that one secret and write its own logs, nothing else.
 */
export class RegistryTrigger extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly rule: events.Rule;
  readonly secret: secretsmanager.Secret;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RegistryTriggerProps) {
    super(scope, id);
    if (props.targets.length === 0)
      throw new Error('RegistryTrigger: targets is empty; pass at least one environment');
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.secret = new secretsmanager.Secret(this, 'PrivateKey', {
      secretName: props.secretName,
      description: `Private key (PEM) of GitHub App ${props.github.appId}, which ${props.functionName} starts workflows as. Created with a placeholder: put the App's key here (docs/pipelines.md)`,
      removalPolicy,
    });
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      "A GitHub App's private key is generated in GitHub's App settings, not by a rotation function; rotate it there and put the new key here (docs/pipelines.md).",
    );

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}: reads the GitHub App's private key, nothing else`,
    });
    this.logGroup.grantWrite(this.role);
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadTheGitHubAppKey',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [this.secret.secretArn],
      }),
    );

    this.function = this.createFunction(props);
    this.rule = new events.Rule(this, 'ImagePushed', {
      description: `A push to ${props.repository.repositoryName} of a tag ${props.targets.map((t) => t.tagPattern).join(' or ')} deploys ${props.targets.map((t) => t.environment).join(', ')}`,
      eventPattern: imagePushPattern(props.repository.repositoryName, props.targets),
      targets: [
        new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.hours(1) }),
      ],
    });

    new CfnOutput(this, 'SecretName', {
      value: this.secret.secretName,
      description:
        "Put the GitHub App's private key here: aws secretsmanager put-secret-value --secret-id <this> --secret-string file://app.private-key.pem",
    });
  }

  private createFunction(props: RegistryTriggerProps): nodejs.NodejsFunction {
    return new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: `Starts ${props.workflow ?? REGISTRY_TRIGGER.workflow} of ${props.github.owner}/${props.github.repository} when a matching tag is pushed (docs/pipelines.md)`,
      entry: ENTRY,
      depsLockFilePath: HANDLER_LOCK_FILE,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      // Four HTTPS calls to GitHub at most.
      timeout: Duration.seconds(30),
      role: this.role,
      logGroup: this.logGroup,
      // A dispatch GitHub refused (or could not be reached for) is tried twice more.
      retryAttempts: 2,
      environment: {
        SECRET_ID: this.secret.secretArn,
        GITHUB_APP_ID: String(props.github.appId),
        GITHUB_OWNER: props.github.owner,
        GITHUB_REPOSITORY: props.github.repository,
        WORKFLOW: props.workflow ?? REGISTRY_TRIGGER.workflow,
        REPOSITORY_NAMES: props.repository.repositoryName,
        TARGETS: JSON.stringify(
          props.targets.map((t) => ({ environment: t.environment, tagPattern: t.tagPattern })),
        ),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: handlerBundling(ENTRY, { sourceMap: true, mainFields: ['module', 'main'] }),
    });
  }
}

/** The rule's pattern: a successful push to `repositoryName` of a tag one of the globs matches. */
export function imagePushPattern(
  repositoryName: string,
  targets: readonly TriggerTarget[],
): events.EventPattern {
  const tags = [...new Set(targets.map((t) => t.tagPattern))].map((p) =>
    p.includes('*') ? { wildcard: p } : p,
  );
  return {
    source: ['aws.ecr'],
    detailType: ['ECR Image Action'],
    detail: {
      'action-type': ['PUSH'],
      result: ['SUCCESS'],
      'repository-name': [repositoryName],
      'image-tag': tags,
    },
  };
}

/** The registry trigger's settings from the config, or undefined when no environment deploys on image push. */
export function registryTriggerSettings(config: SlipwayConfig): RegistryTriggerSettings | undefined {
  const found = Object.entries(config.environments).flatMap(([environment, env]) =>
    env.deployOnImagePush ? [{ environment, tagPattern: env.deployOnImagePush.tagPattern }] : [],
  );
  if (found.length === 0) return undefined;
  const github = config.github;
  // The config refuses this (SW170); a config built in code may still try.
  if (github?.appId === undefined)
    throw new Error(
      'deployOnImagePush needs github: { owner, repository, appId } in slipway.config.ts (SW170)',
    );
  return {
    targets: found,
    github: { owner: github.owner, repository: github.repository, appId: github.appId },
    functionName: registryTriggerFunctionName(config.app.name),
    secretName: registryTriggerSecretName(config.app.name),
  };
}
