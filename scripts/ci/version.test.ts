/*
 * Version detection from the last release tag and Conventional Commits:
 *   - fix/chore → patch, feat → minor, `!` or BREAKING CHANGE → major (minor before 1.0.0)
 *   - release branch → X.Y.Z; other branches → X.Y.Z-<branch>.<n>; nothing new → the tag itself
 *   - the result is a valid APP_VERSION for the service (letters, digits, . + _ -, ≤ 64)
 *   - against a real git repository: reads the tag and the commits since it
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bumpFor, nextVersion, parseTag, readHistory } from './version.ts';

const c = (subject: string, body = '') => ({ subject, body });

describe('bumpFor', () => {
  it.each([
    [[c('fix: a'), c('chore: b')], 'patch'],
    [[c('fix: a'), c('feat(api): b')], 'minor'],
    [[c('feat!: drop node 18')], 'major'],
    [[c('refactor(db)!: rename')], 'major'],
    [[c('fix: a', 'BREAKING CHANGE: the env var is gone')], 'major'],
    [[c('Merge pull request #3 from x/y')], 'patch'],
    [[], 'none'],
  ] as const)('%j → %s', (commits, bump) => {
    expect(bumpFor(commits)).toBe(bump);
  });
});

describe('nextVersion', () => {
  const base = { releaseBranch: 'main' };
  it('bumps the minor version on main for a feature', () => {
    expect(nextVersion({ ...base, lastTag: 'v1.4.2', commits: [c('feat: x')], branch: 'main' })).toBe(
      '1.5.0',
    );
  });
  it('bumps the major version for a breaking change', () => {
    expect(nextVersion({ ...base, lastTag: 'v1.4.2', commits: [c('feat!: x')], branch: 'main' })).toBe(
      '2.0.0',
    );
  });
  it('bumps only the minor version for a breaking change before 1.0.0', () => {
    expect(nextVersion({ ...base, lastTag: 'v0.3.1', commits: [c('feat!: x')], branch: 'main' })).toBe(
      '0.4.0',
    );
  });
  it('marks builds of other branches as pre-releases with the commit count', () => {
    const commits = [c('fix: a'), c('fix: b'), c('fix: c')];
    expect(nextVersion({ ...base, lastTag: 'v1.4.2', commits, branch: 'dev' })).toBe('1.4.3-dev.3');
    expect(nextVersion({ ...base, lastTag: 'v1.4.2', commits, branch: 'feature/Login UI' })).toBe(
      '1.4.3-feature-Login-UI.3',
    );
    expect(nextVersion({ ...base, lastTag: 'v1.4.2', commits, branch: '' })).toBe('1.4.3-build.3');
  });
  it('starts at 0.1.0 without any tag and a feature', () => {
    expect(nextVersion({ ...base, lastTag: undefined, commits: [c('feat: first')], branch: 'main' })).toBe(
      '0.1.0',
    );
  });
  it('keeps the tag when nothing was committed since', () => {
    expect(nextVersion({ ...base, lastTag: 'v2.0.0', commits: [], branch: 'dev' })).toBe('2.0.0');
  });
  it('rejects a tag that is not vMAJOR.MINOR.PATCH', () => {
    expect(() => parseTag('release-1')).toThrow(/not a release tag: "release-1"/);
  });
  it('always yields a value the service accepts as APP_VERSION', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(999), fc.nat(999), fc.nat(999)),
        fc.array(fc.string(), { maxLength: 20 }),
        fc.string({ maxLength: 30 }),
        ([a, b, d], subjects, branch) => {
          const v = nextVersion({
            ...base,
            lastTag: `v${a}.${b}.${d}`,
            commits: subjects.map((s) => c(s)),
            branch,
          });
          expect(v).toMatch(/^[0-9A-Za-z.+_-]{1,64}$/);
          expect(v).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z-]+\.\d+)?$/);
        },
      ),
    );
  });
});

describe('readHistory in a real repository', () => {
  it('reads the last release tag and the commits after it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-version-'));
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.email=ci@example.com', '-c', 'user.name=ci', ...args], {
        encoding: 'utf8',
      });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'feat: first');
    git('tag', 'v1.0.0');
    git('commit', '-q', '--allow-empty', '-m', 'fix: second');
    git('commit', '-q', '--allow-empty', '-m', 'feat: third', '-m', 'BREAKING CHANGE: gone');
    const history = readHistory(dir);
    expect(history.lastTag).toBe('v1.0.0');
    expect(history.commits.map((x) => x.subject)).toEqual(['feat: third', 'fix: second']);
    expect(nextVersion({ ...history, branch: 'main', releaseBranch: 'main' })).toBe('2.0.0');
  });
});
