/*
 * After a deploy: the environment answers `/ready` with 200 and `/info` reports the commit that
 * was deployed (the image's GIT_SHA build argument), so a deploy that "succeeded" on an old image
 * fails the pipeline.
 *
 *   npx tsx scripts/ci/verify-deploy.ts --url http://… [--sha <commit>] [--ready-path /ready]
 *                                       [--attempts 30] [--interval-seconds 10]
 *
 * Retries, because the load balancer may still drain the old tasks for a few seconds after
 * `slipway deploy` returns. Every attempt is bounded by a 10 s request timeout.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { appendSummary, isMain, run } from './actions.ts';

export interface VerifyOptions {
  readonly url: string;
  /** The commit `/info` must report; without it only readiness is checked (an infrastructure-only deploy). */
  readonly sha?: string;
  readonly readyPath?: string;
  readonly attempts?: number;
  readonly intervalMs?: number;
  readonly requestTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly attempts: number;
  /** What the last attempt saw. */
  readonly detail: string;
}

async function check(base: string, options: VerifyOptions): Promise<{ ok: boolean; detail: string }> {
  const timeout = options.requestTimeoutMs ?? 10_000;
  const ready = await fetch(new URL(options.readyPath ?? '/ready', base), {
    signal: AbortSignal.timeout(timeout),
  });
  await ready.arrayBuffer();
  if (ready.status !== 200)
    return { ok: false, detail: `${options.readyPath ?? '/ready'} answered ${ready.status}` };
  if (options.sha === undefined) return { ok: true, detail: `ready (${options.readyPath ?? '/ready'} 200)` };
  const info = await fetch(new URL('/info', base), { signal: AbortSignal.timeout(timeout) });
  if (info.status !== 200) return { ok: false, detail: `/info answered ${info.status}` };
  const body = (await info.json()) as { commit?: unknown; version?: unknown };
  if (body.commit !== options.sha) {
    return {
      ok: false,
      detail: `/info reports commit ${JSON.stringify(body.commit)}, expected ${options.sha}`,
    };
  }
  return { ok: true, detail: `ready; /info commit ${options.sha}, version ${String(body.version)}` };
}

export async function verifyDeploy(options: VerifyOptions): Promise<VerifyResult> {
  if (!/^https?:\/\//.test(options.url)) throw new Error(`--url: got "${options.url}"; an http(s) URL`);
  if (options.sha !== undefined && !/^[0-9a-f]{7,64}$/.test(options.sha))
    throw new Error(`--sha: got "${options.sha}"; a commit sha`);
  const attempts = options.attempts ?? 30;
  const log = options.log ?? console.log;
  let detail = 'not tried';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const result = await check(options.url, options);
      detail = result.detail;
      if (result.ok) return { ok: true, attempts: attempt, detail };
    } catch (error) {
      detail = `request failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    log(`attempt ${attempt}/${attempts}: ${detail}`);
    if (attempt < attempts) await sleep(options.intervalMs ?? 10_000);
  }
  return { ok: false, attempts, detail };
}

/**
 * The commit an image tag names: the tag itself when it is a commit sha (what a push deploys), else
 * undefined. A tag given on Run workflow or by the registry trigger (`v1.2.3`, `rc-7`) names no
 * commit, so only readiness can be checked for it.
 */
export function commitOf(imageTag: string | undefined): string | undefined {
  return imageTag !== undefined && /^[0-9a-f]{7,64}$/.test(imageTag) ? imageTag : undefined;
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      sha: { type: 'string' },
      'ready-path': { type: 'string', default: '/ready' },
      attempts: { type: 'string', default: '30' },
      'interval-seconds': { type: 'string', default: '10' },
    },
  });
  if (!values.url) throw new Error('usage: verify-deploy.ts --url <url> [--sha <commit or image tag>]');
  const sha = commitOf(values.sha);
  if (values.sha && !sha)
    console.log(`image tag "${values.sha}" names no commit: only readiness is checked, not /info's commit`);
  const result = await verifyDeploy({
    url: values.url,
    sha,
    readyPath: values['ready-path'],
    attempts: Number(values.attempts),
    intervalMs: Number(values['interval-seconds']) * 1000,
  });
  appendSummary(
    `**Verify** ${values.url}: ${result.ok ? 'passed' : 'FAILED'} after ${result.attempts} attempt(s) — ${result.detail}`,
  );
  if (!result.ok) throw new Error(`deploy verification failed: ${result.detail}`);
}

if (isMain(import.meta.url)) run(main);
