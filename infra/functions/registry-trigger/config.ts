/**
 * Configuration of the registry-trigger function, read from environment variables at cold start.
 * No secret travels here: the App's private key is read from Secrets Manager (`SECRET_ID`) per
 * cold start; every problem is reported at once.
 */
import { TAG_PATTERN } from '@slipway/config/contract';
import { type Env, EnvReader } from '../shared/config.ts';

/** An environment deployed when a tag matching `tagPattern` is pushed. */
export interface TriggerTarget {
  readonly environment: string;
  readonly tagPattern: string;
}

export interface RegistryTriggerConfig {
  /** Secrets Manager secret id (name or ARN) holding the GitHub App's private key (PEM). */
  readonly secretId: string;
  /** The GitHub App's ID: the `iss` of its JWT. */
  readonly appId: string;
  readonly owner: string;
  readonly repository: string;
  /** Workflow file dispatched (`app.yml`). */
  readonly workflow: string;
  /** ECR repositories whose pushes count (the app's repository). */
  readonly repositoryNames: string[];
  readonly targets: TriggerTarget[];
  /** GitHub's REST API (GitHub Enterprise Server: `https://<host>/api/v3`). */
  readonly apiUrl: string;
}

const TARGETS_EXAMPLE = '[{"environment":"test","tagPattern":"rc-*"}]';

function targetList(value: unknown): { ok: true; value: TriggerTarget[] } | { ok: false; problem: string } {
  if (!Array.isArray(value) || value.length === 0)
    return { ok: false, problem: 'expected a non-empty JSON array' };
  for (const [i, item] of value.entries()) {
    const t = item as Partial<TriggerTarget>;
    if (typeof t?.environment !== 'string' || t.environment === '')
      return { ok: false, problem: `[${i}].environment is not a name` };
    if (typeof t.tagPattern !== 'string' || !TAG_PATTERN.test(t.tagPattern))
      return { ok: false, problem: `[${i}].tagPattern is not a tag glob` };
  }
  return { ok: true, value: value as TriggerTarget[] };
}

export function loadRegistryTriggerConfig(env: Env): RegistryTriggerConfig {
  const r = new EnvReader('registry-trigger', env);
  const config: RegistryTriggerConfig = {
    secretId: r.requiredString(
      'SECRET_ID',
      "the name or ARN of the secret holding the GitHub App's private key",
    ),
    appId: r.requiredString('GITHUB_APP_ID', "the GitHub App's ID (github.appId)"),
    owner: r.requiredString('GITHUB_OWNER', 'the organisation or user that owns the repository'),
    repository: r.requiredString('GITHUB_REPOSITORY', 'the repository name'),
    workflow: r.string('WORKFLOW', 'app.yml'),
    repositoryNames: r.list('REPOSITORY_NAMES', undefined, "the app's ECR repository names"),
    targets: r.json('TARGETS', [], targetList, TARGETS_EXAMPLE),
    apiUrl: r.string('GITHUB_API_URL', 'https://api.github.com').replace(/\/+$/, ''),
  };
  if (config.targets.length === 0 && env.TARGETS === undefined)
    r.problem(`TARGETS: missing; set it to the environments and their tag patterns, e.g. ${TARGETS_EXAMPLE}`);
  r.done();
  return config;
}
