/*
 * CI access of an app with two built images (`web` → repository `slipway`, `admin` →
 * `slipway-admin`; `nightly` runs admin's image, `api` pulls by URI):
 *   - the push role may push to, and move tags in, exactly the two repositories and Grafana's (no wildcard, no
 *     third repository)
 *   - the registry account's deploy role moves the release tags in exactly those three
 *   - the construct rejects an empty repository list, naming the prop
 */
import { resolveRegistry, type SlipwayConfigInput } from '@slipway/config';
import { configVariant } from '@slipway/testing/synth';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { accountHomes } from '../app.ts';
import { CiAccess } from '../constructs/ci-access/ci-access.ts';
import { addCiAccessStacks } from './ci-access-stack.ts';

function twoImages(c: SlipwayConfigInput) {
  const { name, database } = c.app;
  c.app = { name, database };
  c.services = {
    web: { type: 'web', image: { build: { context: '.', dockerfile: 'app/Dockerfile' } }, database: true },
    admin: {
      type: 'web',
      image: { build: { context: 'admin', dockerfile: 'admin/Dockerfile' } },
      route: { paths: ['/admin/*'] },
    },
    nightly: {
      type: 'job',
      image: { from: 'admin' },
      command: ['node', 'prune.js'],
      schedule: 'rate(1 day)',
    },
    api: { type: 'backend', image: { uri: 'public.ecr.aws/example/api:1.4.2' } },
  };
}

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown };

let registryAccount: Template;
beforeAll(async () => {
  const config = await configVariant(twoImages);
  const stacks = addCiAccessStacks(
    new App(),
    config,
    accountHomes(config, Object.keys(config.environments)),
    resolveRegistry(config),
    config.previews?.from,
  );
  const stack = stacks.find((s) => s.account === '111111111111');
  if (!stack) throw new Error('no CI access stack in the registry account');
  registryAccount = Template.fromStack(stack);
});

function statement(sid: string): Statement | undefined {
  return Object.values(registryAccount.findResources('AWS::IAM::Policy'))
    .flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    )
    .find((s) => s.Sid === sid);
}

const arn = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecr:us-east-1:111111111111:repository/${name}`]],
});

describe('CI access with two built images', () => {
  it("lets the push role push to exactly the two repositories and Grafana's", () => {
    const push = statement('PushImages');
    expect(push?.Action).toContain('ecr:InitiateLayerUpload');
    expect(push?.Resource).toEqual([arn('slipway'), arn('slipway-admin'), arn('slipway-grafana')]);
  });

  it("lets the deploy role move release tags in exactly the two repositories and Grafana's", () => {
    expect(statement('TagImagesAfterDeploy')?.Resource).toEqual([
      arn('slipway'),
      arn('slipway-admin'),
      arn('slipway-grafana'),
    ]);
  });

  it('rejects an empty repository list, naming the prop', () => {
    const stack = new Stack(new App(), 'Ci', { env: { account: '111111111111', region: 'us-east-1' } });
    expect(
      () =>
        new CiAccess(stack, 'CiAccess', {
          appName: 'slipway',
          github: { owner: 'example-org', repository: 'slipway' },
          environments: [{ name: 'dev', region: 'us-east-1' }],
          registry: { account: '111111111111', region: 'us-east-1', repositoryNames: [] },
        }),
    ).toThrow(/registry\.repositoryNames: got an empty list/);
  });
});
