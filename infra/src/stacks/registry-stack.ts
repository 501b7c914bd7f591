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
import { ImageReplication } from '../constructs/registry/replication.ts';
import { imageCleanupFunctionName } from '../constructs/registry/tags.ts';
import {
  RegistryTrigger,
  type RegistryTriggerSettings,
  registryTriggerSettings,
} from '../constructs/registry-trigger/index.ts';

export interface RegistryStackProps extends StackProps {
  /** Where the repositories live, which exist and how they are kept (`resolveRegistry(config)`). */
  readonly registry: ResolvedRegistry;
  /** Every environment of the config (not only the ones being synthesized): who pulls, what runs. */
  readonly environments: ResolvedEnvironment[];
  /**
   * Restrict pushes to the CI push role `<app>-ci-push` (created by the CI access stack).
   * @default false: pushing is governed by IAM in the registry account alone
   */
  readonly ciPushRole?: boolean;
  /**
   * Deploy on image push (`environments.<env>.deployOnImagePush`): the rule, function and secret
   * of constructs/registry-trigger/, on the app's repository.
   * @default - no environment deploys on image push; nothing is created
   */
  readonly trigger?: RegistryTriggerSettings;
}

/**
 * The registry layer, once per app, in the registry account and region (default: the first
 * environment's): the app's ECR repositories and the image-cleanup function. It must be deployed
 * before any environment's service stack, whose task definitions pull
 * `<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>` from it. One repository per built
 * image: the app's `<app>` (the default web service's image; always present) and `<app>-<owner>`
 * for each other service that builds one (`resolveRegistry(config).repositories`).
 *
 * With replicated images (`registry.replicas`) it also holds the registry's replication
 * configuration: every repository is copied to each other account and region of the environments,
 * whose replica stacks (registry-replica-stack.ts) receive and clean the copies.
 *
 * The stack is the same whichever environments are synthesized: pull access, protected clusters and
 * the removal policy come from every environment of the config.
 */
export class RegistryStack extends Stack {
  /** The app's repository `<app>` (the default web service's image). */
  readonly images: ImageRepository;
  /** Every repository of the app: `images` first, then `<app>-<owner>` per other built image. */
  readonly repositories: ImageRepository[];
  readonly cleanup: ImageCleanup | undefined;
  readonly trigger: RegistryTrigger | undefined;
  /** The copy of every image to the other accounts and regions of the environments (`registry.replicas`). */
  readonly replication: ImageReplication | undefined;

  constructor(scope: Construct, id: string, props: RegistryStackProps) {
    super(scope, id, props);
    const registry = props.registry;
    const environments = props.environments;
    const appName = registry.repositoryName;
    // Images a protected environment runs are production artifacts: keep them if the stack goes.
    const removalPolicy = environments.some((e) => e.protected)
      ? RemovalPolicy.RETAIN
      : RemovalPolicy.DESTROY;
    // Every repository is kept the same way: pull, push, lifecycle and scanning.
    const common = {
      pullAccounts: environments.map((e) => e.account).filter((a) => a !== registry.account),
      pushRoleArn: props.ciPushRole ? ciRoleArn(registry.account, appName, 'push', Aws.PARTITION) : undefined,
      keepImages: registry.keepImages,
      protectedTags: registry.cleanup.protectedTags,
      removalPolicy,
    };

    // The app's repository keeps the id `Images` it had with one image, so upgrading replaces nothing.
    this.images = new ImageRepository(this, 'Images', { ...common, repositoryName: registry.repositoryName });
    this.repositories = [this.images];
    this.output('', this.images, 'the app image');
    for (const spec of registry.repositories.filter((r) => !r.primary)) {
      const images = new ImageRepository(this, `Images${pascal(spec.owner)}`, {
        ...common,
        repositoryName: spec.name,
      });
      this.repositories.push(images);
      this.output(pascal(spec.owner), images, `the image of service ${spec.owner}`);
    }
    if (registry.grafanaRepository) this.addGrafanaRepository(registry, common);

    this.replication =
      registry.replicas.length > 0
        ? new ImageReplication(this, 'Replication', { destinations: registry.replicas })
        : undefined;

    if (registry.cleanup.enabled) {
      this.cleanup = new ImageCleanup(this, 'Cleanup', {
        repositories: this.repositories.map((r) => r.repository),
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

    // Deploy on image push: its own construct (constructs/registry-trigger/), off unless configured.
    this.trigger = props.trigger
      ? new RegistryTrigger(this, 'Trigger', {
          ...props.trigger,
          removalPolicy,
          repository: this.images.repository,
        })
      : undefined;
  }

  /** Grafana's image (built from grafana/Dockerfile), kept like the app's images. */
  private addGrafanaRepository(
    registry: ResolvedRegistry,
    common: Omit<ConstructorParameters<typeof ImageRepository>[2], 'repositoryName'>,
  ) {
    const name = registry.grafanaRepository as string;
    if (registry.repositories.some((spec) => spec.name === name))
      throw new Error(
        `RegistryStack: repository ${name} holds Grafana's image; rename the service whose image would go there`,
      );
    const images = new ImageRepository(this, 'ImagesGrafana', { ...common, repositoryName: name });
    this.repositories.push(images);
    this.output('Grafana', images, "Grafana's image");
  }

  /** `RepositoryUri<Owner>` and `RepositoryArn<Owner>`; the app's repository keeps the plain ids. */
  private output(suffix: string, images: ImageRepository, what: string) {
    new CfnOutput(this, `RepositoryUri${suffix}`, {
      value: images.repository.repositoryUri,
      description: `docker push/pull address of ${what}`,
    });
    new CfnOutput(this, `RepositoryArn${suffix}`, { value: images.repository.repositoryArn });
  }
}

/** `admin-api` → `AdminApi`: the construct and output id suffix of a service's repository. */
function pascal(name: string): string {
  return name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
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
    trigger: registryTriggerSettings(config),
  });
}
