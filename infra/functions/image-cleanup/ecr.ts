/**
 * The ECR calls of the image-cleanup function, behind {@link EcrApi} (bound to one repository).
 */
import {
  BatchDeleteImageCommand,
  BatchGetImageCommand,
  DescribeImagesCommand,
  type ECRClient,
} from '@aws-sdk/client-ecr';

export interface EcrImage {
  digest: string;
  tags: string[];
  /** When the image was pushed; undefined if ECR did not say (never treated as old). */
  pushedAt: Date | undefined;
  /** e.g. `application/vnd.oci.image.index.v1+json` for a multi-platform or attested image. */
  mediaType: string | undefined;
}

export interface DeleteFailure {
  digest: string;
  code: string;
  reason: string;
}

export interface EcrApi {
  describeImagesPage(
    nextToken: string | undefined,
  ): Promise<{ images: EcrImage[]; nextToken: string | undefined }>;
  /** Manifests of up to 100 images, by digest (BatchGetImage). */
  getManifests(digests: readonly string[]): Promise<{ digest: string; manifest: string }[]>;
  /** Deletes up to 100 images by digest (BatchDeleteImage); ECR removes every tag of each. */
  batchDeleteImages(digests: readonly string[]): Promise<{ deleted: string[]; failures: DeleteFailure[] }>;
}

/** ECR's own limit for BatchDeleteImage and BatchGetImage. */
export const ECR_BATCH_LIMIT = 100;

export const IMAGE_INDEX_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

const ACCEPTED_MANIFEST_MEDIA_TYPES = [
  ...IMAGE_INDEX_MEDIA_TYPES,
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

export async function listAllImages(api: EcrApi): Promise<EcrImage[]> {
  const images: EcrImage[] = [];
  const seenTokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await api.describeImagesPage(nextToken);
    images.push(...page.images);
    nextToken = page.nextToken;
    if (nextToken !== undefined) {
      // A token seen twice would loop forever; ECR never does this, but a bug must not spin a Lambda.
      if (seenTokens.has(nextToken)) throw new Error('DescribeImages returned the same nextToken twice');
      seenTokens.add(nextToken);
    }
  } while (nextToken !== undefined);
  return images;
}

/**
 * @param pageSize DescribeImages `maxResults` (1..1000). ECR's maximum by default: fewer calls.
 */
export function createEcrApi(ecr: ECRClient, repositoryName: string, pageSize = 1000): EcrApi {
  return {
    async describeImagesPage(nextToken) {
      const out = await ecr.send(
        new DescribeImagesCommand({ repositoryName, maxResults: pageSize, nextToken }),
      );
      return {
        images: (out.imageDetails ?? []).flatMap((d) =>
          d.imageDigest === undefined
            ? []
            : [
                {
                  digest: d.imageDigest,
                  tags: d.imageTags ?? [],
                  pushedAt: d.imagePushedAt,
                  mediaType: d.imageManifestMediaType,
                },
              ],
        ),
        nextToken: out.nextToken,
      };
    },
    async getManifests(digests) {
      if (digests.length === 0) return [];
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName,
          imageIds: digests.map((imageDigest) => ({ imageDigest })),
          acceptedMediaTypes: ACCEPTED_MANIFEST_MEDIA_TYPES,
        }),
      );
      const failures = (out.failures ?? []).filter((f) => f.failureCode !== 'ImageNotFound');
      if (failures.length > 0) {
        const f = failures[0];
        throw new Error(
          `BatchGetImage failed for ${failures.length} image(s), e.g. ${f?.imageId?.imageDigest}: ${f?.failureCode} ${f?.failureReason ?? ''}`.trim(),
        );
      }
      return (out.images ?? []).flatMap((i) =>
        i.imageId?.imageDigest === undefined || i.imageManifest === undefined
          ? []
          : [{ digest: i.imageId.imageDigest, manifest: i.imageManifest }],
      );
    },
    async batchDeleteImages(digests) {
      const out = await ecr.send(
        new BatchDeleteImageCommand({
          repositoryName,
          imageIds: digests.map((imageDigest) => ({ imageDigest })),
        }),
      );
      const failures = (out.failures ?? []).map((f) => ({
        digest: f.imageId?.imageDigest ?? 'unknown',
        code: f.failureCode ?? 'Unknown',
        reason: f.failureReason ?? '',
      }));
      // Every requested id ends up either deleted or in failures[]. Derive "deleted" from that
      // rather than from imageIds[], which lists one entry per removed *tag* (moto 5.2 lists none
      // for an untagged image).
      const failed = new Set(failures.map((f) => f.digest));
      return { deleted: digests.filter((d) => !failed.has(d)), failures };
    },
  };
}

/** Digests an image index (manifest list) points at; empty for anything else. */
export function childDigestsOf(manifest: string): string[] {
  try {
    const parsed = JSON.parse(manifest) as { manifests?: { digest?: unknown }[] };
    return (parsed.manifests ?? []).flatMap((m) => (typeof m.digest === 'string' ? [m.digest] : []));
  } catch {
    return [];
  }
}
