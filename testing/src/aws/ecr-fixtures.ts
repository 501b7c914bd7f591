/**
 * Pushing images into moto's ECR for tests: a minimal valid image manifest whose digest is the
 * sha256 of its bytes (as in real ECR; moto accepts the explicit `imageDigest`).
 */
import { createHash } from 'node:crypto';
import { CreateRepositoryCommand, type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';

export const MOTO_ACCOUNT_ID = '123456789012';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;

export function imageManifest(seed: string): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: 1000,
      digest: sha256(`config:${seed}`),
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: 2000,
        digest: sha256(`layer:${seed}`),
      },
    ],
  });
}

export function imageIndexManifest(children: readonly string[]): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: children.map((digest, i) => ({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      size: 500,
      digest,
      platform: i === 0 ? { architecture: 'amd64', os: 'linux' } : { architecture: 'unknown', os: 'unknown' },
    })),
  });
}

export async function createRepository(ecr: ECRClient, repositoryName: string): Promise<void> {
  await ecr.send(new CreateRepositoryCommand({ repositoryName }));
}

/**
 * Pushes one image (distinct content per `seed`) with the given tags; no tags = untagged.
 * Returns its digest.
 */
export async function pushImage(
  ecr: ECRClient,
  repositoryName: string,
  seed: string,
  tags: readonly string[] = [],
  manifest: string = imageManifest(seed),
): Promise<string> {
  const digest = sha256(manifest);
  const mediaType = (JSON.parse(manifest) as { mediaType: string }).mediaType;
  for (const imageTag of tags.length === 0 ? [undefined] : tags) {
    await ecr.send(
      new PutImageCommand({
        repositoryName,
        imageManifest: manifest,
        imageManifestMediaType: mediaType,
        imageDigest: digest,
        imageTag,
      }),
    );
  }
  return digest;
}

export function ecrImageUri(repositoryName: string, suffix: string, region = 'us-east-1'): string {
  return `${MOTO_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repositoryName}${suffix}`;
}
