/*
 * The registry trigger: an image pushed to the app's repository with a tag matching an
 * environment's `deployOnImagePush.tagPattern` starts that environment's on-demand deploy in the
 * app workflow (workflow_dispatch), through a GitHub App. The names the config rules, the registry
 * stack, the function, the workflow tests and the docs share.
 */

/** The workflow the function dispatches, and the inputs of its workflow_dispatch. */
export const REGISTRY_TRIGGER = {
  workflow: 'app.yml',
  inputs: { environment: 'environment', imageTag: 'image-tag' },
} as const;

/** Secrets Manager secret holding the GitHub App's private key (PEM), created with a placeholder value. */
export function registryTriggerSecretName(app: string): string {
  return `${app}/registry-trigger/github-app-private-key`;
}

/** The function that turns a matching push into a workflow dispatch. */
export function registryTriggerFunctionName(app: string): string {
  return `${app}-registry-trigger`;
}

/** An image tag (Docker's rule: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -). */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A tag pattern: tag characters and `*` (any run of characters), the one wildcard EventBridge matches. */
export const TAG_PATTERN = /^[A-Za-z0-9_*][A-Za-z0-9_.*-]{0,127}$/;

/** Whether `tag` matches the glob `pattern` (`*` is any run of characters, possibly empty). */
export function tagMatches(pattern: string, tag: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(tag);
}

/**
 * Tags Slipway's own pipelines write to the registry, which a pattern must not match: every deploy
 * moves `deployed-<env>` and `rollback-<env>` (a PUSH event each, so a match would start deploy
 * after deploy), and every build of a deploy branch moves `latest` or `<branch>-latest` along with
 * the commit tag (a match would deploy every build twice).
 */
export function slipwayWrittenTags(environments: readonly string[], branches: readonly string[]): string[] {
  const moving = branches.map((b) =>
    b === 'main' ? 'latest' : `${b.replace(/[^A-Za-z0-9_.-]/g, '-')}-latest`,
  );
  const release = environments.flatMap((e) => [`deployed-${e}`, `rollback-${e}`]);
  return [...new Set(['latest', ...moving, ...release])];
}
