import {
  type ResolvedEnvironment,
  type ResolvedRegistry,
  resolveEnvironment,
  type SlipwayConfig,
} from '@slipway/config';
import { ciRoleArn, registryStackName } from '@slipway/config/contract';
import { Aws, CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ImageCleanup } from '../constructs/registry/image-cleanup.ts';
import { ImageRepository } from '../constructs/registry/image-repository.ts';
import { imageCleanupFunctionName } from '../constructs/registry/tags.ts';

export interface RegistryStackProps extends StackProps {
  /** Where the repository lives and how it is kept (`resolveRegistry(config)`). */
  readonly registry: ResolvedRegistry;
  /** Every environment of the config (not only the ones being synthesized): who pulls, what runs. */
  readonly environments: ResolvedEnvironment[];
  /**
   * Restrict pushes to the CI push role `<app>-ci-push` (created by the CI access stack).
   * @default false: pushing is governed by IAM in the registry account alone
   */
  readonly ciPushRole?: boolean;
}

/**
 * The registry layer, once per app, in the registry account and region (default: the first
 * environment's): the app's ECR repository and the image-cleanup function. It must be deployed
 * before any environment's service stack, whose task definition pulls
 * `<account>.dkr.ecr.<region>.amazonaws.com/<app>:<tag>` from it.
 *
 * The stack is the same whichever environments are synthesized: pull access, protected clusters and
 * the removal policy come from every environment of the config.
 */
export class RegistryStack extends Stack {
  readonly images: ImageRepository;
  readonly cleanup: ImageCleanup | undefined;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const registry = props.registry;
    const environments = props.environments;
    const appName = registry.repositoryName;
    // Images a protected environment runs are production artifacts: keep them if the stack goes.
    const removalPolicy = environments.some((e) => e.protected)
      ? RemovalPolicy.RETAIN
      : RemovalPolicy.DESTROY;

    this.images = new ImageRepository(this, 'Images', {
      repositoryName: registry.repositoryName,
      pullAccounts: environments.map((e) => e.account).filter((a) => a !== registry.account),
      pushRoleArn: props.ciPushRole ? ciRoleArn(registry.account, appName, 'push', Aws.PARTITION) : undefined,
      keepImages: registry.keepImages,
      protectedTags: registry.cleanup.protectedTags,
      removalPolicy,
    });
    const repository = this.images.repository;
    new CfnOutput(this, 'RepositoryUri', {
      value: repository.repositoryUri,
      description: 'docker push/pull address of the app image',
    });
    new CfnOutput(this, 'RepositoryArn', { value: repository.repositoryArn });

    if (registry.cleanup.enabled) {
      this.cleanup = new ImageCleanup(this, 'Cleanup', {
        repository,
        functionName: imageCleanupFunctionName(appName),
        schedule: registry.cleanup.schedule,
        maxAgeDays: registry.cleanup.maxAgeDays,
        dryRun: registry.cleanup.dryRun,
        protectedTags: registry.cleanup.protectedTags,
        // The function can read ECS only here; environments elsewhere are protected by their tags.
        clusters: environments
          .filter((e) => e.account === registry.account && e.region === registry.region)
          .map((e) => ({ environment: e.name, clusterName: e.prefix })),
        alarmEmails: registry.cleanup.alarmEmail,
        removalPolicy,
      });
      new CfnOutput(this, 'CleanupFunctionName', {
        value: this.cleanup.function.functionName,
        description:
          'aws lambda invoke --function-name <this> --payload \'{"dryRun":true}\' (docs/images.md)',
      });
    }
  }
}

/**
 * The app's registry stack `<app>-registry`, in the registry account and region. Built from every
 * environment of the config, so synthesizing a subset of environments yields the same stack.
 */
export function addRegistryStack(scope: Construct, config: SlipwayConfig, registry: ResolvedRegistry) {
  const environments = Object.entries(config.environments).map(([name, env]) =>
    resolveEnvironment(name, env, config),
  );
  const name = registryStackName(config.app.name);
  return new RegistryStack(scope, name, {
    stackName: name,
    env: { account: registry.account, region: registry.region },
    description: `Slipway ${config.app.name}: image registry (ECR repository, lifecycle rules, image-cleanup function)`,
    terminationProtection: environments.some((e) => e.protected),
    registry,
    environments,
    ciPushRole: config.github !== undefined,
  });
}
