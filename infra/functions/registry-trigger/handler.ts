/**
 * The registry trigger: an `ECR Image Action` event (PUSH, SUCCESS) for a tag that matches an
 * environment's pattern starts the app workflow's on-demand deploy of that environment, with the
 * pushed tag, as the GitHub App. The installation token (one hour) is kept for reuse until five
 * minutes before it expires. A failed call throws, so Lambda's asynchronous retries try again.
 */
import { REGISTRY_TRIGGER, tagMatches } from '@slipway/config/contract';
import { errorMessage, type Logger } from '../shared/log.ts';
import type { RegistryTriggerConfig } from './config.ts';
import { appJwt, defaultBranch, dispatchWorkflow, installationToken } from './github.ts';

export interface RegistryTriggerDeps {
  readonly settings: RegistryTriggerConfig;
  /** The App's private key (PEM), read from Secrets Manager. */
  readonly privateKey: () => Promise<string>;
  readonly now: () => Date;
  readonly log: Logger;
}

export interface RegistryTriggerResult {
  /** Environments whose deploy was started (none when the event was ignored). */
  readonly dispatched: string[];
  readonly tag?: string;
  readonly ref?: string;
  readonly ignored?: string;
}

/** Tags every deploy moves: never a trigger, whatever a pattern says (a match would loop). */
const RELEASE_TAG = /^(deployed|rollback)-/;
const REUSE_MARGIN_MS = 5 * 60_000;

interface ImagePush {
  readonly repository: string;
  readonly tag: string;
}

/** The push an event reports, or why it is not one this function acts on. */
export function imagePush(event: unknown, repositories: readonly string[]): ImagePush | { ignored: string } {
  const e = event as { source?: string; 'detail-type'?: string; detail?: Record<string, unknown> };
  const d = e?.detail ?? {};
  if (e?.source !== 'aws.ecr' || e['detail-type'] !== 'ECR Image Action')
    return { ignored: 'not an ECR image action' };
  if (d['action-type'] !== 'PUSH' || d.result !== 'SUCCESS') return { ignored: 'not a successful push' };
  const repository = String(d['repository-name'] ?? '');
  if (!repositories.includes(repository)) return { ignored: `repository "${repository}" is not the app's` };
  const tag = typeof d['image-tag'] === 'string' ? d['image-tag'] : '';
  if (tag === '') return { ignored: 'the push has no tag' };
  return { repository, tag };
}

export function createHandler(deps: RegistryTriggerDeps) {
  const { settings, log } = deps;
  const target = { apiUrl: settings.apiUrl, owner: settings.owner, repository: settings.repository };
  let session: { token: string; expiresAtMs: number; ref: string } | undefined;

  async function github() {
    const now = deps.now().getTime();
    if (session && session.expiresAtMs - now > REUSE_MARGIN_MS) return session;
    const jwt = appJwt(settings.appId, await deps.privateKey(), Math.floor(now / 1000));
    const { token, expiresAt } = await installationToken(target, jwt);
    session = { token, expiresAtMs: Date.parse(expiresAt), ref: await defaultBranch(target, token) };
    return session;
  }

  return async (event: unknown): Promise<RegistryTriggerResult> => {
    const push = imagePush(event, settings.repositoryNames);
    const environments =
      'ignored' in push || RELEASE_TAG.test(push.tag)
        ? []
        : settings.targets.filter((t) => tagMatches(t.tagPattern, push.tag)).map((t) => t.environment);
    if ('ignored' in push || environments.length === 0) {
      const ignored = 'ignored' in push ? push.ignored : `no environment deploys tag "${push.tag}"`;
      log({ msg: 'registry-trigger.ignored', ignored });
      return { dispatched: [], ignored };
    }
    try {
      const { token, ref } = await github();
      for (const environment of environments) {
        await dispatchWorkflow(target, token, settings.workflow, {
          ref,
          inputs: {
            [REGISTRY_TRIGGER.inputs.environment]: environment,
            [REGISTRY_TRIGGER.inputs.imageTag]: push.tag,
          },
        });
      }
      log({
        msg: 'registry-trigger.dispatched',
        environments,
        tag: push.tag,
        repository: push.repository,
        ref,
      });
      return { dispatched: environments, tag: push.tag, ref };
    } catch (error) {
      log({ msg: 'registry-trigger.failed', environments, tag: push.tag, error: errorMessage(error) });
      throw error;
    }
  };
}
