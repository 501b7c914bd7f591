/*
 * The registry stack of an app with two built images: `web` from app/Dockerfile (the default web
 * service) and `admin` from admin/Dockerfile (on /admin/*); the job `nightly` runs admin's image
 * and `api` pulls by URI.
 *
 * Scenarios and expected outcomes:
 *   - two repositories: `slipway` (construct id `Images`, as with one image, so upgrading
 *     replaces nothing) and `slipway-admin` (`ImagesAdmin`); nothing for `nightly` or `api`;
 *     Grafana's `slipway-grafana` (`ImagesGrafana`) beside them, kept the same way
 *   - both have the same lifecycle rules, scanning, encryption, tag mutability and policy
 *     (pull for the other accounts, push for the CI push role only)
 *   - outputs: RepositoryUri/RepositoryArn for `slipway` (unchanged ids) and
 *     RepositoryUriAdmin/RepositoryArnAdmin for `slipway-admin`
 *   - the cleanup function cleans both: REPOSITORY_NAMES lists both; its role reads and deletes in
 *     exactly those two repositories
 *   - the Control Tower acknowledgement of the tag-mutability exclusions covers both repositories;
 *     the stack synthesizes with cdk-nag and the Control Tower controls without a finding
 *   - the app shorthand still yields exactly one app repository, `slipway` (and Grafana's)
 */
import { resolveRegistry, type SlipwayConfig, type SlipwayConfigInput } from '@slipway/config';
import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkContext } from '../app.ts';
import { acknowledgeControls, acknowledgementsFor } from '../policy/control-tower/acknowledgements.ts';
import { applyPolicies } from '../policy/index.ts';
import { addRegistryStack } from './registry-stack.ts';

/** The shipped config as services: web and admin build, nightly runs admin's image, api a URI. */
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

function registryStack(config: SlipwayConfig) {
  const app = new App({ context: { ...cdkContext(), 'aws:cdk:bundling-stacks': [] } });
  return addRegistryStack(app, config, resolveRegistry(config));
}
const registryTemplate = (config: SlipwayConfig) => Template.fromStack(registryStack(config));

type Repository = { Properties: Record<string, unknown> };

let template: Template;
let repositories: Record<string, Repository>;
beforeAll(async () => {
  template = registryTemplate(await configVariant(twoImages));
  repositories = template.findResources('AWS::ECR::Repository') as Record<string, Repository>;
});

const byName = (name: string) =>
  Object.entries(repositories).find(([, r]) => r.Properties.RepositoryName === name) ?? [];

describe('registry stack with two built images', () => {
  it('has one repository per built image, the app one keeping its construct id', () => {
    expect(Object.values(repositories).map((r) => r.Properties.RepositoryName)).toEqual([
      'slipway',
      'slipway-admin',
      'slipway-grafana',
    ]);
    expect(byName('slipway-grafana')[0]).toMatch(/^ImagesGrafanaRepository[A-F0-9]{8}$/);
    // The logical id the app's repository had with one image.
    expect(byName('slipway')[0]).toBe('ImagesRepository2D0F5B9C');
    expect(byName('slipway-admin')[0]).toMatch(/^ImagesAdminRepository[A-F0-9]{8}$/);
  });

  it('keeps both repositories alike: lifecycle, scanning, encryption, tag mutability and policy', () => {
    const { RepositoryName: _a, ...web } = byName('slipway')[1]?.Properties ?? {};
    const { RepositoryName: _b, ...admin } = byName('slipway-admin')[1]?.Properties ?? {};
    const { RepositoryName: _c, ...grafana } = byName('slipway-grafana')[1]?.Properties ?? {};
    expect(admin).toEqual(web);
    expect(grafana).toEqual(web);
    expect(web).toMatchObject({
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'AES256' },
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
    });
    const sids = (web.RepositoryPolicyText as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(['PullFromEnvironmentAccounts', 'PushFromCiPushRole']));
  });

  it('outputs the address of each repository, the app one under its old ids', () => {
    const outputs = template.findOutputs('*');
    expect(outputs.RepositoryUri?.Value).toEqual({
      'Fn::Join': expect.arrayContaining([expect.arrayContaining([{ Ref: byName('slipway')[0] }])]),
    });
    expect(outputs.RepositoryUriAdmin?.Value).toEqual({
      'Fn::Join': expect.arrayContaining([expect.arrayContaining([{ Ref: byName('slipway-admin')[0] }])]),
    });
    expect(outputs.RepositoryArnAdmin?.Value).toEqual({ 'Fn::GetAtt': [byName('slipway-admin')[0], 'Arn'] });
  });

  it("cleans the repositories (Grafana's too), with reads and deletes in exactly those", () => {
    const [fn] = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment: { Variables: Record<string, unknown> } };
    }[];
    expect(fn?.Properties.Environment.Variables.REPOSITORY_NAMES).toEqual({
      'Fn::Join': [
        '',
        [
          { Ref: byName('slipway')[0] },
          ',',
          { Ref: byName('slipway-admin')[0] },
          ',',
          { Ref: byName('slipway-grafana')[0] },
        ],
      ],
    });
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: { Sid?: string; Resource: unknown }[] } } })
          .Properties.PolicyDocument.Statement,
    );
    const resources = statements.find((s) => s.Sid === 'CleanAppRepositories')?.Resource;
    expect(resources).toHaveLength(3);
    expect(resources).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [byName('slipway')[0], 'Arn'] },
        { 'Fn::GetAtt': [byName('slipway-admin')[0], 'Arn'] },
        { 'Fn::GetAtt': [byName('slipway-grafana')[0], 'Arn'] },
      ]),
    );
  });

  it('acknowledges the tag-mutability control on every repository, with its reason', async () => {
    const stack = registryStack(await configVariant(twoImages));
    const controls = stack.repositories.map((r) => {
      const resource = r.repository.node.defaultChild as CfnResource;
      const path = resource.node.path.slice(stack.node.path.length + 1);
      return acknowledgementsFor(path, undefined, resource).map((a) => a.control);
    });
    expect(controls).toEqual([['CT.ECR.PR.3'], ['CT.ECR.PR.3'], ['CT.ECR.PR.3']]);
  });

  it('synthesizes without a cdk-nag or Control Tower finding', async () => {
    const stack = registryStack(await configVariant(twoImages));
    const app = stack.node.root as App;
    acknowledgeControls(stack, undefined);
    applyPolicies(app);
    // A finding fails the synth (ValidationFailed naming the rule and the resource).
    expect(() => app.synth()).not.toThrow();
  });

  it("keeps exactly one app repository, slipway, for the app shorthand (and Grafana's)", async () => {
    const shorthand = registryTemplate(await shippedConfig());
    const names = Object.values(shorthand.findResources('AWS::ECR::Repository')).map(
      (r) => (r as Repository).Properties.RepositoryName,
    );
    expect(names).toEqual(['slipway', 'slipway-grafana']);
  });
});
