/**
 * Image cleanup against moto_server's ECR (API level; no AWS account is involved).
 *
 * Clock: moto stamps `imagePushedAt` with the real push time and cannot back-date it, so every
 * test pushes images "now" and runs the handler with an injected clock 70 days later
 * (MAX_AGE_DAYS 60).
 *
 * Scenarios and expected outcomes:
 * 1. Mixed repository (sha tags, latest, dev-latest, deployed-prod, rollback-prod, two images an
 *    ECS service runs — by tag and by digest —, two untagged): exactly the unprotected old images
 *    are deleted; the remaining set equals the expected set; protections are counted by reason.
 * 2. Clock 59 days later: nothing is old enough, nothing is deleted.
 * 3. Dry run from the event ({"dryRun": true}) deletes nothing and plans exactly the digests a
 *    real run then deletes; DRY_RUN=true in the config is overridden by {"dryRun": false}.
 * 4. 230 old images: deleted in 3 BatchDeleteImage calls of 100, 100 and 30 digests.
 * 5. A partial failure (BatchDeleteImage `failures[]`, injected): the other images are deleted,
 *    the failure is in the summary (errors 1, its code and reason) and the invocation throws.
 * 6. Pagination: moto ignores maxResults, so a wrapper re-pages moto's answer two images per page;
 *    the handler follows every nextToken and plans over all images.
 * 7. Image index (multi-arch/attested build): the platform image and attestation of a protected
 *    index are kept (reason "index"); an unprotected old index is deleted in an earlier batch
 *    than its children, which are deleted too.
 * 8. The ECS lookup fails: nothing is deleted, the summary says why, the invocation throws.
 * 9. A thrown BatchDeleteImage (e.g. AccessDenied) stops the run and fails it.
 */
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  createRepository,
  ecrImageUri,
  imageIndexManifest,
  imageManifest,
  pushImage,
} from '@slipway/testing/ecr-fixtures';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../shared/log.ts';
import { IMAGE_CLEANUP_DEFAULTS, type ImageCleanupConfig } from './config.ts';
import { createEcrApi, type EcrApi } from './ecr.ts';
import { createHandler, ImageCleanupError, type ImageCleanupSummary } from './handler.ts';
import type { DeployedImagesProvider, ImageReference } from './references.ts';

const moto = motoServerAvailability();
const REPO = 'slipway/app';
const DAY = 86_400_000;

describe.skipIf(!moto.available)('image cleanup against moto ECR', { timeout: 60_000 }, () => {
  let server: MotoServer;
  let ecr: ECRClient;

  beforeAll(async () => {
    server = await startMotoServer();
    ecr = new ECRClient(server.clientConfig);
  });
  afterAll(async () => {
    ecr?.destroy();
    await server?.stop();
  });
  beforeEach(async () => {
    await server.reset();
    await createRepository(ecr, REPO);
  });

  const config = (overrides: Partial<ImageCleanupConfig> = {}): ImageCleanupConfig => ({
    repositoryName: REPO,
    maxAgeDays: 60,
    protectedTagPatterns: [...IMAGE_CLEANUP_DEFAULTS.protectedTagPatterns],
    dryRun: false,
    ecsServices: [],
    ecsClusters: [],
    metricNamespace: IMAGE_CLEANUP_DEFAULTS.metricNamespace,
    ...overrides,
  });
  const provider = (refs: ImageReference[]): DeployedImagesProvider => ({
    listReferences: async () => ({ references: refs, services: 1, notes: [] }),
  });
  const daysLater = (days: number) => () => new Date(Date.now() + days * DAY);

  function setup(
    opts: { config?: Partial<ImageCleanupConfig>; refs?: ImageReference[]; ecr?: EcrApi; days?: number } = {},
  ) {
    const log = memoryLogger();
    const handler = createHandler({
      config: config(opts.config),
      ecr: opts.ecr ?? createEcrApi(ecr, REPO),
      deployedImages: provider(opts.refs ?? []),
      now: daysLater(opts.days ?? 70),
      log,
    });
    return { handler, log };
  }

  async function remainingDigests(): Promise<Set<string>> {
    const out = await ecr.send(new DescribeImagesCommand({ repositoryName: REPO }));
    return new Set((out.imageDetails ?? []).map((d) => d.imageDigest as string));
  }

  async function seedMixedRepository() {
    const d = {
      plainOld: await pushImage(ecr, REPO, 'a', ['a1a1a1a']),
      latest: await pushImage(ecr, REPO, 'b', ['b2b2b2b', 'latest']),
      devLatest: await pushImage(ecr, REPO, 'c', ['c3c3c3c', 'dev-latest']),
      deployed: await pushImage(ecr, REPO, 'd', ['d4d4d4d', 'deployed-prod']),
      rollback: await pushImage(ecr, REPO, 'e', ['e5e5e5e', 'rollback-prod']),
      runningByTag: await pushImage(ecr, REPO, 'f', ['f6f6f6f']),
      runningByDigest: await pushImage(ecr, REPO, 'g', ['g7g7g7g']),
      untagged1: await pushImage(ecr, REPO, 'u1'),
      untagged2: await pushImage(ecr, REPO, 'u2'),
      anotherOld: await pushImage(ecr, REPO, 'h', ['h8h8h8h']),
    };
    const refs: ImageReference[] = [
      { source: 'staging: task definition app:7', image: ecrImageUri(REPO, ':f6f6f6f') },
      { source: 'prod: task abc', image: ecrImageUri(REPO, `@${d.runningByDigest}`) },
      { source: 'prod: sidecar', image: 'public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0' },
    ];
    return { d, refs };
  }

  it('deletes exactly the old images nothing protects', async () => {
    const { d, refs } = await seedMixedRepository();
    const { handler, log } = setup({ refs });

    const summary = await handler({});

    const expectedDeleted = [d.plainOld, d.untagged1, d.untagged2, d.anotherOld];
    const all = Object.values(d);
    expect(await remainingDigests()).toEqual(new Set(all.filter((x) => !expectedDeleted.includes(x))));
    expect(new Set(summary.deletedDigests)).toEqual(new Set(expectedDeleted));
    expect(summary).toMatchObject({
      outcome: 'succeeded',
      dryRun: false,
      scanned: 10,
      candidates: 10,
      planned: 4,
      deleted: 4,
      kept: 6,
      errors: 0,
      protected: { total: 6, byTag: 2, deployed: 1, rollback: 1, running: 2, index: 0 },
      references: { resolved: 2, otherRepositories: 1, unresolved: [] },
    });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({
      event: 'image-cleanup.summary',
      Deleted: 4,
      Kept: 6,
      Protected: 6,
      Errors: 0,
    });
  });

  it('deletes nothing while every image is younger than MAX_AGE_DAYS', async () => {
    await seedMixedRepository();
    const before = await remainingDigests();
    const { handler } = setup({ days: 59 });

    const summary = await handler({});

    expect(summary).toMatchObject({ candidates: 0, planned: 0, deleted: 0, kept: 10 });
    expect(await remainingDigests()).toEqual(before);
  });

  it('plans in dry-run exactly what a real run then deletes, and deletes nothing', async () => {
    const { refs } = await seedMixedRepository();
    const before = await remainingDigests();

    const dry = await setup({ refs }).handler({ dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.deleted).toBe(0);
    expect(dry.deletedDigests).toEqual([]);
    expect(await remainingDigests()).toEqual(before);

    const real = await setup({ refs }).handler({ dryRun: false });
    expect(new Set(dry.plannedDigests)).toEqual(new Set(real.deletedDigests));
    expect(dry.plannedDigests).toEqual(real.plannedDigests);
    expect({ ...dry.protected, candidates: dry.candidates }).toEqual({
      ...real.protected,
      candidates: real.candidates,
    });
  });

  it('lets the event override DRY_RUN=true with {"dryRun": false}', async () => {
    await seedMixedRepository();
    const byConfig = await setup({ config: { dryRun: true } }).handler({ source: 'aws.events' });
    expect(byConfig).toMatchObject({ dryRun: true, deleted: 0 });

    const overridden = await setup({ config: { dryRun: true } }).handler({ dryRun: false });
    expect(overridden).toMatchObject({ dryRun: false, deleted: byConfig.planned });
  });

  it('rejects a dryRun that is not a JSON boolean, deleting nothing', async () => {
    await seedMixedRepository();
    const before = await remainingDigests();
    const { handler, log } = setup();
    await expect(handler({ dryRun: 'true' })).rejects.toThrow(
      /event\.dryRun: got "true"; allowed true or false/,
    );
    expect(await remainingDigests()).toEqual(before);
    expect(log.lines[0]).toMatchObject({ outcome: 'failed', deleted: 0 });
  });

  it('deletes 230 old images in batches of at most 100', async () => {
    for (let i = 0; i < 230; i += 1) await pushImage(ecr, REPO, `bulk-${i}`, i % 2 === 0 ? [`sha${i}`] : []);
    const real = createEcrApi(ecr, REPO);
    const batchSizes: number[] = [];
    const counting: EcrApi = {
      ...real,
      batchDeleteImages: async (digests) => {
        batchSizes.push(digests.length);
        return real.batchDeleteImages(digests);
      },
    };

    const summary = await setup({ ecr: counting }).handler({});

    expect(batchSizes).toEqual([100, 100, 30]);
    expect(summary).toMatchObject({
      deleted: 230,
      planned: 230,
      omitted: { plannedDigests: 130, deletedDigests: 130 },
    });
    expect(summary.deletedDigests).toHaveLength(100);
    expect((await remainingDigests()).size).toBe(0);
  });

  it('reports a partial BatchDeleteImage failure and fails the invocation', async () => {
    const { d, refs } = await seedMixedRepository();
    const real = createEcrApi(ecr, REPO);
    const failing: EcrApi = {
      ...real,
      batchDeleteImages: async (digests) => {
        const result = await real.batchDeleteImages(digests.filter((x) => x !== d.untagged1));
        return {
          deleted: result.deleted,
          failures: [
            ...result.failures,
            {
              digest: d.untagged1,
              code: 'KmsError',
              reason: 'The KMS key used by the repository is disabled',
            },
          ],
        };
      },
    };
    const { handler, log } = setup({ refs, ecr: failing });

    const error = await handler({}).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ImageCleanupError);
    expect((error as Error).message).toMatch(/1 image\(s\) could not be deleted: KmsError/);
    const summary = (error as ImageCleanupError).summary;
    expect(summary).toMatchObject({ outcome: 'failed', deleted: 3, errors: 1 });
    expect(summary.failures).toEqual([
      { digest: d.untagged1, code: 'KmsError', reason: 'The KMS key used by the repository is disabled' },
    ]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatchObject({ outcome: 'failed', Errors: 1, Deleted: 3 });
    expect((await remainingDigests()).has(d.untagged1)).toBe(true);
    expect((await remainingDigests()).has(d.plainOld)).toBe(false);
  });

  it('follows nextToken across pages', async () => {
    const { d, refs } = await seedMixedRepository();
    const real = createEcrApi(ecr, REPO);
    const tokens: (string | undefined)[] = [];
    // moto returns everything at once: re-page its answer, two images per page.
    const paged: EcrApi = {
      ...real,
      describeImagesPage: async (nextToken) => {
        tokens.push(nextToken);
        const all = (await real.describeImagesPage(undefined)).images;
        const start = nextToken === undefined ? 0 : Number(nextToken.replace('page-', ''));
        const end = start + 2;
        return { images: all.slice(start, end), nextToken: end < all.length ? `page-${end}` : undefined };
      },
    };

    const summary = await setup({ refs, ecr: paged }).handler({ dryRun: true });

    expect(tokens).toEqual([undefined, 'page-2', 'page-4', 'page-6', 'page-8']);
    expect(summary.scanned).toBe(10);
    expect(new Set(summary.plannedDigests)).toEqual(
      new Set([d.plainOld, d.untagged1, d.untagged2, d.anotherOld]),
    );
  });

  it('keeps the children of a protected image index and deletes an unprotected index before its children', async () => {
    const keptChildren = [
      await pushImage(ecr, REPO, 'kept-amd64'),
      await pushImage(ecr, REPO, 'kept-attestation'),
    ];
    const keptIndex = await pushImage(
      ecr,
      REPO,
      'kept-index',
      ['1111111', 'deployed-prod'],
      imageIndexManifest(keptChildren),
    );
    const goneChildren = [
      await pushImage(ecr, REPO, 'gone-amd64'),
      await pushImage(ecr, REPO, 'gone-attestation'),
    ];
    const goneIndex = await pushImage(ecr, REPO, 'gone-index', ['2222222'], imageIndexManifest(goneChildren));
    const real = createEcrApi(ecr, REPO);
    const batches: string[][] = [];
    const recording: EcrApi = {
      ...real,
      batchDeleteImages: async (digests) => {
        batches.push([...digests]);
        return real.batchDeleteImages(digests);
      },
    };

    const summary = await setup({ ecr: recording }).handler({});

    expect(await remainingDigests()).toEqual(new Set([keptIndex, ...keptChildren]));
    expect(batches).toEqual([[goneIndex], expect.arrayContaining(goneChildren)]);
    expect(summary.protected).toMatchObject({ deployed: 1, index: 2, total: 3 });
    expect(imageManifest('x')).not.toContain('manifests'); // the fixture's plain image is not an index
  });

  it('deletes nothing when the ECS lookup fails', async () => {
    await seedMixedRepository();
    const before = await remainingDigests();
    const log = memoryLogger();
    const handler = createHandler({
      config: config(),
      ecr: createEcrApi(ecr, REPO),
      deployedImages: {
        listReferences: async () => {
          throw new Error('ECS_SERVICES: cannot describe service app in cluster prod: MISSING');
        },
      },
      now: daysLater(70),
      log,
    });

    await expect(handler({})).rejects.toThrow(/MISSING/);
    expect(await remainingDigests()).toEqual(before);
    expect(log.lines[0]).toMatchObject({
      outcome: 'failed',
      deleted: 0,
      errors: 1,
      error: expect.stringMatching(/MISSING/),
    });
  });

  it('stops and fails when BatchDeleteImage itself throws', async () => {
    const { refs } = await seedMixedRepository();
    const real = createEcrApi(ecr, REPO);
    const denied: EcrApi = {
      ...real,
      batchDeleteImages: async () => {
        const error = new Error('not authorized to perform: ecr:BatchDeleteImage');
        error.name = 'AccessDeniedException';
        throw error;
      },
    };
    const { handler } = setup({ refs, ecr: denied });
    const error = (await handler({}).catch((e: unknown) => e)) as ImageCleanupError;
    expect(error).toBeInstanceOf(ImageCleanupError);
    const summary: ImageCleanupSummary = error.summary;
    expect(summary).toMatchObject({ outcome: 'failed', deleted: 0, errors: 4 });
    expect(summary.failures.every((f) => f.code === 'AccessDeniedException')).toBe(true);
    expect(summary.error).toMatch(/BatchDeleteImage failed/);
  });
});
