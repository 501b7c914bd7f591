/*
 * How the migrate hook knows that a deployment brings no migration, shared by whoever writes the
 * release's digest (the pipeline, before `slipway deploy`) and the hook that reads it.
 *
 * - `release/migrations-digest` holds `<commit>:<digest>`: the sha256 of the migrations folder at
 *   the commit the image was built from. The commit binds the digest to one image: the hook uses it
 *   only when it equals the target task definition's image tag, so a stale or foreign value can
 *   only make it migrate.
 * - `migrations/applied-digest` holds the digest of the last migration the hook saw succeed in this
 *   environment; only the migrate hook writes it.
 *
 * Equal digests: nothing pending, the hook answers SUCCEEDED without a task. Anything missing,
 * malformed or different: it migrates, as it always did.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { filesUnder } from './files.ts';

export const MIGRATION_PARAMETERS = {
  /** `<commit>:<sha256>` of the release being deployed; written before the deploy, read by the migrate hook. */
  releaseDigest: 'release/migrations-digest',
  /** The sha256 of the migrations last applied by the migrate hook; written only by it. */
  appliedDigest: 'migrations/applied-digest',
} as const;

const SHA256 = /^[0-9a-f]{64}$/;
const COMMIT = /^[0-9a-f]{7,40}$/;

/**
 * The sha256 of a migrations folder: every file's path (relative, `/`-separated) and content, in
 * path order, so a renamed, added, removed or edited migration changes it and nothing else does.
 */
export function migrationsDigest(dir: string): string {
  const hash = createHash('sha256');
  for (const file of filesUnder(dir)) {
    const name = relative(dir, file).split(sep).join('/');
    const content = readFileSync(file);
    hash.update(`${name}\0${content.length}\0`);
    hash.update(content);
  }
  return hash.digest('hex');
}

/** `<commit>:<digest>`, the value of `release/migrations-digest`. */
export function releaseDigestValue(commit: string, digest: string): string {
  return `${commit.toLowerCase()}:${digest}`;
}

/** The commit and digest of a `release/migrations-digest` value; undefined when it is not one. */
export function parseReleaseDigest(
  value: string | undefined,
): { commit: string; digest: string } | undefined {
  const [commit, digest, ...rest] = (value ?? '').trim().toLowerCase().split(':');
  if (rest.length > 0 || !commit || !digest || !COMMIT.test(commit) || !SHA256.test(digest)) return undefined;
  return { commit, digest };
}

/** Whether two commit shas name the same commit (one may be the other's 7+ character prefix). */
export function sameCommit(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return COMMIT.test(x) && COMMIT.test(y) && (x.startsWith(y) || y.startsWith(x));
}
