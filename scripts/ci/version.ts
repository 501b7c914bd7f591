/*
 * Automated version detection: the next semantic version from the last release tag
 * (`v1.4.2`) and the Conventional Commits since it.
 *
 *   npx tsx scripts/ci/version.ts [--release-branch main]
 *
 * - a commit with `!` before the colon (`feat!: …`) or a `BREAKING CHANGE:` footer → major
 * - any `feat:` → minor; anything else → patch; no commit since the tag → the tag itself
 * - builds of the release branch get `X.Y.Z`; other refs `X.Y.Z-<branch>.<commits since tag>`
 *
 * The app pipeline passes the result as the image's `APP_VERSION` build argument (label
 * `org.opencontainers.image.version`; `/info` reports it) and tags the release commit
 * `vX.Y.Z` after production deploys it, which moves the baseline for the next build.
 *
 * Hand-written rather than `semantic-release`/`conventional-recommended-bump`: the rules above are
 * a dozen lines, and those tools bring their own publishing workflow and many dependencies.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { isMain, run, setOutput } from './actions.ts';

export interface Commit {
  readonly subject: string;
  readonly body: string;
}

export type Bump = 'major' | 'minor' | 'patch' | 'none';

const TAG = /^v(\d+)\.(\d+)\.(\d+)$/;
const HEADER = /^(?<type>[a-z]+)(\([^)]*\))?(?<breaking>!)?: \S/;

/** The largest bump the commits call for. */
export function bumpFor(commits: readonly Commit[]): Bump {
  if (commits.length === 0) return 'none';
  let bump: Bump = 'patch';
  for (const c of commits) {
    const header = HEADER.exec(c.subject);
    if (header?.groups?.breaking || /^BREAKING[ -]CHANGE: /m.test(c.body)) return 'major';
    if (header?.groups?.type === 'feat') bump = 'minor';
  }
  return bump;
}

export function parseTag(tag: string | undefined): [number, number, number] {
  if (!tag) return [0, 0, 0];
  const m = TAG.exec(tag);
  if (!m) throw new Error(`not a release tag: "${tag}" (expected vMAJOR.MINOR.PATCH)`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

export interface VersionInput {
  /** Last release tag reachable from HEAD, if any. */
  readonly lastTag: string | undefined;
  /** Commits after that tag (all commits when there is none). */
  readonly commits: readonly Commit[];
  /** The branch being built ('' for a detached ref such as a pull request merge commit). */
  readonly branch: string;
  /** The branch whose builds are releases. */
  readonly releaseBranch: string;
}

export function nextVersion(input: VersionInput): string {
  let [major, minor, patch] = parseTag(input.lastTag);
  const bump = bumpFor(input.commits);
  // Before 1.0.0 a breaking change bumps the minor version (semver §4: anything may change).
  if (bump === 'major' && major === 0) [minor, patch] = [minor + 1, 0];
  else if (bump === 'major') [major, minor, patch] = [major + 1, 0, 0];
  else if (bump === 'minor') [minor, patch] = [minor + 1, 0];
  else if (bump === 'patch') patch += 1;
  const core = `${major}.${minor}.${patch}`;
  if (input.branch === input.releaseBranch || bump === 'none') return core;
  const label = (input.branch || 'build').replace(/[^0-9A-Za-z-]+/g, '-').replace(/^-+|-+$/g, '') || 'build';
  return `${core}-${label}.${input.commits.length}`;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-C', cwd, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** Reads the last release tag and the commits since it from the checkout (needs full history). */
export function readHistory(cwd = process.cwd()): { lastTag: string | undefined; commits: Commit[] } {
  let lastTag: string | undefined;
  try {
    lastTag =
      git(cwd, ['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*.[0-9]*.[0-9]*', 'HEAD']) || undefined;
  } catch {
    lastTag = undefined; // no release yet
  }
  const range = lastTag ? [`${lastTag}..HEAD`] : ['HEAD'];
  const log = git(cwd, ['log', '--format=%s%x1f%b%x1e', ...range]);
  const commits = log
    .split('\x1e')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [subject = '', body = ''] = entry.split('\x1f');
      return { subject: subject.trim(), body: body.trim() };
    });
  return { lastTag, commits };
}

async function main() {
  const { values } = parseArgs({ options: { 'release-branch': { type: 'string', default: 'main' } } });
  const ref = process.env.GITHUB_REF ?? '';
  const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : '';
  const { lastTag, commits } = readHistory();
  const version = nextVersion({
    lastTag,
    commits,
    branch,
    releaseBranch: values['release-branch'] ?? 'main',
  });
  setOutput('version', version);
  setOutput('release', String(branch === values['release-branch'] && `v${version}` !== lastTag));
  console.log(`version ${version} (last release ${lastTag ?? 'none'}, ${commits.length} commits since)`);
}

if (isMain(import.meta.url)) run(main);
