/**
 * The cleanup plan: a pure function of the repository's images, the references environments make
 * to them, the clock and the configuration. The handler runs it identically in dry-run and real
 * mode, so a dry run reports exactly the plan a real run would carry out.
 */
import { parseImageRef } from '../shared/image-ref.ts';
import { type EcrImage, IMAGE_INDEX_MEDIA_TYPES } from './ecr.ts';
import { tagMatcher } from './glob.ts';
import type { ImageReference } from './references.ts';

export type ProtectionReason =
  /** A tag matches PROTECTED_TAG_PATTERNS (other than deployed-* / rollback-*). */
  | 'byTag'
  /** Tagged `deployed-<env>`: the deployer records what an environment runs. */
  | 'deployed'
  /** Tagged `rollback-<env>`: what an environment would roll back to. */
  | 'rollback'
  /** An ECS service in this account refers to it (task definition or running task). */
  | 'running'
  /** Part of a kept image index (a platform image or attestation of a multi-arch/attested image). */
  | 'index';

export const PROTECTION_REASONS: readonly ProtectionReason[] = [
  'byTag',
  'deployed',
  'rollback',
  'running',
  'index',
];

export interface ImageDecision {
  digest: string;
  tags: string[];
  pushedAt: string | undefined;
  /** Older than maxAgeDays. */
  candidate: boolean;
  reasons: ProtectionReason[];
  action: 'delete' | 'keep';
}

export interface ResolvedReferences {
  /** digest → the sources referring to it. */
  digests: Map<string, string[]>;
  /** References to this repository that match no image in it (tag or digest gone). */
  unresolved: ImageReference[];
  /** References to other repositories (ignored). */
  otherRepositories: number;
}

export interface CleanupPlan {
  cutoff: Date;
  decisions: ImageDecision[];
  /** Digests to delete, image indexes first (so their children are no longer referenced). */
  toDelete: string[];
  /** Images whose push time ECR did not report (kept). */
  unknownAge: number;
  references: ResolvedReferences;
}

const DAY_MS = 86_400_000;

/**
 * Matches references by repository name only, whatever the registry host: an image of another
 * registry that happens to share the name is over-protected at worst, never deleted by mistake.
 */
export function resolveReferences(
  references: readonly ImageReference[],
  repositoryName: string,
  images: readonly EcrImage[],
): ResolvedReferences {
  const byTag = new Map<string, string>();
  const known = new Set<string>();
  for (const image of images) {
    known.add(image.digest);
    for (const tag of image.tags) byTag.set(tag, image.digest);
  }
  const digests = new Map<string, string[]>();
  const unresolved: ImageReference[] = [];
  let otherRepositories = 0;
  const add = (digest: string, source: string) => {
    if (!known.has(digest)) return false;
    digests.set(digest, [...(digests.get(digest) ?? []), source]);
    return true;
  };
  for (const ref of references) {
    const parsed = parseImageRef(ref.image);
    if (parsed === undefined || parsed.repository !== repositoryName) {
      otherRepositories += 1;
      continue;
    }
    let matched = false;
    if (ref.digest !== undefined) matched = add(ref.digest, ref.source) || matched;
    if (parsed.digest !== undefined) matched = add(parsed.digest, ref.source) || matched;
    if (parsed.tag !== undefined) {
      const digest = byTag.get(parsed.tag);
      if (digest !== undefined) matched = add(digest, ref.source) || matched;
    }
    if (!matched) unresolved.push(ref);
  }
  return { digests, unresolved, otherRepositories };
}

export function planCleanup(input: {
  images: readonly EcrImage[];
  now: Date;
  maxAgeDays: number;
  protectedTagPatterns: readonly string[];
  references: ResolvedReferences;
  /** index digest → the digests it points at (from the index manifests). */
  indexChildren: ReadonlyMap<string, readonly string[]>;
}): CleanupPlan {
  const cutoff = new Date(input.now.getTime() - input.maxAgeDays * DAY_MS);
  const isProtectedTag = tagMatcher(input.protectedTagPatterns);
  let unknownAge = 0;

  const decisions = new Map<string, ImageDecision>();
  for (const image of input.images) {
    const reasons: ProtectionReason[] = [];
    const deployed = image.tags.some((t) => t.startsWith('deployed-'));
    const rollback = image.tags.some((t) => t.startsWith('rollback-'));
    const byTag = image.tags.some(
      (t) => !t.startsWith('deployed-') && !t.startsWith('rollback-') && isProtectedTag(t),
    );
    if (byTag) reasons.push('byTag');
    if (deployed) reasons.push('deployed');
    if (rollback) reasons.push('rollback');
    if (input.references.digests.has(image.digest)) reasons.push('running');
    if (image.pushedAt === undefined) unknownAge += 1;
    const candidate = image.pushedAt !== undefined && image.pushedAt.getTime() < cutoff.getTime();
    decisions.set(image.digest, {
      digest: image.digest,
      tags: [...image.tags].sort(),
      pushedAt: image.pushedAt?.toISOString(),
      candidate,
      reasons,
      action: candidate && reasons.length === 0 ? 'delete' : 'keep',
    });
  }

  // Children of a kept image index are kept too (transitively: an index may point at an index).
  const pending = [...decisions.values()].filter(
    (d) => d.action === 'keep' && input.indexChildren.has(d.digest),
  );
  while (pending.length > 0) {
    const parent = pending.pop() as ImageDecision;
    for (const child of input.indexChildren.get(parent.digest) ?? []) {
      const decision = decisions.get(child);
      if (decision === undefined || decision.reasons.includes('index')) continue;
      decision.reasons.push('index');
      if (decision.action === 'delete') {
        decision.action = 'keep';
        if (input.indexChildren.has(child)) pending.push(decision);
      }
    }
  }

  const mediaType = new Map(input.images.map((i) => [i.digest, i.mediaType]));
  const isIndex = (digest: string) => IMAGE_INDEX_MEDIA_TYPES.includes(mediaType.get(digest) ?? '');
  const deleting = [...decisions.values()].filter((d) => d.action === 'delete').map((d) => d.digest);
  const toDelete = [...deleting.filter(isIndex), ...deleting.filter((d) => !isIndex(d))];

  return { cutoff, decisions: [...decisions.values()], toDelete, unknownAge, references: input.references };
}
