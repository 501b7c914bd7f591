import type { GitHubRepository } from '@slipway/config/contract';

/** One environment that lives in this account. */
export interface CiAccessEnvironment {
  /** Environment name; also the GitHub Environment whose jobs may assume the deploy role. */
  readonly name: string;
  /** Region the environment is deployed to (its CDK bootstrap roles live there). */
  readonly region: string;
  /**
   * The environment sleeps outside office hours (`officeHours`): the deploy role may then start its
   * NAT instance and database and scale its services up, as `slipway deploy` does before deploying.
   * @default false
   */
  readonly officeHours?: boolean;
}

/** Where the image repositories live (possibly another account). */
export interface CiAccessRegistry {
  /** Account holding the repositories. */
  readonly account: string;
  /** Region holding the repositories. */
  readonly region: string;
  /** Every repository of the app (`<app>`, then `<app>-<owner>` per other built image); at least one. */
  readonly repositoryNames: string[];
  /**
   * Images are replicated to each environment's account and region: the deploy role may read the
   * copies in its own account (`slipway deploy` waits there for a release to arrive).
   * @default false
   */
  readonly replicated?: boolean;
}

/** The push role, created only in the registry account. */
export interface CiAccessPush {
  /** Branches whose push builds may push images (`repo:<owner>/<repo>:ref:refs/heads/<branch>`). */
  readonly branches: string[];
  /**
   * Whether jobs in the `preview` GitHub Environment may push (a labelled pull request's image).
   * @default false
   */
  readonly preview?: boolean;
  /**
   * Other accounts whose deploy role may assume the push role to move `deployed-<env>` and
   * `rollback-<env>` tags (`slipway deploy` with `SLIPWAY_REGISTRY_ROLE_ARN`).
   * @default - no other account: only deploy roles of this account may move the release tags
   */
  readonly deployAccounts?: string[];
}

export interface CiAccessProps {
  /** App name: prefixes role names, stacks, SSM paths, clusters and log groups it may touch. */
  readonly appName: string;
  /** The GitHub repository whose workflows may assume the roles (pinned in every `sub` condition). */
  readonly github: GitHubRepository;
  /**
   * The environments in this account. Each one's GitHub Environment may assume the deploy role,
   * which may reach that environment's stacks, parameters, cluster and logs only.
   * @default - no deploy role (a registry-only account)
   */
  readonly environments?: CiAccessEnvironment[];
  /**
   * Further regions the environments (or previews) of this account deploy an edge stack to
   * (us-east-1: CloudFront's certificate and web ACL); their bootstrap roles are assumed too.
   * @default only the environments' own regions
   */
  readonly edgeRegions?: string[];
  /**
   * Branches (besides pull requests) that may assume the read-only plan role, e.g. the default
   * branch where the scheduled drift workflow runs.
   * @default - pull requests only
   */
  readonly planBranches?: string[];
  /**
   * Region of the pull-request previews (`pr-<number>`) deployed into this account. Jobs in the
   * `preview` GitHub Environment may then assume the deploy role, scoped to `<app>-pr-*` resources.
   * @default no previews in this account
   */
  readonly previewRegion?: string;
  /**
   * Pull-request previews inherit office hours from their base environment: the deploy role may
   * scale their services up outside them.
   * @default false
   */
  readonly previewOfficeHours?: boolean;
  /** The image repository: the deploy role tags images there after a deploy. */
  readonly registry: CiAccessRegistry;
  /**
   * Creates the push role `<app>-ci-push`. Set it in the registry account only.
   * @default no push role (the deploy role assumes the registry account's push role to tag images)
   */
  readonly push?: CiAccessPush;
  /**
   * ARN of a GitHub OIDC provider the account already has (IAM allows one per issuer per account).
   * @default creates the provider for `token.actions.githubusercontent.com`
   */
  readonly existingOidcProviderArn?: string;
  /**
   * CDK bootstrap qualifier of the account's bootstrap stacks.
   * @default 'hnb659fds' (the default of `cdk bootstrap`)
   */
  readonly bootstrapQualifier?: string;
  /**
   * Longest session of the deploy role, in hours. A canary deploy with bakes can outlast one
   * hour; the CDK CLI refreshes its chained bootstrap-role sessions only while this one is valid.
   * @default 2
   */
  readonly deploySessionHours?: number;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

export function validate(props: CiAccessProps) {
  const errors: string[] = [];
  if (!NAME.test(props.appName))
    errors.push(`appName: got "${props.appName}"; use lowercase letters, digits and -`);
  if (!/^[A-Za-z0-9-]+$/.test(props.github.owner)) {
    errors.push(`github.owner: got "${props.github.owner}"; a GitHub user or organisation name`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(props.github.repository)) {
    errors.push(`github.repository: got "${props.github.repository}"; a GitHub repository name`);
  }
  for (const e of props.environments ?? []) {
    if (!NAME.test(e.name)) errors.push(`environments: name "${e.name}" is not a valid environment name`);
    if (!REGION.test(e.region))
      errors.push(`environments.${e.name}.region: got "${e.region}"; a region like us-east-1`);
  }
  if (props.previewRegion !== undefined && !REGION.test(props.previewRegion)) {
    errors.push(`previewRegion: got "${props.previewRegion}"; a region like us-east-1`);
  }
  if (!ACCOUNT.test(props.registry.account)) {
    errors.push(`registry.account: got "${props.registry.account}"; a 12-digit account id`);
  }
  if (props.registry.repositoryNames.length === 0) {
    errors.push(
      "registry.repositoryNames: got an empty list; give every repository of the app (at least the app's)",
    );
  }
  for (const name of props.registry.repositoryNames) {
    if (!/^[a-z0-9]+(?:[._/-][a-z0-9]+)*$/.test(name))
      errors.push(`registry.repositoryNames: got "${name}"; an ECR repository name such as slipway-admin`);
  }
  for (const a of props.push?.deployAccounts ?? []) {
    if (!ACCOUNT.test(a)) errors.push(`push.deployAccounts: got "${a}"; a 12-digit account id`);
  }
  for (const b of [...(props.planBranches ?? []), ...(props.push?.branches ?? [])]) {
    // A branch lands in a StringEquals condition: a wildcard would silently match nothing.
    if (b.length === 0 || /[*?]/.test(b))
      errors.push(`branch "${b}": give an exact branch name (no wildcards)`);
  }
  const hours = props.deploySessionHours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 1 || hours > 12)) {
    errors.push(`deploySessionHours: got ${hours}; an integer from 1 to 12 (the IAM maximum)`);
  }
  if (errors.length > 0) throw new Error(`CiAccess: ${errors.join('; ')}`);
}
