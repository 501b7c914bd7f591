/**
 * The pure parts of image cleanup: the plan, reference resolution, tag globs and the configuration.
 *
 * Scenarios and expected outcomes:
 * 1. Age boundary: pushed exactly maxAgeDays ago is kept, one millisecond earlier is a candidate;
 *    an image without a push time is kept and counted as unknownAge.
 * 2. Reasons: deployed-* and rollback-* are reported as such (not as byTag); latest / *-latest as
 *    byTag; a PROTECTED_TAG_PATTERNS list without deployed-* still protects deployed-* images.
 * 3. References: by tag, by digest, by the digest ECS resolved, to another repository (ignored and
 *    counted), to a tag that no longer exists (unresolved).
 * 4. A kept index protects its children transitively; a deleted index is ordered before other images.
 * 5. Configuration: defaults; every invalid variable reported at once, by name.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../shared/config.ts';
import { IMAGE_CLEANUP_DEFAULTS, loadImageCleanupConfig } from './config.ts';
import type { EcrImage } from './ecr.ts';
import { globToRegExp } from './glob.ts';
import { planCleanup, resolveReferences } from './plan.ts';

const NOW = new Date('2026-11-23T00:00:00Z');
const DAY = 86_400_000;
const digest = (c: string) => `sha256:${c.repeat(64).slice(0, 64)}`;
const image = (c: string, tags: string[], ageDays: number | undefined, mediaType?: string): EcrImage => ({
  digest: digest(c),
  tags,
  pushedAt: ageDays === undefined ? undefined : new Date(NOW.getTime() - ageDays * DAY),
  mediaType,
});
const REPO = 'slipway/app';
const noRefs = resolveReferences([], REPO, []);

function plan(
  images: EcrImage[],
  opts: {
    patterns?: string[];
    refs?: ReturnType<typeof resolveReferences>;
    index?: Map<string, string[]>;
  } = {},
) {
  return planCleanup({
    images,
    now: NOW,
    maxAgeDays: 60,
    protectedTagPatterns: opts.patterns ?? [...IMAGE_CLEANUP_DEFAULTS.protectedTagPatterns],
    references: opts.refs ?? noRefs,
    indexChildren: opts.index ?? new Map(),
  });
}

describe('cleanup plan', () => {
  it('treats an image as old only when pushed strictly before the cutoff', () => {
    const exactly = image('a', ['a'], 60);
    const older = { ...image('b', ['b'], 60), pushedAt: new Date(NOW.getTime() - 60 * DAY - 1) };
    const unknown = image('c', ['c'], undefined);
    const p = plan([exactly, older, unknown]);
    expect(p.toDelete).toEqual([older.digest]);
    expect(p.unknownAge).toBe(1);
    expect(p.cutoff.toISOString()).toBe('2026-09-24T00:00:00.000Z');
  });

  it('reports deployed and rollback tags as their own reasons, and keeps them whatever the patterns', () => {
    const p = plan(
      [
        image('a', ['deployed-prod'], 90),
        image('b', ['rollback-prod', 'latest'], 90),
        image('c', ['dev-latest'], 90),
      ],
      { patterns: ['latest'] },
    );
    expect(p.decisions.map((d) => [d.tags, d.reasons, d.action])).toEqual([
      [['deployed-prod'], ['deployed'], 'keep'],
      [['latest', 'rollback-prod'], ['byTag', 'rollback'], 'keep'],
      [['dev-latest'], [], 'delete'], // not protected: the custom list dropped *-latest
    ]);
  });

  it('resolves references by tag, digest and resolved digest, ignoring other repositories', () => {
    const images = [
      image('a', ['aaaaaaa'], 90),
      image('b', ['bbbbbbb'], 90),
      image('c', [], 90),
      image('d', [], 90),
    ];
    const refs = resolveReferences(
      [
        { source: 'prod', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${REPO}:aaaaaaa` },
        { source: 'prod', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${REPO}@${digest('c')}` },
        {
          source: 'prod task',
          image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${REPO}:moved`,
          digest: digest('d'),
        },
        { source: 'dev', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${REPO}:gone0000` },
        { source: 'prod', image: 'public.ecr.aws/nginx/nginx:1.27' },
        { source: 'prod', image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/other/app:bbbbbbb` },
      ],
      REPO,
      images,
    );
    expect([...refs.digests.keys()].sort()).toEqual([digest('a'), digest('c'), digest('d')]);
    expect(refs.otherRepositories).toBe(2);
    expect(refs.unresolved.map((r) => r.image)).toEqual([
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${REPO}:gone0000`,
    ]);
    expect(plan(images, { refs }).toDelete).toEqual([digest('b')]);
  });

  it('keeps the children of a kept index transitively and deletes unprotected indexes first', () => {
    const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
    const images = [
      image('1', [], 90), // plain old image
      image('k', ['deployed-prod'], 90, OCI_INDEX), // kept index → nested index n → child c
      image('n', [], 90, OCI_INDEX),
      image('c', [], 90),
      image('x', ['xxxxxxx'], 90, OCI_INDEX), // unprotected index → child y
      image('y', [], 90),
    ];
    const index = new Map([
      [digest('k'), [digest('n')]],
      [digest('n'), [digest('c')]],
      [digest('x'), [digest('y')]],
    ]);
    const p = plan(images, { index });
    expect(p.toDelete).toEqual([digest('x'), digest('1'), digest('y')]);
    expect(p.decisions.find((d) => d.digest === digest('c'))?.reasons).toEqual(['index']);
  });

  it('matches tag globs literally except for * and ?', () => {
    expect(globToRegExp('*-latest').test('dev-latest')).toBe(true);
    expect(globToRegExp('*-latest').test('latest')).toBe(false);
    expect(globToRegExp('v1.?').test('v1.2')).toBe(true);
    expect(globToRegExp('v1.?').test('v1x2')).toBe(false); // the dot is literal
  });
});

describe('image cleanup configuration', () => {
  it('applies the documented defaults', () => {
    expect(loadImageCleanupConfig({ REPOSITORY_NAMES: REPO })).toEqual({
      repositoryNames: [REPO],
      maxAgeDays: 60,
      protectedTagPatterns: ['latest', '*-latest', 'deployed-*', 'rollback-*'],
      dryRun: false,
      ecsServices: [],
      ecsClusters: [],
      metricNamespace: 'Slipway/ImageCleanup',
      skipMissingRepositories: false,
    });
  });

  it('reads every repository of REPOSITORY_NAMES, once each', () => {
    expect(
      loadImageCleanupConfig({ REPOSITORY_NAMES: 'slipway, slipway-admin,slipway' }).repositoryNames,
    ).toEqual(['slipway', 'slipway-admin']);
  });

  it('reports every invalid variable at once, by name', () => {
    let error: unknown;
    try {
      loadImageCleanupConfig({
        REPOSITORY_NAMES: 'slipway,arn:aws:ecr:eu-west-1:123456789012:repository/app',
        MAX_AGE_DAYS: '0',
        PROTECTED_TAG_PATTERNS: 'latest,dev latest',
        DRY_RUN: 'yes',
        ECS_SERVICES: '[{"environment":"prod","cluster":"c","service":"s","region":"us-east-1"}]',
        ECS_CLUSTERS: '[{"environment":"dev"}]',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'REPOSITORY_NAMES: got "arn:aws:ecr:eu-west-1:123456789012:repository/app"; expected an ECR repository name, not a URI or ARN (e.g. "slipway/app")',
      'MAX_AGE_DAYS: got 0; allowed 1..3650 days',
      'PROTECTED_TAG_PATTERNS: "dev latest" is not a tag glob; allowed characters are A-Z a-z 0-9 _ . - and the wildcards * ?',
      'DRY_RUN: got "yes"; allowed "true" or "false"',
      'ECS_SERVICES: [0] has unknown key(s) region; allowed: environment, cluster, service; expected something like [{"environment":"prod","cluster":"slipway-prod","service":"app"}]',
      'ECS_CLUSTERS: [0].cluster must be a non-empty string; expected something like [{"environment":"dev","cluster":"slipway-dev"}]',
    ]);
  });
});
