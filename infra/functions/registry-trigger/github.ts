/**
 * The three GitHub REST calls of the registry trigger, as the GitHub App: sign a JWT with the
 * App's private key (RS256, node:crypto), exchange it for an installation access token (one hour),
 * then start the workflow (`workflow_dispatch`). No GitHub library: the calls are plain `fetch`.
 */
import { createPrivateKey, createSign } from 'node:crypto';

const HEADERS = {
  accept: 'application/vnd.github+json',
  'x-github-api-version': '2022-11-28',
  'user-agent': 'slipway-registry-trigger',
};

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * The App's JWT: issued a minute in the past (clock drift), expiring after nine minutes (GitHub
 * accepts at most ten), `iss` the App ID. Throws when `pem` is not a private key, naming the fix.
 */
export function appJwt(appId: string, pem: string, nowSeconds: number): string {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error(
      'the secret does not hold a PEM private key: store the GitHub App\'s private key (.pem) in it (docs/pipelines.md, "Deploy on image push")',
    );
  }
  const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const payload = base64url(JSON.stringify({ iat: nowSeconds - 60, exp: nowSeconds + 540, iss: appId }));
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${base64url(signature)}`;
}

export interface GitHubTarget {
  readonly apiUrl: string;
  readonly owner: string;
  readonly repository: string;
}

async function call(
  url: string,
  init: RequestInit & { token: string },
  expected: number[],
): Promise<unknown> {
  const { token, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    headers: { ...HEADERS, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });
  const text = await response.text();
  if (!expected.includes(response.status)) {
    // GitHub's error body names the problem ("Bad credentials", "Resource not accessible by integration").
    const message = (() => {
      try {
        return String((JSON.parse(text) as { message?: unknown }).message ?? text);
      } catch {
        return text;
      }
    })();
    throw new Error(
      `${init.method ?? 'GET'} ${new URL(url).pathname}: HTTP ${response.status} ${message.slice(0, 200)}`,
    );
  }
  return text === '' ? undefined : JSON.parse(text);
}

/** An installation access token for this one repository, allowed only to start workflows. */
export async function installationToken(
  target: GitHubTarget,
  jwt: string,
): Promise<{ token: string; expiresAt: string }> {
  const repo = `${target.apiUrl}/repos/${target.owner}/${target.repository}`;
  const installation = (await call(`${repo}/installation`, { token: jwt }, [200])) as { id: number };
  const body = { repositories: [target.repository], permissions: { actions: 'write', metadata: 'read' } };
  const token = (await call(
    `${target.apiUrl}/app/installations/${installation.id}/access_tokens`,
    { method: 'POST', token: jwt, body: JSON.stringify(body) },
    [201],
  )) as { token: string; expires_at: string };
  return { token: token.token, expiresAt: token.expires_at };
}

/** The repository's default branch: the ref the workflow runs on. */
export async function defaultBranch(target: GitHubTarget, token: string): Promise<string> {
  const repo = (await call(
    `${target.apiUrl}/repos/${target.owner}/${target.repository}`,
    { token },
    [200],
  )) as {
    default_branch: string;
  };
  return repo.default_branch;
}

/** Starts `workflow` on `ref` with `inputs` (GitHub answers 204, or 200 with the run's details). */
export async function dispatchWorkflow(
  target: GitHubTarget,
  token: string,
  workflow: string,
  request: { ref: string; inputs: Record<string, string> },
): Promise<void> {
  await call(
    `${target.apiUrl}/repos/${target.owner}/${target.repository}/actions/workflows/${encodeURIComponent(workflow)}/dispatches`,
    { method: 'POST', token, body: JSON.stringify(request) },
    [200, 204],
  );
}
