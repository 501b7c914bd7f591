/**
 * The one GitHub REST call the approval check makes: GET /repos/{owner}/{repo}/environments/{name}.
 * It needs read access to the repository; for the workflow token, `actions: read` (GitHub's
 * "Get an environment" endpoint lists that fine-grained permission). Uses Node's fetch.
 */

/** A GitHub Environment's protection, as far as the approval check reads it. */
export interface EnvironmentProtection {
  /** `User` or `Team` reviewers of the `required_reviewers` rule, as `login` or `org/slug`. */
  readonly reviewers: string[];
  /** Whether the `required_reviewers` rule exists at all. */
  readonly requiredReviewersRule: boolean;
  /** `prevent_self_review` of that rule: the person who started the run cannot approve it. */
  readonly preventSelfReview: boolean;
}

/** What the call can answer: the protection, no such environment, or a failure to report. */
export type EnvironmentAnswer =
  | { readonly kind: 'found'; readonly protection: EnvironmentProtection }
  | { readonly kind: 'missing' }
  | { readonly kind: 'error'; readonly reason: string };

export interface GitHubClientOptions {
  /** `https://api.github.com`, or `$GITHUB_API_URL` on GitHub Enterprise Server. */
  readonly apiUrl: string;
  /** `owner/name`. */
  readonly repository: string;
  readonly token: string;
  /** Give up after this long. @default 10000 */
  readonly timeoutMs?: number;
}

interface RawReviewer {
  type?: string;
  reviewer?: { login?: string; slug?: string; organization?: { login?: string } };
}
interface RawRule {
  type?: string;
  prevent_self_review?: boolean;
  reviewers?: RawReviewer[];
}

function reviewerName(r: RawReviewer): string {
  const who = r.reviewer ?? {};
  if (r.type === 'Team')
    return `${who.organization?.login ? `${who.organization.login}/` : ''}${who.slug ?? '?'}`;
  return who.login ?? '?';
}

/** Reads the protection rules of a GitHub Environment. Never throws: every failure is an answer. */
export async function readEnvironment(
  options: GitHubClientOptions,
  name: string,
): Promise<EnvironmentAnswer> {
  const url = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}/environments/${encodeURIComponent(name)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${options.token}`,
        'x-github-api-version': '2022-11-28',
        'user-agent': 'slipway',
      },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'error', reason: `GET ${url} failed: ${cause ?? (error as Error).message}` };
  }
  if (response.status === 404) {
    await response.arrayBuffer();
    return { kind: 'missing' };
  }
  if (!response.ok) {
    const body = (await response.text()).slice(0, 200).replace(/\s+/g, ' ');
    return { kind: 'error', reason: `GET ${url} answered HTTP ${response.status}: ${body}` };
  }
  let rules: RawRule[];
  try {
    const body = (await response.json()) as { protection_rules?: RawRule[] };
    rules = Array.isArray(body.protection_rules) ? body.protection_rules : [];
  } catch {
    return { kind: 'error', reason: `GET ${url} answered something that is not JSON` };
  }
  const rule = rules.find((r) => r.type === 'required_reviewers');
  return {
    kind: 'found',
    protection: {
      requiredReviewersRule: rule !== undefined,
      reviewers: (rule?.reviewers ?? []).map(reviewerName),
      preventSelfReview: rule?.prevent_self_review === true,
    },
  };
}
