/*
 * The replication constructs on their own:
 *   - ImageReplication refuses no destination, more than 25, a place twice, its own place, and a
 *     malformed account
 *   - ReplicaRegistry adds no registry policy when the source is the same account, records the
 *     repositories for the cost estimate, and gives the template the lifecycle of `lifecyclePolicy`
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { lifecyclePolicy } from './lifecycle.ts';
import { ImageReplication, ReplicaRegistry } from './replication.ts';

const stackIn = (account: string, region: string) => new Stack(new App(), 'S', { env: { account, region } });
const af = (account: string) => ({ account, region: 'af-south-1' });

describe('ImageReplication', () => {
  it.each([
    [[], 'got an empty list'],
    [Array.from({ length: 26 }, (_, i) => af(String(100000000000 + i))), 'at most 25 destinations'],
    [[af('222222222222'), af('222222222222')], '222222222222/af-south-1 is listed twice'],
    [[{ account: '111111111111', region: 'us-east-1' }], 'is this registry itself'],
    [[af('2222')], 'expected 12 digits'],
  ])('refuses %j', (destinations, message) => {
    const stack = stackIn('111111111111', 'us-east-1');
    expect(() => new ImageReplication(stack, 'R', { destinations })).toThrow(message);
  });
});

describe('ReplicaRegistry', () => {
  it('needs no registry policy within one account, and records the repositories', () => {
    const stack = stackIn('111111111111', 'eu-north-1');
    new ReplicaRegistry(stack, 'R', {
      sourceAccount: '111111111111',
      keepImages: 5,
      repositoryNames: ['app', 'app-admin'],
      protectedTags: ['release-*'],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ECR::RegistryPolicy', 0);
    const [created] = Object.values(template.findResources('AWS::ECR::RepositoryCreationTemplate')) as {
      Metadata: Record<string, unknown>;
      Properties: { LifecyclePolicy: string };
    }[];
    expect(created?.Metadata['slipway:repositories']).toEqual(['app', 'app-admin']);
    expect(JSON.parse(created?.Properties.LifecyclePolicy ?? '')).toEqual(
      lifecyclePolicy(5, ['release-*', 'deployed-*', 'rollback-*']),
    );
  });

  it('refuses a malformed source account', () => {
    expect(
      () => new ReplicaRegistry(stackIn('111111111111', 'eu-north-1'), 'R', { sourceAccount: 'x' }),
    ).toThrow('expected a 12-digit account id');
  });
});
