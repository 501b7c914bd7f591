/*
 * The one place that names the CI roles, the GitHub OIDC claims they trust and the CDK bootstrap
 * roles the deploy and plan roles may assume. The CI access stack, the workflows' helper scripts
 * (`scripts/ci/`), the CLI and the docs all use these, so a role name cannot drift between them.
 *
 * No CDK imports here: `scripts/` and the CLI load this file directly and stay fast.
 */

/** GitHub's OIDC issuer for Actions, and the audience `aws-actions/configure-aws-credentials` asks for. */
export const GITHUB_OIDC = {
  url: 'https://token.actions.githubusercontent.com',
  /** The issuer without scheme: the prefix of the condition keys (`<host>:aud`, `<host>:sub`). */
  host: 'token.actions.githubusercontent.com',
  audience: 'sts.amazonaws.com',
} as const;

/**
 * The CI roles, one set per AWS account. `plan` is read-only and assumable from pull requests;
 * `deploy` only from a GitHub Environment of that account; `push` (registry account only) pushes
 * images and is assumed by the deploy roles of other accounts to move `deployed-<env>` tags.
 */
export type CiRoleKind = 'plan' | 'deploy' | 'push';

export const CI_ROLE_KINDS: readonly CiRoleKind[] = ['plan', 'deploy', 'push'];

/** `<app>-ci-<kind>`, e.g. `slipway-ci-deploy`. The registry's repository policy grants push to `<app>-ci-push`. */
export function ciRoleName(appName: string, kind: CiRoleKind): string {
  return `${appName}-ci-${kind}`;
}

/** The ARN a workflow assumes, e.g. `arn:aws:iam::111111111111:role/slipway-ci-deploy`. */
export function ciRoleArn(account: string, appName: string, kind: CiRoleKind, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role/${ciRoleName(appName, kind)}`;
}

export interface GitHubRepository {
  readonly owner: string;
  readonly repository: string;
}

/**
 * The `sub` claim of GitHub's OIDC token (default claim template) for each way a job runs:
 * a job with `environment: <name>`, a `pull_request` run, or a run on a branch without an
 * environment (push, schedule, workflow_dispatch).
 */
export const githubSubject = {
  environment: (gh: GitHubRepository, environment: string) =>
    `repo:${gh.owner}/${gh.repository}:environment:${environment}`,
  pullRequest: (gh: GitHubRepository) => `repo:${gh.owner}/${gh.repository}:pull_request`,
  branch: (gh: GitHubRepository, branch: string) =>
    `repo:${gh.owner}/${gh.repository}:ref:refs/heads/${branch}`,
};

/**
 * The GitHub Environment preview jobs run in (`pr-<number>` deploys). One environment for every
 * preview, so its deployment rules (and reviewers, if wanted) are set once.
 */
export const PREVIEW_GITHUB_ENVIRONMENT = 'preview';

/** CDK's default bootstrap qualifier (`cdk bootstrap` without `--qualifier`). */
export const CDK_DEFAULT_QUALIFIER = 'hnb659fds';

export type BootstrapRoleKind = 'deploy' | 'file-publishing' | 'image-publishing' | 'lookup';

/** `cdk-<qualifier>-<kind>-role-<account>-<region>`: the roles `cdk bootstrap` creates. */
export function bootstrapRoleName(
  kind: BootstrapRoleKind,
  account: string,
  region: string,
  qualifier = CDK_DEFAULT_QUALIFIER,
): string {
  return `cdk-${qualifier}-${kind}-role-${account}-${region}`;
}
