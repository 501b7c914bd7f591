import { CliError } from '../errors.ts';
import { type GitHubClientOptions, readEnvironment } from './github.ts';

/** Where the check reads GitHub from: the variables GitHub Actions sets. */
export interface ApprovalSource {
  /** `$GITHUB_API_URL`. @default https://api.github.com */
  readonly apiUrl?: string;
  /** `$GITHUB_REPOSITORY` (`owner/name`). */
  readonly repository?: string;
  /** `$GITHUB_TOKEN` (or `$GH_TOKEN`): the workflow's token, with `actions: read`. */
  readonly token?: string;
}

/** The source from the process environment (GitHub Actions sets the first two). */
export function approvalSource(environ: NodeJS.ProcessEnv = process.env): ApprovalSource {
  return {
    apiUrl: environ.GITHUB_API_URL,
    repository: environ.GITHUB_REPOSITORY,
    token: environ.GITHUB_TOKEN || environ.GH_TOKEN,
  };
}

/** The environment's settings the check reads. */
export interface ApprovalTarget {
  readonly name: string;
  /** `approval` after defaults (true for a protected environment unless acknowledged otherwise). */
  readonly approval: boolean;
}

/** What a passed check found. */
export interface ApprovalVerdict {
  readonly githubEnvironment: string;
  readonly reviewers: string[];
}

/**
 * Verifies that the GitHub Environment `githubEnvironment` makes a reviewer approve every run
 * before it deploys `env`: a `required_reviewers` rule with at least one reviewer and
 * `prevent_self_review` on. Fails closed: anything it cannot read is an error (SW266), anything
 * missing is a refusal (SW265). Call only for environments that need approval.
 */
export async function checkApproval(
  env: ApprovalTarget,
  githubEnvironment: string,
  source: ApprovalSource,
): Promise<ApprovalVerdict> {
  const next = `slipway ci check-approval ${env.name}`;
  if (!source.repository || !source.token) {
    const missing = [!source.repository && 'GITHUB_REPOSITORY', !source.token && 'GITHUB_TOKEN']
      .filter(Boolean)
      .join(' and ');
    throw new CliError(
      'SW266',
      `${env.name} needs approval, but ${missing} ${missing.includes(' and ') ? 'are' : 'is'} not set, so its GitHub Environment cannot be read; not deploying`,
      `set ${missing} (in a workflow: env GITHUB_TOKEN: \${{ github.token }} with permissions actions: read), then ${next}`,
    );
  }
  const options: GitHubClientOptions = {
    apiUrl: source.apiUrl || 'https://api.github.com',
    repository: source.repository,
    token: source.token,
  };
  const answer = await readEnvironment(options, githubEnvironment);
  const settings = `Settings → Environments → ${githubEnvironment} of ${source.repository}`;
  if (answer.kind === 'error') {
    throw new CliError(
      'SW266',
      `the approval of ${env.name} could not be checked, so it fails closed: ${answer.reason}`,
      `give the token read access to ${source.repository} (workflow: permissions actions: read), then ${next}`,
    );
  }
  if (answer.kind === 'missing') {
    throw new CliError(
      'SW265',
      `${env.name} needs approval, but ${source.repository} has no GitHub Environment "${githubEnvironment}"; a job would deploy without a reviewer`,
      `create it with required reviewers and 'Prevent self-review' (${settings}), then ${next}`,
    );
  }
  const { protection } = answer;
  if (protection.reviewers.length === 0 || !protection.preventSelfReview) {
    const why =
      protection.reviewers.length === 0
        ? protection.requiredReviewersRule
          ? 'its required reviewers rule lists nobody'
          : 'it has no required reviewers'
        : 'it lets the person who started the run approve it (prevent_self_review is off)';
    throw new CliError(
      'SW265',
      `${env.name} needs approval, but GitHub Environment "${githubEnvironment}": ${why}`,
      `add reviewers and tick 'Prevent self-review' in ${settings}, then ${next}`,
    );
  }
  return { githubEnvironment, reviewers: protection.reviewers };
}
