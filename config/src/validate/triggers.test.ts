/*
 * `environments.<env>.deployOnImagePush` (the registry trigger):
 *   SW170 without github.appId      SW171 on an environment with promoteFrom (it would skip the promotion)
 *   SW172 a pattern that matches the tags Slipway writes (deployed-<env> on every deploy: a loop;
 *         latest and <branch>-latest on every build)
 *   a pattern EventBridge cannot match (`?`, a leading dot) is a format error (SW105)
 *   it is off by default; with an App and a pattern like rc-* the config is valid
 */
import { describe, expect, it } from 'vitest';
import { slipwayWrittenTags, tagMatches } from '../contract/registry-trigger.ts';
import { formatConfigError } from '../errors.ts';
import { servicesConfig } from '../services/fixtures.ts';
import type { SlipwayConfigInput } from '../types.ts';
import { validateConfig } from './index.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests write deliberately invalid values
type Loose = Record<string, any>;

function messagesOf(mutate: (c: SlipwayConfigInput & Loose) => void): string[] {
  const config = structuredClone(servicesConfig()) as SlipwayConfigInput & Loose;
  config.github = { owner: 'example-org', repository: 'shop', appId: 123456 };
  mutate(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map(formatConfigError);
}

const envs = (c: Loose): Loose => c.environments;
const firstEnv = (c: Loose) => Object.keys(envs(c))[0] as string;

describe('deployOnImagePush', () => {
  it('is off by default and valid with a GitHub App and a pattern of its own', () => {
    const config = validateConfig(servicesConfig());
    expect(config.ok && Object.values(config.config.environments).map((e) => e.deployOnImagePush)).toEqual(
      Object.keys(servicesConfig().environments).map(() => undefined),
    );
    expect(messagesOf((c) => (envs(c)[firstEnv(c)].deployOnImagePush = { tagPattern: 'rc-*' }))).toEqual([]);
  });

  it('needs github.appId (SW170)', () => {
    const messages = messagesOf((c) => {
      c.github = { owner: 'example-org', repository: 'shop' };
      envs(c)[firstEnv(c)].deployOnImagePush = { tagPattern: 'rc-*' };
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/deployOnImagePush: .* github\.appId is not set.*\[SW170\]$/);
  });

  it('refuses an environment that is promoted from another (SW171)', () => {
    const messages = messagesOf((c) => {
      const [from, to] = Object.keys(envs(c));
      envs(c)[to as string].promoteFrom = from;
      envs(c)[to as string].deployOnImagePush = { tagPattern: 'v*' };
    });
    expect(messages).toEqual([expect.stringMatching(/would skip .*\[SW171\]$/)]);
  });

  it.each([
    ['deployed-*', 'deployed-'],
    ['*', 'latest'],
    ['develop-*', 'develop-latest'],
  ])('refuses %s, which matches tags Slipway writes (SW172)', (tagPattern, named) => {
    const messages = messagesOf((c) => {
      envs(c)[firstEnv(c)].branch = 'develop';
      envs(c)[firstEnv(c)].deployOnImagePush = { tagPattern };
    });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('deployOnImagePush.tagPattern: ');
    expect(messages[0]).toContain(named);
    expect(messages[0]).toMatch(/\[SW172\]$/);
  });

  it.each(['rc-?', '.hidden*', 'a b'])(
    'refuses the pattern %s EventBridge cannot match (SW105)',
    (tagPattern) => {
      const messages = messagesOf((c) => (envs(c)[firstEnv(c)].deployOnImagePush = { tagPattern }));
      expect(messages).toEqual([expect.stringMatching(/tagPattern: .*\[SW105\]$/)]);
    },
  );
});

describe('tag globs', () => {
  it('match * as any run of characters and everything else literally', () => {
    expect(tagMatches('v*', 'v1.2.3')).toBe(true);
    expect(tagMatches('v*', 'v')).toBe(true);
    expect(tagMatches('v*', 'xv1')).toBe(false);
    expect(tagMatches('rc-*.1', 'rc-7.1')).toBe(true);
    expect(tagMatches('rc-*.1', 'rc-7x1')).toBe(false);
  });

  it('list the release tags of every environment and the moving tag of every branch', () => {
    expect(slipwayWrittenTags(['dev', 'prod'], ['develop', 'main', 'feature/x'])).toEqual([
      'latest',
      'develop-latest',
      'feature-x-latest',
      'deployed-dev',
      'rollback-dev',
      'deployed-prod',
      'rollback-prod',
    ]);
  });
});
