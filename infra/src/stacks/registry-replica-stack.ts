import {
  type ImageReplica,
  type ResolvedEnvironment,
  type ResolvedRegistry,
  resolveEnvironment,
  type SlipwayConfig,
} from '@slipway/config';
import { registryReplicaStackName } from '@slipway/config/contract';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import { ImageCleanup } from '../constructs/registry/image-cleanup.ts';
import { ReplicaRegistry } from '../constructs/registry/replication.ts';
import { imageCleanupFunctionName } from '../constructs/registry/tags.ts';

export interface RegistryReplicaStackProps extends StackProps {
  /** The registry the images are replicated from (`resolveRegistry(config)`). */
  readonly registry: ResolvedRegistry;
  /** The environments that run in this stack's account and region (they pull from the replicas). */
  readonly environments: ResolvedEnvironment[];
}

/**
 * One per account and region that receives replicated images (`registry.replicas`), named
 * `<app>-registry-replica-<account>-<region>`: the registry policy and repository creation template that let
 * the registry replicate here with the source repositories' settings, and the image-cleanup
 * function running the registry's rules on the replicas. ECR replicates pushes and tag moves but
 * not deletions, so without it the replicas would only grow (the lifecycle policy alone does not
 * know which images this region's services run). Deploy it with the account-level stacks, before
 * the environments here pull from it (docs/images.md, "Regional images").
 */
export class RegistryReplicaStack extends Stack {
  readonly replica: ReplicaRegistry;
  readonly cleanup: ImageCleanup | undefined;

  constructor(scope: Construct, id: string, props: RegistryReplicaStackProps) {
    super(scope, id, props);
    const { registry, environments } = props;
    const removalPolicy = environments.some((e) => e.protected)
      ? RemovalPolicy.RETAIN
      : RemovalPolicy.DESTROY;
    this.replica = new ReplicaRegistry(this, 'Replica', {
      sourceAccount: registry.account,
      keepImages: registry.keepImages,
      repositoryNames: registry.repositories.map((r) => r.name),
      protectedTags: registry.cleanup.protectedTags,
    });
    if (!registry.cleanup.enabled) return;
    // The replicas carry the source repositories' names; ECR creates them, so they are referenced.
    const repositories = registry.repositories.map((r, i) =>
      ecr.Repository.fromRepositoryName(this, `Replica${i}`, r.name),
    );
    this.cleanup = new ImageCleanup(this, 'Cleanup', {
      repositories,
      functionName: imageCleanupFunctionName(registry.repositoryName),
      schedule: registry.cleanup.schedule,
      maxAgeDays: registry.cleanup.maxAgeDays,
      dryRun: registry.cleanup.dryRun,
      protectedTags: registry.cleanup.protectedTags,
      // Here the function can read the clusters of the environments that pull from the replicas.
      clusters: environments.map((e) => ({ environment: e.name, clusterName: e.prefix })),
      alarmEmails: registry.cleanup.alarmEmail,
      skipMissingRepositories: true,
      removalPolicy,
    });
  }
}

/**
 * The replica stacks of the places that run a selected environment (`registry.replicas`: none
 * without replication). Built from every environment of the place, so synthesizing a subset of
 * environments yields the same stack.
 */
export function addRegistryReplicaStacks(
  scope: Construct,
  config: SlipwayConfig,
  registry: ResolvedRegistry,
  selected: readonly { account: string; region: string }[],
): RegistryReplicaStack[] {
  const wanted = (r: ImageReplica) => selected.some((s) => s.account === r.account && s.region === r.region);
  return registry.replicas.filter(wanted).map((replica) => {
    const environments = replica.environments.map((name) =>
      resolveEnvironment(name, config.environments[name] as SlipwayConfig['environments'][string], config),
    );
    const name = registryReplicaStackName(config.app.name, replica.account, replica.region);
    return new RegistryReplicaStack(scope, name, {
      stackName: name,
      env: { account: replica.account, region: replica.region },
      description: `Slipway ${config.app.name}: replicas of the registry's images in ${replica.account} ${replica.region} (registry policy, repository creation template, image-cleanup function)`,
      terminationProtection: environments.some((e) => e.protected),
      registry,
      environments,
    });
  });
}
