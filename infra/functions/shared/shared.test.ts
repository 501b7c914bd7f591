/**
 * Shared pieces of the handlers: image references, the lifecycle hook payload, the revision →
 * container lookup.
 *
 * Scenarios and expected outcomes:
 * 1. Image references with registry/port/tag/digest parse into their parts; malformed ones do not.
 * 2. The documented hook payload parses; hookDetails pass through; rollback is detected only when
 *    production weight moves from green back to another revision.
 * 3. The lookup returns the named container and the digest ECS resolved; a missing container
 *    fails naming the containers that exist.
 */

import { FakeTaskDefinitions, hookEvent, IMAGE_REPO, revisionArn } from '@slipway/testing/fake-ecs';
import { describe, expect, it } from 'vitest';
import { isRollbackInvocation, parseLifecycleHookEvent } from './hook.ts';
import { parseImageRef } from './image-ref.ts';
import { resolveTargetContainer, TargetLookupError } from './target-container.ts';

const D = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('image references', () => {
  it.each([
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway/app:3f2c1ab',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'slipway/app',
      '3f2c1ab',
      undefined,
    ],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app@${D}`,
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'app',
      undefined,
      D,
    ],
    [`localhost:5000/app:v1@${D}`, 'localhost:5000', 'app', 'v1', D],
    ['nginx', undefined, 'nginx', undefined, undefined],
    ['library/nginx:1.27', undefined, 'library/nginx', '1.27', undefined],
  ])('parses %s', (image, registry, repository, tag, digest) => {
    expect(parseImageRef(image)).toEqual({ registry, repository, tag, digest });
  });

  it.each(['', 'app:', 'app@sha256:short', 'registry.example.com/'])('rejects %j', (image) => {
    expect(parseImageRef(image)).toBeUndefined();
  });
});

describe('lifecycle hook payload', () => {
  it('parses the documented payload and passes hookDetails through', () => {
    const parsed = parseLifecycleHookEvent(
      hookEvent({ stage: 'POST_TEST_TRAFFIC_SHIFT', hookDetails: { a: 1 } }),
    );
    expect(parsed).toMatchObject({
      ok: true,
      value: {
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        targetServiceRevisionArn: revisionArn('9313423515462893900'),
        hookDetails: { a: 1 },
      },
    });
  });

  it('detects a rollback only when production traffic returns to another revision', () => {
    const green = revisionArn('9313423515462893900');
    const blue = revisionArn('1920498462936580504');
    const parse = (weights: Record<string, number>) => {
      const p = parseLifecycleHookEvent(hookEvent({ productionTrafficWeights: weights }));
      if (!p.ok) throw new Error(p.problem);
      return p.value;
    };
    expect(isRollbackInvocation(parse({ [green]: 0, [blue]: 100 }))).toBe(true);
    expect(isRollbackInvocation(parse({ [green]: 100, [blue]: 0 }))).toBe(false);
    expect(isRollbackInvocation(parse({ [green]: 0, [blue]: 0 }))).toBe(false);
    expect(isRollbackInvocation(parse({}))).toBe(false); // PRE_SCALE_UP, POST_TEST_TRAFFIC_SHIFT
  });
});

describe('target container lookup', () => {
  it('returns the named container with the digest ECS resolved', async () => {
    const reader = new FakeTaskDefinitions();
    reader.addRevision({
      revisionArn: revisionArn('1'),
      revision: 7,
      image: `${IMAGE_REPO}:abc1234`,
      imageDigest: D,
    });
    const target = await resolveTargetContainer(reader, revisionArn('1'), 'app');
    expect(target).toMatchObject({
      family: 'app',
      resolvedImageDigest: D,
      container: { name: 'app', image: `${IMAGE_REPO}:abc1234` },
    });
  });

  it('fails naming the containers that exist', async () => {
    const reader = new FakeTaskDefinitions();
    reader.addRevision({ revisionArn: revisionArn('1'), revision: 7, image: 'x', containerName: 'web' });
    await expect(resolveTargetContainer(reader, revisionArn('1'), 'app')).rejects.toThrow(TargetLookupError);
    await expect(resolveTargetContainer(reader, revisionArn('1'), 'app')).rejects.toThrow(/\(it has: web\)/);
  });
});
