import type { ResolvedRegistry } from '@slipway/config';
import { registryReplicaStackName, registryStackName } from '@slipway/config/contract';
import { CliError } from '../errors.ts';
import { call } from '../online.ts';
import { awaitReplicas, type ReplicaWait, replicaOf } from './release.ts';
import type { DeployRun } from './steps.ts';

/**
 * With replicated images, an environment in another account or region pulls from its own copy
 * (docs/images.md, "Regional images"): before the release parameter moves, wait until every
 * image of the release has reached that copy, so no task starts on an image it cannot pull.
 * Nothing to do for an environment that pulls from the registry itself.
 */
export async function awaitReleaseReplicas(
  run: DeployRun,
  registry: ResolvedRegistry,
  repositories: readonly { name: string; owner: string }[],
  tag: string,
  wait: ReplicaWait = {},
): Promise<void> {
  const { target, deps, command } = run;
  const { io } = deps;
  const replica = replicaOf(registry, target.env);
  if (!replica) return;
  const name = target.env.name;
  const images = repositories.map((r) => `${r.name}:${tag}`).join(', ');
  io.progress.start(`Waiting for ${images} to reach ${name}'s copy (${target.where})`);
  const missing = await call(
    () => awaitReplicas(target.aws.ecr, repositories, tag, { sleep: deps.sleep, ...wait }),
    command,
    name,
    target.where,
  );
  if (missing.length > 0) {
    const list = missing.map((r) => `${r.name}:${tag}`).join(', ');
    io.progress.fail(`${list} not replicated to ${target.where}`);
    throw new CliError(
      'SW253',
      `${list} is in the registry (account ${registry.account}, ${registry.region}) but has not reached ${name}'s copy in ${target.where}: ECR replication copies only images pushed after it was set up, and only once the replica stack of that account and region is deployed`,
      `deploy ${registryStackName(registry.repositoryName)} and ${registryReplicaStackName(registry.repositoryName, replica.account, replica.region)} if they are not, wait a few minutes or deploy a commit built since (a tag pushed before replication is never copied: docker pull it from the registry and push it to ${replica.account}.dkr.ecr.${replica.region}.amazonaws.com), then slipway ${command} ${name} --image ${tag}`,
    );
  }
  io.progress.succeed(`${images} replicated to ${target.where}`);
}
