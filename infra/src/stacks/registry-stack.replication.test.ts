/*
 * Regional images over the shipped config (registry in 111111111111/us-east-1 with dev and test;
 * staging in 222222222222 and prod in 333333333333, both af-south-1) and variants.
 *
 * Scenarios and expected outcomes:
 *   - the registry replicates every repository (no filter) to 222222222222 and 333333333333 in
 *     af-south-1, not to its own place
 *   - one replica stack `slipway-registry-replica-<account>-<region>` per destination, termination-protected where a
 *     protected environment runs; each allows 111111111111 to replicate and create repositories
 *     there, and has a ROOT creation template for replication with the source repository's
 *     encryption, mutability exclusions and exactly its lifecycle policy
 *   - each replica's cleanup function cleans the local copies with the registry's rules, reads the
 *     clusters of the environments there, and skips repositories not replicated yet
 *   - staging and prod tasks pull from their own account and region, dev from the registry
 *   - one environment synthesized: only its replica stack, the same template as in the full synth
 *   - same account, other region: a template and a cleanup function, no registry policy
 *   - `replication: false`: no replication and no replica stacks, and every template differs from
 *     the replicated one only where the image is pulled from (the registry as before)
 *   - every environment with the registry: replication is off by default
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import type { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let shipped: Synthesized;
let off: Synthesized;
beforeAll(async () => {
  shipped = synth(await shippedConfig());
  off = synth(
    await configVariant((c) => {
      c.registry = { ...c.registry, replication: false };
    }),
  );
});

const byName = (s: Synthesized, name: string) => s.accountStacks.filter((x) => x.stackName === name);
const registryTemplate = (s: Synthesized) => Template.fromStack(byName(s, 'slipway-registry')[0] as Stack);
const replicas = (s: Synthesized) =>
  s.accountStacks.filter((x) => x.stackName.startsWith('slipway-registry-replica-'));
function replicaIn(s: Synthesized, account: string): Template {
  const stack = replicas(s).find((r) => r.account === account);
  if (!stack) throw new Error(`no replica stack in ${account}`);
  return Template.fromStack(stack);
}
function only<T>(resources: Record<string, T>): T {
  const all = Object.values(resources);
  expect(all).toHaveLength(1);
  return all[0] as T;
}
type Props = { Properties: Record<string, unknown> };
const functionEnv = (t: Template) =>
  (only(t.findResources('AWS::Lambda::Function')) as Props).Properties.Environment as {
    Variables: Record<string, string>;
  };
function serviceTemplate(s: Synthesized, env: string): Template {
  const service = s.stacks[env]?.service;
  if (!service) throw new Error(`${env} was not synthesized`);
  return Template.fromStack(service);
}
const pullsFrom = (t: Template) =>
  JSON.stringify(t.toJSON())
    .match(/\d{12}\.dkr\.ecr\.[a-z0-9-]+\./g)
    ?.filter((v, i, a) => a.indexOf(v) === i);

describe('regional images, shipped config', () => {
  it('replicates every repository to the staging and prod accounts in af-south-1', () => {
    const config = only(
      registryTemplate(shipped).findResources('AWS::ECR::ReplicationConfiguration'),
    ) as Props;
    expect(config.Properties).toEqual({
      ReplicationConfiguration: {
        Rules: [
          {
            Destinations: [
              { Region: 'af-south-1', RegistryId: '222222222222' },
              { Region: 'af-south-1', RegistryId: '333333333333' },
            ],
          },
        ],
      },
    });
  });

  it('has one replica stack per destination, protected where prod runs', () => {
    expect(replicas(shipped).map((s) => [s.account, s.region, s.terminationProtection === true])).toEqual([
      ['222222222222', 'af-south-1', false],
      ['333333333333', 'af-south-1', true],
    ]);
  });

  it('lets the registry account replicate into each destination and create its repositories', () => {
    for (const account of ['222222222222', '333333333333']) {
      const policy = only(replicaIn(shipped, account).findResources('AWS::ECR::RegistryPolicy')) as Props;
      expect(policy.Properties.PolicyText).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'ReplicateFromRegistryAccount',
            Effect: 'Allow',
            Principal: {
              AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] },
            },
            Action: ['ecr:CreateRepository', 'ecr:ReplicateImage'],
            Resource: {
              'Fn::Join': [
                '',
                ['arn:', { Ref: 'AWS::Partition' }, `:ecr:af-south-1:${account}:repository/*`],
              ],
            },
          },
        ],
      });
    }
  });

  it("creates replicas with the source repository's settings and exactly its lifecycle policy", () => {
    // The app's repository; Grafana's (`slipway-grafana`) has the same settings.
    const source = Object.values(registryTemplate(shipped).findResources('AWS::ECR::Repository')).find(
      (r) => (r as Props).Properties?.RepositoryName === 'slipway',
    ) as Props;
    const template = only(
      replicaIn(shipped, '333333333333').findResources('AWS::ECR::RepositoryCreationTemplate'),
    ) as Props;
    const sourceProps = source.Properties as Record<string, { LifecyclePolicyText?: string }>;
    expect(template.Properties).toMatchObject({
      Prefix: 'ROOT',
      AppliedFor: ['REPLICATION'],
      EncryptionConfiguration: sourceProps.EncryptionConfiguration,
      ImageTagMutability: sourceProps.ImageTagMutability,
      ImageTagMutabilityExclusionFilters: sourceProps.ImageTagMutabilityExclusionFilters,
    });
    expect(JSON.parse(template.Properties.LifecyclePolicy as string)).toEqual(
      JSON.parse(sourceProps.LifecyclePolicy?.LifecyclePolicyText ?? ''),
    );
  });

  it("cleans each replica with the registry's rules, reading the clusters that run there", () => {
    const registryVars = functionEnv(registryTemplate(shipped)).Variables;
    const prod = replicaIn(shipped, '333333333333');
    expect(functionEnv(prod).Variables).toMatchObject({
      REPOSITORY_NAMES: 'slipway',
      MAX_AGE_DAYS: registryVars.MAX_AGE_DAYS,
      PROTECTED_TAG_PATTERNS: registryVars.PROTECTED_TAG_PATTERNS,
      DRY_RUN: registryVars.DRY_RUN,
      ECS_CLUSTERS: JSON.stringify([{ environment: 'prod', cluster: 'slipway-prod' }]),
      SKIP_MISSING_REPOSITORIES: 'true',
    });
    expect(functionEnv(replicaIn(shipped, '222222222222')).Variables.ECS_CLUSTERS).toBe(
      JSON.stringify([{ environment: 'staging', cluster: 'slipway-staging' }]),
    );
    prod.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CleanAppRepositories',
            Resource: 'arn:aws:ecr:af-south-1:333333333333:repository/slipway',
          }),
        ]),
      },
    });
    // The source's own cleanup function does not skip a missing repository.
    expect(registryVars.SKIP_MISSING_REPOSITORIES).toBeUndefined();
  });

  it('has staging and prod pull from their own region, dev from the registry', () => {
    expect(pullsFrom(serviceTemplate(shipped, 'staging'))).toEqual(['222222222222.dkr.ecr.af-south-1.']);
    expect(pullsFrom(serviceTemplate(shipped, 'prod'))).toEqual(['333333333333.dkr.ecr.af-south-1.']);
    expect(pullsFrom(serviceTemplate(shipped, 'dev'))).toEqual(['111111111111.dkr.ecr.us-east-1.']);
  });

  it('builds only the replica stack of the environment synthesized, the same as in the full synth', async () => {
    const prodOnly = synth(await shippedConfig(), { environments: ['prod'] });
    expect(replicas(prodOnly).map((s) => s.account)).toEqual(['333333333333']);
    expect(replicaIn(prodOnly, '333333333333').toJSON()).toEqual(replicaIn(shipped, '333333333333').toJSON());
  });

  it('needs no registry policy for a region of the registry account', async () => {
    const s = synth(
      await configVariant((c) => {
        const test = c.environments.test as { region: string; network: { cidr: string } };
        test.region = 'eu-north-1';
      }),
    );
    const replica = s.accountStacks.find(
      (x) => x.stackName === 'slipway-registry-replica-111111111111-eu-north-1',
    );
    if (!replica) throw new Error('no replica stack in eu-north-1');
    const template = Template.fromStack(replica);
    template.resourceCountIs('AWS::ECR::RegistryPolicy', 0);
    template.resourceCountIs('AWS::ECR::RepositoryCreationTemplate', 1);
    expect(replica.account).toBe('111111111111');
  });
});

describe('regional images off', () => {
  it('has no replication and no replica stacks with replication: false', () => {
    registryTemplate(off).resourceCountIs('AWS::ECR::ReplicationConfiguration', 0);
    expect(replicas(off)).toEqual([]);
    expect(pullsFrom(serviceTemplate(off, 'prod'))).toEqual(['111111111111.dkr.ecr.us-east-1.']);
  });

  it('differs from the replicated templates only in where images are pulled from', () => {
    const replicated = JSON.stringify(registryTemplate(shipped).toJSON());
    const withoutReplication = registryTemplate(shipped).toJSON() as { Resources: Record<string, Props> };
    for (const [id, r] of Object.entries(withoutReplication.Resources)) {
      if ((r as { Type?: string }).Type === 'AWS::ECR::ReplicationConfiguration')
        delete withoutReplication.Resources[id];
    }
    expect(replicated).not.toEqual(JSON.stringify(registryTemplate(off).toJSON()));
    expect(withoutReplication).toEqual(registryTemplate(off).toJSON());
    for (const env of ['dev', 'test']) {
      expect(serviceTemplate(off, env).toJSON(), env).toEqual(serviceTemplate(shipped, env).toJSON());
    }
    for (const [env, account] of [
      ['staging', '222222222222'],
      ['prod', '333333333333'],
    ] as const) {
      // Pulling from the registry in another account, CDK tags the execution roles for the grant.
      const normalized = JSON.stringify(serviceTemplate(off, env).toJSON())
        .replaceAll('111111111111.dkr.ecr.us-east-1.', `${account}.dkr.ecr.af-south-1.`)
        .replaceAll('arn:aws:ecr:us-east-1:111111111111:', `arn:aws:ecr:af-south-1:${account}:`)
        .replace(/\{"Key":"aws-cdk:id","Value":"[^"]+"\},?/g, '');
      expect(JSON.parse(normalized), env).toEqual(serviceTemplate(shipped, env).toJSON());
    }
  });

  it('is off by default when every environment lives with the registry', async () => {
    const s = synth(
      await configVariant((c) => {
        for (const env of Object.values(c.environments) as { account: string; region: string }[]) {
          env.account = '111111111111';
          env.region = 'us-east-1';
        }
        (c.environments.staging as { network: { cidr: string } }).network.cidr = '10.2.0.0/16';
      }),
    );
    registryTemplate(s).resourceCountIs('AWS::ECR::ReplicationConfiguration', 0);
    expect(replicas(s)).toEqual([]);
  });
});
