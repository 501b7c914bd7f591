import { CLAIM_COUNT, UNTAGGED_EXPIRY_DAYS } from './image-repository.ts';

/*
 * The lifecycle policy of the app's repositories as ECR's JSON, for repositories Slipway does not
 * create itself: the replicas ECR creates in each destination registry through a repository
 * creation template. It is the policy `ImageRepository` gives the source repositories (a test
 * compares the two), so a replica keeps and expires the same images.
 */

interface Rule {
  readonly rulePriority: number;
  readonly description: string;
  readonly selection: Record<string, unknown>;
  readonly action: { readonly type: 'expire' };
}

/**
 * Claim rules for `patterns` (in order, so no later rule expires them), then untagged images
 * expire a day after push, then all but the `keepImages` most recently pushed tagged images.
 */
export function lifecyclePolicy(keepImages: number, patterns: readonly string[]): { rules: Rule[] } {
  const claims: Rule[] = patterns.map((pattern, i) => ({
    rulePriority: i + 1,
    description: `Claim images tagged ${pattern}: no later rule may expire them`,
    selection: {
      tagStatus: 'tagged',
      tagPatternList: [pattern],
      countType: 'imageCountMoreThan',
      countNumber: CLAIM_COUNT,
    },
    action: { type: 'expire' },
  }));
  const next = patterns.length + 1;
  return {
    rules: [
      ...claims,
      {
        rulePriority: next,
        description: `Expire untagged images ${UNTAGGED_EXPIRY_DAYS} day after push`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countNumber: UNTAGGED_EXPIRY_DAYS,
          countUnit: 'days',
        },
        action: { type: 'expire' },
      },
      {
        rulePriority: next + 1,
        description: `Keep the ${keepImages} most recently pushed tagged images not claimed above`,
        selection: {
          tagStatus: 'tagged',
          tagPatternList: ['*'],
          countType: 'imageCountMoreThan',
          countNumber: keepImages,
        },
        action: { type: 'expire' },
      },
    ],
  };
}
