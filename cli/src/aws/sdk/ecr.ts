import {
  BatchGetImageCommand,
  DescribeImagesCommand,
  type DescribeImagesCommandOutput,
  type ECRClient,
  PutImageCommand,
  type ImageDetail as SdkImageDetail,
} from '@aws-sdk/client-ecr';
import type { EcrApi, ImageDetail } from '../api.ts';
import { errorName } from './errors.ts';

function image(d: SdkImageDetail): ImageDetail {
  return {
    digest: d.imageDigest ?? '',
    tags: d.imageTags ?? [],
    pushedAt: d.imagePushedAt,
    sizeBytes: d.imageSizeInBytes,
  };
}

/** Images of a repository: describe, read a manifest, move a tag. */
export function ecrApi(ecr: ECRClient): EcrApi {
  return {
    async describeImages(repository, tags) {
      if (tags && tags.length > 0) {
        // One call per tag: DescribeImages fails the whole call when one listed tag is missing.
        const found = await Promise.all(
          tags.map(async (tag) => {
            try {
              const out = await ecr.send(
                new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
              );
              return (out.imageDetails ?? []).map(image);
            } catch (e) {
              if (errorName(e) === 'ImageNotFoundException') return [];
              throw e;
            }
          }),
        );
        const byDigest = new Map(found.flat().map((i) => [i.digest, i]));
        return [...byDigest.values()];
      }
      const all: ImageDetail[] = [];
      let nextToken: string | undefined;
      do {
        const out: DescribeImagesCommandOutput = await ecr.send(
          new DescribeImagesCommand({
            repositoryName: repository,
            nextToken,
            filter: { tagStatus: 'TAGGED' },
          }),
        );
        all.push(...(out.imageDetails ?? []).map(image));
        nextToken = out.nextToken;
      } while (nextToken);
      return all;
    },
    async getManifest(repository, ref) {
      const out = await ecr.send(
        new BatchGetImageCommand({
          repositoryName: repository,
          imageIds: ['tag' in ref ? { imageTag: ref.tag } : { imageDigest: ref.digest }],
        }),
      );
      const img = out.images?.[0];
      if (!img?.imageManifest) return undefined;
      return { manifest: img.imageManifest, mediaType: img.imageManifestMediaType };
    },
    async putTag(repository, tag, manifest, mediaType) {
      try {
        await ecr.send(
          new PutImageCommand({
            repositoryName: repository,
            imageTag: tag,
            imageManifest: manifest,
            imageManifestMediaType: mediaType,
          }),
        );
      } catch (e) {
        // The tag already points at this manifest: nothing to move.
        if (errorName(e) !== 'ImageAlreadyExistsException') throw e;
      }
    },
  };
}
