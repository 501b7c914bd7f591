import type { ResolvedRegistry } from '@slipway/config';
import type { AwsApis, AwsFactory, EcrApi, Identity, ImageDetail } from '../aws/api.ts';

/** Mutable tags that record releases in the registry (the image-cleanup function keeps them). */
export const deployedTag = (env: string) => `deployed-${env}`;
export const rollbackTag = (env: string) => `rollback-${env}`;

/** Tags that name a commit (the app pipeline tags every image with its commit sha). */
export const SHA_TAG = /^[0-9a-f]{7,40}$/;

/**
 * The registry's APIs. The registry may live in another account: then, if
 * `SLIPWAY_REGISTRY_ROLE_ARN` is set, that role is assumed; otherwise the caller's own
 * credentials are used (cross-account repository policies may allow them).
 */
export async function registryApis(
  registry: ResolvedRegistry,
  identity: Identity,
  factory: AwsFactory,
  callerApis: AwsApis,
  roleArn = process.env.SLIPWAY_REGISTRY_ROLE_ARN,
): Promise<AwsApis> {
  if (registry.account !== identity.account && roleArn) {
    const credentials = await callerApis.sts.assumeRole(roleArn, 'slipway-release');
    return factory(registry.region, credentials);
  }
  return registry.region === callerApis.region ? callerApis : factory(registry.region);
}

/**
 * The repositories a release tag must exist in: every repository whose image the app workflow
 * builds (one commit pushes each with the same tag). An app whose only image is pulled by URI
 * keeps its own repository, as before several images existed.
 */
export function releaseRepositories(registry: ResolvedRegistry): { name: string; owner: string }[] {
  const built = registry.repositories.filter((r) => r.build !== undefined);
  return built.length > 0
    ? built
    : [{ name: registry.repositoryName, owner: registry.repositories[0]?.owner ?? '' }];
}

/** The repositories of `repositories` that have no image tagged `tag` (one lookup each, in parallel). */
export async function missingImages(
  ecr: EcrApi,
  repositories: readonly { name: string; owner: string }[],
  tag: string,
): Promise<{ name: string; owner: string }[]> {
  const found = await Promise.all(repositories.map((r) => findImage(ecr, r.name, tag)));
  return repositories.filter((_, i) => found[i] === undefined);
}

/** The image carrying `tag`, or undefined. */
export async function findImage(
  ecr: EcrApi,
  repository: string,
  tag: string,
): Promise<ImageDetail | undefined> {
  return (await ecr.describeImages(repository, [tag])).find((i) => i.tags.includes(tag));
}

/**
 * Records a successful release: `rollback-<env>` moves to the image `deployed-<env>` pointed at,
 * then `deployed-<env>` moves to the new image. Returns what moved, for the output.
 */
export async function recordRelease(
  ecr: EcrApi,
  repository: string,
  env: string,
  tag: string,
): Promise<{ deployed: string; rollback?: string }> {
  const [previous, next] = await Promise.all([
    findImage(ecr, repository, deployedTag(env)),
    findImage(ecr, repository, tag),
  ]);
  if (!next) throw new Error(`image ${repository}:${tag} disappeared from the registry`);
  let rollback: string | undefined;
  if (previous && previous.digest !== next.digest) {
    const manifest = await ecr.getManifest(repository, { digest: previous.digest });
    if (manifest) {
      await ecr.putTag(repository, rollbackTag(env), manifest.manifest, manifest.mediaType);
      rollback = previous.tags.find((t) => SHA_TAG.test(t)) ?? previous.digest;
    }
  }
  const manifest = await ecr.getManifest(repository, { tag });
  if (!manifest) throw new Error(`no manifest for ${repository}:${tag}`);
  await ecr.putTag(repository, deployedTag(env), manifest.manifest, manifest.mediaType);
  return { deployed: tag, rollback };
}

/** Recent commit-tagged images, newest first (for "no rollback target" and `status`). */
export async function recentImages(ecr: EcrApi, repository: string, limit = 10): Promise<ImageDetail[]> {
  const all = await ecr.describeImages(repository);
  return all
    .filter((i) => i.tags.some((t) => SHA_TAG.test(t)))
    .sort((a, b) => (b.pushedAt?.getTime() ?? 0) - (a.pushedAt?.getTime() ?? 0))
    .slice(0, limit);
}

/**
 * Where an environment pulls from when that is a replica of the registry (images replicated and
 * the environment in another account or region); undefined when it pulls from the registry itself.
 */
export function replicaOf(
  registry: Pick<ResolvedRegistry, 'replication' | 'account' | 'region'>,
  env: { readonly account: string; readonly region: string },
): { account: string; region: string } | undefined {
  if (!registry.replication) return undefined;
  if (env.account === registry.account && env.region === registry.region) return undefined;
  return { account: env.account, region: env.region };
}

/** How long `awaitReplicas` waits: ECR copies a push within minutes (usually seconds). */
export interface ReplicaWait {
  /** Checks before giving up. @default 60 */
  readonly attempts?: number;
  /** Milliseconds between checks. @default 10000 (so ten minutes in all) */
  readonly intervalMs?: number;
  /** Waits between checks (tests pass one that returns at once). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The repositories whose image tagged `tag` has not reached the replica (`ecr` in the
 * environment's account and region) after waiting; empty once every one is there. A replica
 * repository that does not exist yet (ECR creates it with the first image it copies) counts as
 * missing, not as an error.
 */
export async function awaitReplicas(
  ecr: EcrApi,
  repositories: readonly { name: string; owner: string }[],
  tag: string,
  wait: ReplicaWait = {},
): Promise<{ name: string; owner: string }[]> {
  const attempts = wait.attempts ?? 60;
  const sleep = wait.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let missing = await missingReplicas(ecr, repositories, tag);
  for (let i = 1; i < attempts && missing.length > 0; i++) {
    await sleep(wait.intervalMs ?? 10_000);
    missing = await missingReplicas(ecr, missing, tag);
  }
  return missing;
}

async function missingReplicas(
  ecr: EcrApi,
  repositories: readonly { name: string; owner: string }[],
  tag: string,
): Promise<{ name: string; owner: string }[]> {
  const found = await Promise.all(
    repositories.map((r) =>
      findImage(ecr, r.name, tag).catch((e: unknown) => {
        if ((e as { name?: string })?.name === 'RepositoryNotFoundException') return undefined;
        throw e;
      }),
    ),
  );
  return repositories.filter((_, i) => found[i] === undefined);
}
