/*
 * Pull-request previews (`pr-<number>`, `previews.from` in slipway.config.ts):
 *   - only a service stack, in the base environment's account and region
 *   - the base's network (VPC, subnets, Cloud Map namespace) read from the base's SSM parameters
 *   - the cheapest settings: one 0.25 vCPU / 0.5 GB task on Fargate Spot, rolling, no hooks
 *   - no RDS: the service runs on its embedded database in memory, and gets no database secret
 *   - its own Cloud Map name, so it never takes over the base's `app.<env>.internal`
 *   - HTTPS with no setting: its own CloudFront distribution (HTTP redirected) in front of its own
 *     internal load balancer, and the https:// URL in its parameters
 *   - refused by name when the config has no `previews`
 */

import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

let synthesized: Synthesized;
let service: Template;

beforeAll(async () => {
  synthesized = synth(await shippedConfig(), { environments: ['pr-12'] });
  const stack = synthesized.stacks['pr-12']?.service;
  if (!stack) throw new Error('pr-12 was not synthesized');
  service = Template.fromStack(stack);
});

type Resources = Record<string, { Properties?: Record<string, unknown> }>;

function container() {
  const [definition] = Object.values(service.findResources('AWS::ECS::TaskDefinition') as Resources).filter(
    (r) => JSON.stringify(r.Properties?.ContainerDefinitions).includes('"Name":"app"'),
  );
  const containers = definition?.Properties?.ContainerDefinitions as Record<string, unknown>[];
  return { definition, app: containers.find((c) => c.Name === 'app') as Record<string, unknown> };
}

describe('a pull-request preview', () => {
  it('is one service stack in the base environment (dev) account and region', () => {
    const stacks = synthesized.stacks['pr-12'];
    expect(stacks?.network).toBeUndefined();
    expect(stacks?.data).toBeUndefined();
    expect(stacks?.observability).toBeUndefined();
    expect(stacks?.service.stackName).toBe('slipway-pr-12-service');
    expect(stacks?.service.account).toBe('111111111111');
    expect(stacks?.service.region).toBe('us-east-1');
    expect(stacks?.service.terminationProtection).toBe(false);
  });

  it("reads dev's network parameters and writes its own under /slipway/pr-12", () => {
    const parameters = Object.values(service.toJSON().Parameters as Record<string, { Default?: string }>)
      .map((p) => p.Default)
      .filter((d): d is string => typeof d === 'string' && d.startsWith('/slipway/'));
    expect(parameters).toEqual(expect.arrayContaining(['/slipway/dev/network/vpc-id']));
    expect(parameters.filter((p) => p.includes('/network/'))).not.toEqual([]);
    expect(parameters.filter((p) => p.includes('/network/') && !p.startsWith('/slipway/dev/'))).toEqual([]);
    const written = Object.values(service.findResources('AWS::SSM::Parameter') as Resources).map(
      (r) => r.Properties?.Name,
    );
    expect(written.length).toBeGreaterThan(0);
    for (const name of written) expect(name).toMatch(/^\/slipway\/pr-12\//);
  });

  it('runs one 0.25 vCPU / 0.5 GB task on Fargate Spot, rolling', () => {
    const { definition } = container();
    expect(definition?.Properties).toMatchObject({ Cpu: '256', Memory: '512' });
    service.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
      DeploymentConfiguration: Match.objectLike({ Strategy: 'ROLLING' }),
    });
    // 1 once the release parameter names an image, 0 before (the HasImage condition).
    service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: { 'Fn::If': [Match.anyValue(), 1, 0] },
      MaxCapacity: { 'Fn::If': [Match.anyValue(), 1, 0] },
    });
  });

  it('uses the embedded database in memory and gets no database secret', () => {
    const { app } = container();
    const environment = Object.fromEntries(
      (app.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
    );
    expect(environment.DB_EMBEDDED).toBe('memory');
    expect(environment.APP_ENV).toBe('pr-12');
    const secrets = ((app.Secrets ?? []) as { Name: string }[]).map((s) => s.Name);
    expect(secrets.filter((s) => s.startsWith('DB_'))).toEqual([]);
    expect(service.findResources('AWS::Lambda::Function')).not.toEqual(
      expect.objectContaining({ MigrateHook: expect.anything() }),
    );
  });

  it("registers as pr-12 in dev's namespace, not as app", () => {
    service.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'pr-12' });
    expect(JSON.stringify(service.findResources('AWS::ServiceDiscovery::Service'))).not.toContain(
      '"Name":"app"',
    );
  });

  it('serves HTTPS through its own CloudFront distribution, HTTP redirected, with no setting', () => {
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    service.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    service.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slipway/pr-12/service/url',
      Value: { 'Fn::Join': ['', ['https://', Match.anyValue()]] },
    });
  });

  it('is refused by name when the config has no previews', async () => {
    const config = await configVariant((c) => {
      delete c.previews;
    });
    expect(() => buildApp(config, { environments: ['pr-12'] })).toThrow(/unknown environment "pr-12"/);
    const withPreviews = await shippedConfig();
    expect(() => buildApp(withPreviews, { environments: ['pr-x'] })).toThrow(/and pr-<number> previews/);
  });
});
