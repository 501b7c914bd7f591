/*
 * The GitHub REST calls the workflows make from scripts: one updated comment per pull request
 * and purpose (plan, preview), one open issue per drifted environment. Plain `fetch` with the
 * job's GITHUB_TOKEN; a hidden marker in the body finds the comment or issue to update.
 */

export interface GitHubClientOptions {
  /** `owner/repo` (GITHUB_REPOSITORY). */
  readonly repository: string;
  /** The job token (GITHUB_TOKEN); never printed. */
  readonly token: string;
  /** GITHUB_API_URL. @default 'https://api.github.com' */
  readonly apiUrl?: string;
}

interface Commented {
  readonly id: number;
  readonly body?: string | null;
  readonly number?: number;
}

export class GitHubClient {
  private readonly base: string;

  private readonly options: GitHubClientOptions;

  constructor(options: GitHubClientOptions) {
    this.options = options;
    if (!/^[\w.-]+\/[\w.-]+$/.test(options.repository)) {
      throw new Error(`GITHUB_REPOSITORY: got "${options.repository}"; owner/repo`);
    }
    if (!options.token) throw new Error('GITHUB_TOKEN is not set (give the job the permission it needs)');
    this.base = `${(options.apiUrl ?? 'https://api.github.com').replace(/\/$/, '')}/repos/${options.repository}`;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): GitHubClient {
    return new GitHubClient({
      repository: env.GITHUB_REPOSITORY ?? '',
      token: env.GITHUB_TOKEN ?? '',
      apiUrl: env.GITHUB_API_URL,
    });
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${this.options.token}`,
        'x-github-api-version': '2022-11-28',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      const text = await response.text();
      throw new Error(`GitHub ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  /** Every page of a list endpoint (100 per page). */
  private async list<T>(path: string): Promise<T[]> {
    const all: T[] = [];
    for (let page = 1; ; page++) {
      const sep = path.includes('?') ? '&' : '?';
      const items = await this.request<T[]>('GET', `${path}${sep}per_page=100&page=${page}`);
      all.push(...items);
      if (items.length < 100) return all;
    }
  }

  /** Creates the pull request comment carrying `marker`, or updates it in place. Returns its id. */
  async upsertComment(issueNumber: number, marker: string, body: string): Promise<number> {
    const text = `${markerLine(marker)}\n${body}`;
    const comments = await this.list<Commented>(`/issues/${issueNumber}/comments`);
    const existing = comments.find((c) => c.body?.includes(markerLine(marker)));
    if (existing) {
      await this.request('PATCH', `/issues/comments/${existing.id}`, { body: text });
      return existing.id;
    }
    const created = await this.request<Commented>('POST', `/issues/${issueNumber}/comments`, { body: text });
    return created.id;
  }

  /** Opens the issue carrying `marker`, or updates its body and comments on it. Returns its number. */
  async upsertIssue(marker: string, title: string, body: string, labels: string[]): Promise<number> {
    const text = `${markerLine(marker)}\n${body}`;
    const existing = await this.findOpenIssue(marker, labels);
    if (existing?.number !== undefined) {
      await this.request('PATCH', `/issues/${existing.number}`, { title, body: text });
      await this.request('POST', `/issues/${existing.number}/comments`, {
        body: 'Still drifted in the latest run.',
      });
      return existing.number;
    }
    const created = await this.request<Commented>('POST', '/issues', { title, body: text, labels });
    return created.number ?? 0;
  }

  /** Closes the open issue carrying `marker` (if any) with a comment. Returns its number or undefined. */
  async closeIssue(marker: string, labels: string[], comment: string): Promise<number | undefined> {
    const existing = await this.findOpenIssue(marker, labels);
    if (existing?.number === undefined) return undefined;
    await this.request('POST', `/issues/${existing.number}/comments`, { body: comment });
    await this.request('PATCH', `/issues/${existing.number}`, { state: 'closed', state_reason: 'completed' });
    return existing.number;
  }

  private async findOpenIssue(marker: string, labels: string[]) {
    const query =
      labels.length > 0 ? `?state=open&labels=${encodeURIComponent(labels.join(','))}` : '?state=open';
    const issues = await this.list<Commented>(`/issues${query}`);
    return issues.find((i) => i.body?.includes(markerLine(marker)));
  }
}

/** The hidden line that identifies a comment or issue Slipway owns. */
export function markerLine(marker: string): string {
  if (!/^[\w:.-]+$/.test(marker)) throw new Error(`marker: got "${marker}"; letters, digits, : . - _`);
  return `<!-- slipway:${marker} -->`;
}
