/**
 * Image cleanup: deletes old images from one ECR repository, except any image an
 * environment runs or could roll back to.
 *
 * ECR lifecycle rules already expire by age and count; this function exists for what they cannot
 * do — look at what is deployed. Protection, in order of evidence:
 * - tags the deployer moves in the registry itself: `deployed-<env>` and `rollback-<env>` (works
 *   for environments in any account);
 * - tags matching PROTECTED_TAG_PATTERNS (`latest`, `*-latest`, …);
 * - images ECS services in this account and region refer to (task definitions and running tasks);
 * - the platform images and attestations of any kept image index.
 *
 * Every invocation writes exactly one summary line (`image-cleanup.summary`), which also carries
 * the CloudWatch metrics in Embedded Metric Format. EMF rather than PutMetricData: no extra API
 * call on the critical path, no `cloudwatch:PutMetricData` permission (which cannot be scoped to a
 * resource), and the metrics are exactly the numbers of the logged summary.
 */
import { errorMessage, type Logger } from '../shared/log.ts';
import type { ImageCleanupConfig } from './config.ts';
import {
  childDigestsOf,
  type DeleteFailure,
  ECR_BATCH_LIMIT,
  type EcrApi,
  type EcrImage,
  IMAGE_INDEX_MEDIA_TYPES,
  listAllImages,
} from './ecr.ts';
import { type CleanupPlan, PROTECTION_REASONS, planCleanup, resolveReferences } from './plan.ts';
import type { DeployedImagesProvider } from './references.ts';

export interface ImageCleanupDeps {
  config: ImageCleanupConfig;
  ecr: EcrApi;
  deployedImages: DeployedImagesProvider;
  now: () => Date;
  log: Logger;
}

/** Lists in the summary are capped so the log line stays well under CloudWatch's 256 KiB event limit. */
export const MAX_LISTED = 100;

export interface ImageCleanupSummary {
  event: 'image-cleanup.summary';
  outcome: 'succeeded' | 'failed';
  repository: string;
  dryRun: boolean;
  now: string;
  maxAgeDays: number;
  /** Images pushed before this instant are candidates. */
  cutoff: string;
  scanned: number;
  /** Images older than maxAgeDays. */
  candidates: number;
  /** Candidates kept, by reason (an image may have several reasons; `total` counts images). */
  protected: {
    total: number;
    byTag: number;
    deployed: number;
    rollback: number;
    running: number;
    index: number;
  };
  /** Images the plan deletes (candidates − protected); identical in dry-run and real mode. */
  planned: number;
  /** Images actually deleted (0 in dry-run). */
  deleted: number;
  /** Images left in the repository after this run (scanned − deleted). */
  kept: number;
  /** Failed deletions plus, when the run stopped early, one for the fatal error. */
  errors: number;
  failures: DeleteFailure[];
  error?: string;
  plannedDigests: string[];
  deletedDigests: string[];
  /** How many digests the capped lists above leave out. */
  omitted: { plannedDigests: number; deletedDigests: number; protectedImages: number };
  protectedImages: { digest: string; tags: string[]; reasons: string[] }[];
  references: {
    resolved: number;
    unresolved: string[];
    otherRepositories: number;
    /** ECS services examined (named in ECS_SERVICES or found in ECS_CLUSTERS). */
    services: number;
    /** What the ECS lookup skipped and why, e.g. a cluster that does not exist yet. */
    notes: string[];
  };
  unknownAge: number;
  durationMs: number;
}

export class ImageCleanupError extends Error {
  override name = 'ImageCleanupError';
  readonly summary: ImageCleanupSummary;

  constructor(message: string, summary: ImageCleanupSummary) {
    super(message);
    this.summary = summary;
  }
}

export type ImageCleanupEvent = { dryRun?: boolean } & Record<string, unknown>;

function dryRunOverride(event: unknown): boolean | undefined {
  if (typeof event !== 'object' || event === null || !('dryRun' in event)) return undefined;
  const value = (event as { dryRun: unknown }).dryRun;
  if (typeof value === 'boolean') return value;
  throw new Error(
    `event.dryRun: got ${JSON.stringify(value)}; allowed true or false (a JSON boolean, not a string)`,
  );
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createHandler(deps: ImageCleanupDeps): (event?: unknown) => Promise<ImageCleanupSummary> {
  const { config } = deps;
  return async function handler(event?: unknown): Promise<ImageCleanupSummary> {
    const started = performance.now();
    const now = deps.now();
    let dryRun = config.dryRun;
    let plan: CleanupPlan | undefined;
    let scanned = 0;
    const deletedDigests: string[] = [];
    const failures: DeleteFailure[] = [];
    let fatal: string | undefined;
    let services = 0;
    let notes: string[] = [];

    try {
      dryRun = dryRunOverride(event) ?? config.dryRun;
      const images = await listAllImages(deps.ecr);
      scanned = images.length;
      const indexChildren = await fetchIndexChildren(deps, images);
      const deployed = await deps.deployedImages.listReferences();
      services = deployed.services;
      notes = deployed.notes;
      const references = resolveReferences(deployed.references, config.repositoryName, images);
      plan = planCleanup({
        images,
        now,
        maxAgeDays: config.maxAgeDays,
        protectedTagPatterns: config.protectedTagPatterns,
        references,
        indexChildren,
      });
      if (!dryRun) {
        const result = await deleteInBatches(deps, plan.toDelete, images);
        deletedDigests.push(...result.deleted);
        failures.push(...result.failures);
        fatal = result.fatal;
      }
    } catch (error) {
      fatal = errorMessage(error);
    }

    const summary = summarize(config, {
      now,
      dryRun,
      plan,
      scanned,
      deletedDigests,
      failures,
      fatal,
      started,
      services,
      notes,
    });
    deps.log({ ...summary, ...emf(config, summary) });

    if (summary.outcome === 'failed') {
      const why =
        fatal ??
        `${failures.length} image(s) could not be deleted: ${[...new Set(failures.map((f) => f.code))].join(', ')}`;
      throw new ImageCleanupError(`image cleanup of ${config.repositoryName} failed: ${why}`, summary);
    }
    return summary;
  };
}

async function fetchIndexChildren(
  deps: ImageCleanupDeps,
  images: readonly EcrImage[],
): Promise<Map<string, string[]>> {
  const indexes = images
    .filter((i) => IMAGE_INDEX_MEDIA_TYPES.includes(i.mediaType ?? ''))
    .map((i) => i.digest);
  const children = new Map<string, string[]>();
  for (const batch of chunk(indexes, ECR_BATCH_LIMIT)) {
    for (const { digest, manifest } of await deps.ecr.getManifests(batch))
      children.set(digest, childDigestsOf(manifest));
  }
  return children;
}

/** Deletes `toDelete`, indexes first; stops at the first batch whose whole call fails. */
async function deleteInBatches(
  deps: ImageCleanupDeps,
  toDelete: readonly string[],
  images: readonly EcrImage[],
): Promise<{ deleted: string[]; failures: DeleteFailure[]; fatal?: string }> {
  const deleted: string[] = [];
  const failures: DeleteFailure[] = [];
  let fatal: string | undefined;
  const mediaType = new Map(images.map((i) => [i.digest, i.mediaType]));
  const isIndex = (d: string) => IMAGE_INDEX_MEDIA_TYPES.includes(mediaType.get(d) ?? '');
  // Indexes go in their own batches first: a platform image cannot be deleted while an index points at it.
  const batches = [
    ...chunk(toDelete.filter(isIndex), ECR_BATCH_LIMIT),
    ...chunk(
      toDelete.filter((d) => !isIndex(d)),
      ECR_BATCH_LIMIT,
    ),
  ];
  for (const batch of batches) {
    try {
      const result = await deps.ecr.batchDeleteImages(batch);
      deleted.push(...result.deleted);
      failures.push(...result.failures);
    } catch (error) {
      // The whole call failed (e.g. AccessDenied): record every digest of the batch and stop.
      const code = error instanceof Error ? error.name : 'Error';
      failures.push(...batch.map((digest) => ({ digest, code, reason: errorMessage(error) })));
      fatal = `BatchDeleteImage failed: ${errorMessage(error)}`;
      break;
    }
  }
  return { deleted, failures, fatal };
}

function summarize(
  config: ImageCleanupConfig,
  s: {
    now: Date;
    dryRun: boolean;
    plan: CleanupPlan | undefined;
    scanned: number;
    deletedDigests: string[];
    failures: DeleteFailure[];
    fatal: string | undefined;
    started: number;
    services: number;
    notes: string[];
  },
): ImageCleanupSummary {
  const decisions = s.plan?.decisions ?? [];
  const protectedCandidates = decisions.filter((d) => d.candidate && d.action === 'keep');
  const count = Object.fromEntries(
    PROTECTION_REASONS.map((r) => [r, protectedCandidates.filter((d) => d.reasons.includes(r)).length]),
  ) as Record<(typeof PROTECTION_REASONS)[number], number>;
  const planned = s.plan?.toDelete ?? [];
  const errors = s.failures.length + (s.fatal !== undefined && s.failures.length === 0 ? 1 : 0);
  const summary: ImageCleanupSummary = {
    event: 'image-cleanup.summary',
    outcome: s.fatal !== undefined || s.failures.length > 0 ? 'failed' : 'succeeded',
    repository: config.repositoryName,
    dryRun: s.dryRun,
    now: s.now.toISOString(),
    maxAgeDays: config.maxAgeDays,
    cutoff: (s.plan?.cutoff ?? new Date(s.now.getTime() - config.maxAgeDays * 86_400_000)).toISOString(),
    scanned: s.scanned,
    candidates: decisions.filter((d) => d.candidate).length,
    protected: { total: protectedCandidates.length, ...count },
    planned: planned.length,
    deleted: s.deletedDigests.length,
    kept: s.scanned - s.deletedDigests.length,
    errors,
    failures: s.failures.slice(0, MAX_LISTED),
    plannedDigests: planned.slice(0, MAX_LISTED),
    deletedDigests: s.deletedDigests.slice(0, MAX_LISTED),
    omitted: {
      plannedDigests: Math.max(0, planned.length - MAX_LISTED),
      deletedDigests: Math.max(0, s.deletedDigests.length - MAX_LISTED),
      protectedImages: Math.max(0, protectedCandidates.length - MAX_LISTED),
    },
    protectedImages: protectedCandidates
      .slice(0, MAX_LISTED)
      .map((d) => ({ digest: d.digest, tags: d.tags, reasons: d.reasons })),
    references: {
      resolved: s.plan?.references.digests.size ?? 0,
      unresolved: (s.plan?.references.unresolved ?? [])
        .slice(0, MAX_LISTED)
        .map((r) => `${r.source}: ${r.image}`),
      otherRepositories: s.plan?.references.otherRepositories ?? 0,
      services: s.services,
      notes: s.notes.slice(0, MAX_LISTED),
    },
    unknownAge: s.plan?.unknownAge ?? 0,
    durationMs: Math.round(performance.now() - s.started),
  };
  if (s.fatal !== undefined) summary.error = s.fatal;
  return summary;
}

/** Embedded Metric Format members for the summary line (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html). */
function emf(config: ImageCleanupConfig, summary: ImageCleanupSummary): Record<string, unknown> {
  return {
    _aws: {
      Timestamp: Date.parse(summary.now),
      CloudWatchMetrics: [
        {
          Namespace: config.metricNamespace,
          Dimensions: [['Repository']],
          Metrics: [
            { Name: 'Deleted', Unit: 'Count' },
            { Name: 'Kept', Unit: 'Count' },
            { Name: 'Protected', Unit: 'Count' },
            { Name: 'Errors', Unit: 'Count' },
          ],
        },
      ],
    },
    Repository: config.repositoryName,
    Deleted: summary.deleted,
    Kept: summary.kept,
    Protected: summary.protected.total,
    Errors: summary.errors,
  };
}
