/*
 * Domains and the us-east-1 edge, with `domain: { name: 'app.example.com', zone: 'Z0123456789ABC' }`:
 *   - prod (af-south-1, protected) serves the apex; its certificate and its CLOUDFRONT web ACL are
 *     in `slipway-prod-edge`, in us-east-1 of prod's own account, and reach the distribution
 *     through cross-region references; the alias A and AAAA records are in the zone
 *   - dev (us-east-1) serves dev.app.example.com with the certificate in its service stack: no edge stack
 *   - a preview (pr-7, from dev) serves pr-7.dev.app.example.com with a certificate of its own
 *   - no environment associates a regional web ACL with its (internal) load balancer
 *   - without a domain, prod keeps its edge stack for the web ACL alone, and no certificate exists
 *   - with the zone given by name (`zone: 'example.com'`): the edge stack resolves the name to an id
 *     at deploy time for the certificate; the records name the zone (`HostedZoneName`) with no lookup
 *     of their own; cdk-nag and the Control Tower rules find nothing unacknowledged and cfn-lint
 *     nothing, in af-south-1 and us-east-1
 */

import {
  CFN_LINT_INSTALL,
  cfnLint,
  cfnLintAvailable,
  requireTool,
  validationFindings,
} from '@slipway/testing/policy';
import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

const ZONE = 'Z0123456789ABC';
let synthesized: Synthesized;

beforeAll(async () => {
  const config = await configVariant((c) => {
    c.domain = { name: 'app.example.com', zone: ZONE };
  });
  synthesized = synth(config, { environments: ['dev', 'prod', 'pr-7'] });
});

function stacksOf(env: string) {
  const stacks = synthesized.stacks[env];
  if (!stacks) throw new Error(`${env} was not synthesized`);
  return stacks;
}
const template = (env: string, layer: 'edge' | 'service') => {
  const stack = stacksOf(env)[layer];
  if (!stack) throw new Error(`${env} has no ${layer} stack`);
  return Template.fromStack(stack);
};

function expectCertificate(t: Template, name: string) {
  t.hasResourceProperties('AWS::CertificateManager::Certificate', {
    DomainName: name,
    ValidationMethod: 'DNS',
    DomainValidationOptions: [{ DomainName: name, HostedZoneId: ZONE }],
  });
}

function expectAliasRecords(t: Template, name: string) {
  for (const type of ['A', 'AAAA']) {
    t.hasResourceProperties('AWS::Route53::RecordSet', {
      Name: `${name}.`,
      Type: type,
      HostedZoneId: ZONE,
      AliasTarget: Match.objectLike({
        DNSName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeDistribution'), 'DomainName'] },
      }),
    });
  }
}

describe('prod, in af-south-1, on the apex', () => {
  it('has an edge stack in us-east-1 of its own account', () => {
    const edge = stacksOf('prod').edge;
    expect({ name: edge?.stackName, account: edge?.account, region: edge?.region }).toEqual({
      name: 'slipway-prod-edge',
      account: '333333333333',
      region: 'us-east-1',
    });
    expect(stacksOf('prod').service.region).toBe('af-south-1');
    expect(stacksOf('prod').service.dependencies.map((d) => d.stackName)).toContain('slipway-prod-edge');
  });

  it('creates the DNS-validated certificate for app.example.com in the edge stack', () => {
    expectCertificate(template('prod', 'edge'), 'app.example.com');
    template('prod', 'service').resourceCountIs('AWS::CertificateManager::Certificate', 0);
  });

  it('creates the web ACL with CLOUDFRONT scope in the edge stack, associated with no load balancer', () => {
    template('prod', 'edge').hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    template('prod', 'edge').resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
    template('prod', 'service').resourceCountIs('AWS::WAFv2::WebACL', 0);
    template('prod', 'service').resourceCountIs('AWS::WAFv2::WebACLAssociation', 0);
  });

  it('gives the distribution the alias, the certificate and the web ACL from us-east-1', () => {
    const fromEdge = (output: string) => ({
      'Fn::GetStackOutput': {
        StackName: 'slipway-prod-edge',
        Region: 'us-east-1',
        OutputName: Match.stringLikeRegexp(output),
      },
    });
    template('prod', 'service').hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['app.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: fromEdge('EdgeCertificate'),
          MinimumProtocolVersion: 'TLSv1.2_2021',
        }),
        WebACLId: fromEdge('Waf'),
      }),
    });
  });

  it('creates alias A and AAAA records in the zone and publishes https://app.example.com', () => {
    expectAliasRecords(template('prod', 'service'), 'app.example.com');
    template('prod', 'service').hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slipway/prod/service/url',
      Value: 'https://app.example.com',
    });
  });
});

describe('dev, in us-east-1, on dev.app.example.com', () => {
  it('keeps the certificate in its service stack and has no edge stack', () => {
    expect(stacksOf('dev').edge).toBeUndefined();
    expectCertificate(template('dev', 'service'), 'dev.app.example.com');
    template('dev', 'service').hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['dev.app.example.com'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: { Ref: Match.stringLikeRegexp('^EdgeCertificate') },
        }),
      }),
    });
    expectAliasRecords(template('dev', 'service'), 'dev.app.example.com');
  });
});

describe('a preview of dev', () => {
  it('serves pr-7.dev.app.example.com with a certificate of its own', () => {
    expectCertificate(template('pr-7', 'service'), 'pr-7.dev.app.example.com');
    expectAliasRecords(template('pr-7', 'service'), 'pr-7.dev.app.example.com');
    template('pr-7', 'service').hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slipway/pr-7/service/url',
      Value: 'https://pr-7.dev.app.example.com',
    });
  });
});

describe('without a domain', () => {
  it('prod keeps an edge stack for the web ACL alone, and no certificate exists', async () => {
    // The shipped config's synth of every environment, which the worker's other files share.
    const plain = synth(await shippedConfig());
    const edge = plain.stacks.prod?.edge;
    if (!edge) throw new Error('prod has no edge stack');
    Template.fromStack(edge).resourceCountIs('AWS::CertificateManager::Certificate', 0);
    Template.fromStack(edge).hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT' });
    const service = Template.fromStack(plain.stacks.prod?.service as never);
    service.resourceCountIs('AWS::Route53::RecordSet', 0);
    service.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: Match.absent() }),
    });
  });
});

describe('prod with the zone given by name', () => {
  let byName: Synthesized;
  beforeAll(async () => {
    const config = await configVariant((c) => {
      c.domain = { name: 'app.example.com', zone: 'example.com' };
    });
    byName = synth(config, { policies: true, environments: ['prod'] });
  });
  const templateOf = (layer: 'edge' | 'service') => Template.fromStack(byName.stacks.prod?.[layer] as never);

  it('looks the zone up at deploy time in the edge stack and validates the certificate there', () => {
    const edge = templateOf('edge');
    edge.hasResourceProperties('Custom::HostedZoneLookup', { ZoneName: 'example.com' });
    edge.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'app.example.com',
      DomainValidationOptions: [
        {
          DomainName: 'app.example.com',
          HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HostedZoneLookup'), 'HostedZoneId'] },
        },
      ],
    });
    edge.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'route53:ListHostedZonesByName', Effect: 'Allow', Resource: '*' }),
        ]),
      }),
    });
  });

  it('names the zone on the alias records, with no lookup in the service stack', () => {
    const service = templateOf('service');
    service.resourceCountIs('Custom::HostedZoneLookup', 0);
    for (const type of ['A', 'AAAA'])
      service.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'app.example.com.',
        Type: type,
        HostedZoneName: 'example.com.',
        HostedZoneId: Match.absent(),
      });
  });

  it('leaves no unacknowledged cdk-nag or Control Tower finding', () => {
    expect(validationFindings(byName.assembly.directory)).toEqual([]);
  });

  it('passes cfn-lint in af-south-1 and us-east-1', async () => {
    if (!requireTool('cfn-lint', cfnLintAvailable(), CFN_LINT_INSTALL)) return;
    // The two stacks naming the zone changes; the others are the shipped prod's (the policy test's).
    const paths = byName.assembly.stacks.filter((a) =>
      ['slipway-prod-edge', 'slipway-prod-service'].includes(a.stackName),
    );
    expect(paths.length).toBe(2);
    expect(
      await cfnLint(
        paths.map((a) => a.templateFullPath),
        ['af-south-1', 'us-east-1'],
      ),
    ).toEqual([]);
  });
});
