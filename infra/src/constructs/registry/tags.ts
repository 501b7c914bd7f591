/*
 * The image tags Slipway writes and the names the registry layer gives, in one place: the
 * repository's mutability exclusions and lifecycle rules, the cleanup function's protection, the
 * deployer (`slipway deploy` moves the release tags) and the docs all use these.
 *
 * No CDK imports here, so the CLI can load this file cheaply. See docs/images.md.
 */

/** Tags `slipway deploy` moves after each successful deploy of an environment. */
export const releaseTag = {
  /** The image the environment runs now. */
  deployed: (environment: string) => `deployed-${environment}`,
  /** The image the environment ran before: what `slipway rollback` returns to. */
  rollback: (environment: string) => `rollback-${environment}`,
} as const;

/** Globs of the release tags; always protected, whatever `registry.cleanup.protectedTags` says. */
export const RELEASE_TAG_PATTERNS: readonly string[] = ['deployed-*', 'rollback-*'];

/**
 * Tags that move, so they are excluded from the repository's tag immutability: the pipeline's
 * `latest` (main) and `dev-latest` (dev branch, matched by `*-latest`) and the release tags. Every
 * other tag — the commit sha the pipeline pushes on every build — can never be moved to other
 * content. ECR allows at most 5 exclusion filters.
 */
export const MUTABLE_TAG_PATTERNS: readonly string[] = ['latest', '*-latest', ...RELEASE_TAG_PATTERNS];

/**
 * What the lifecycle "claim" rules and the cleanup function protect: the configured patterns plus
 * the release tags, without duplicates, in that order.
 */
export function protectedTagPatterns(configured: readonly string[]): string[] {
  return [...new Set([...configured, ...RELEASE_TAG_PATTERNS])];
}

/** The cleanup function's name, e.g. `slipway-image-cleanup` (for `aws lambda invoke`). */
export function imageCleanupFunctionName(appName: string): string {
  return `${appName}-image-cleanup`;
}
