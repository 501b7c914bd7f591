/*
 * Regional images against moto_server (ECR), with what the shipped config synthesizes:
 *   - the registry's replication configuration (destinations 222222222222 and 333333333333 in
 *     af-south-1, no filter) is accepted by PutReplicationConfiguration and read back by
 *     DescribeRegistry as written
 *   - prod's registry policy is accepted by PutRegistryPolicy in af-south-1 and read back
 *   - `awaitReplicas` over the SDK: a replica repository that does not exist yet counts as missing
 *     (RepositoryNotFoundException), then the copy arrives and the wait ends
 * moto stores the replication configuration but copies nothing, and has no repository creation
 * templates: the test says so loudly and copies the image itself, as ECR would.
 */
import {
  CreateRepositoryCreationTemplateCommand,
  DescribeRegistryCommand,
  ECRClient,
  GetRegistryPolicyCommand,
  PutRegistryPolicyCommand,
  PutReplicationConfigurationCommand,
} from '@aws-sdk/client-ecr';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { createRepository, pushImage } from '@slipway/testing/ecr-fixtures';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ecrApi } from '../aws/sdk/ecr.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { awaitReplicas } from './release.ts';

const moto = motoServerAvailability();

/** A template value with `Fn::Join` and `AWS::Partition` resolved as CloudFormation would in `aws`. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record.Ref === 'AWS::Partition') return 'aws';
  const join = record['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(resolve).join(join[0]);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v)]));
}

/** Lower-cases the first letter of every key: the template's property names as the API's. */
function apiShape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(apiShape);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), apiShape(v)]),
  );
}

function propertiesOf(s: Synthesized, stackName: string, account: string, type: string) {
  const stack = s.stacks.find((x) => x.stackName === stackName && x.account === account);
  const found = Object.values(stack?.template.Resources ?? {}).find((r) => r.Type === type);
  if (!found) throw new Error(`no ${type} in ${stackName} (${account})`);
  return found.Properties ?? {};
}

describe.skipIf(!moto.available)('regional images against moto', { timeout: 120_000 }, () => {
  let server: MotoServer;
  let source: ECRClient;
  let replica: ECRClient;
  let synthesized: Synthesized;

  beforeAll(async () => {
    server = await startMotoServer();
    source = new ECRClient(server.clientConfig);
    replica = new ECRClient({ ...server.clientConfig, region: 'af-south-1' });
    synthesized = await shippedAssembly();
  });
  afterAll(async () => {
    source?.destroy();
    replica?.destroy();
    await server?.stop();
  });

  it("accepts the registry's replication configuration and reads it back", async () => {
    const props = propertiesOf(
      synthesized,
      'slipway-registry',
      '111111111111',
      'AWS::ECR::ReplicationConfiguration',
    );
    const replicationConfiguration = apiShape(props.ReplicationConfiguration) as never;
    await source.send(new PutReplicationConfigurationCommand({ replicationConfiguration }));
    const registry = await source.send(new DescribeRegistryCommand({}));
    expect(registry.replicationConfiguration).toEqual({
      rules: [
        {
          destinations: [
            { region: 'af-south-1', registryId: '222222222222' },
            { region: 'af-south-1', registryId: '333333333333' },
          ],
        },
      ],
    });
  });

  it("accepts prod's registry policy in af-south-1", async () => {
    const props = propertiesOf(
      synthesized,
      'slipway-registry-replica-333333333333-af-south-1',
      '333333333333',
      'AWS::ECR::RegistryPolicy',
    );
    const policyText = JSON.stringify(resolve(props.PolicyText));
    await replica.send(new PutRegistryPolicyCommand({ policyText }));
    const read = await replica.send(new GetRegistryPolicyCommand({}));
    expect(JSON.parse(read.policyText ?? '{}')).toEqual(JSON.parse(policyText));
    expect(policyText).toContain('"Principal":{"AWS":"arn:aws:iam::111111111111:root"}');
  });

  it('reports what moto lacks: creation templates and the copying itself', async () => {
    const template = await replica
      .send(new CreateRepositoryCreationTemplateCommand({ prefix: 'ROOT', appliedFor: ['REPLICATION'] }))
      .then(
        () => true,
        () => false,
      );
    if (!template) {
      console.warn(
        "!!! MOTO LACKS ECR CreateRepositoryCreationTemplate: the replicas' settings are checked on the synthesized template only (registry-stack.replication.test.ts)",
      );
    }
    await createRepository(source, 'slipway');
    await pushImage(source, 'slipway', 'copy-check', ['c0ffee1']);
    const copied = await replica.send(new DescribeRegistryCommand({})).then(async () =>
      ecrApi(replica)
        .describeImages('slipway', ['c0ffee1'])
        .then(
          (images) => images.length > 0,
          () => false,
        ),
    );
    if (!copied) {
      console.warn(
        '!!! MOTO DOES NOT REPLICATE: it stores the replication configuration but copies no image; the tests below copy the image themselves, as ECR would',
      );
    }
    expect(typeof copied).toBe('boolean');
  });

  it('waits through a missing replica repository until the copy arrives', async () => {
    await pushImage(source, 'slipway', 'release', ['2222222']);
    let waits = 0;
    const missing = await awaitReplicas(ecrApi(replica), [{ name: 'slipway', owner: 'web' }], '2222222', {
      attempts: 5,
      sleep: async () => {
        waits += 1;
        // What ECR does on the first replicated push: create the repository, then copy the image.
        if (waits === 2) {
          await createRepository(replica, 'slipway');
          await pushImage(replica, 'slipway', 'release', ['2222222']);
        }
      },
    });
    expect(missing).toEqual([]);
    expect(waits).toBe(2);
  });

  it('gives up naming the repository when the copy never arrives', async () => {
    const missing = await awaitReplicas(ecrApi(replica), [{ name: 'slipway', owner: 'web' }], '9999999', {
      attempts: 3,
      sleep: async () => {},
    });
    expect(missing).toEqual([{ name: 'slipway', owner: 'web' }]);
  });
});
