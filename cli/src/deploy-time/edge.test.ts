/*
 * The edge's first-create time (a note on the plan's deploy-time model):
 *   - with a distribution, a VPC origin, a certificate and records: 4m + 10m + 5m + 1m = 20m, once
 *   - without a domain: the VPC origin and the distribution only (15m)
 *   - the certificate's validation record is named with its zone, by id or by the name looked up at deploy
 *   - nothing without a distribution
 */
import { describe, expect, it } from 'vitest';
import type { Template } from '../synth/template.ts';
import { edgeFirstCreate, edgeNotes } from './edge.ts';
import { DEFAULT_DEPLOY_TIME_ASSUMPTIONS } from './types.ts';

const a = DEFAULT_DEPLOY_TIME_ASSUMPTIONS;
const service: Template = {
  Resources: {
    Origin: { Type: 'AWS::CloudFront::VpcOrigin', Properties: {} },
    Distribution: { Type: 'AWS::CloudFront::Distribution', Properties: {} },
  },
};
const withDomain: Template = {
  Resources: {
    ...service.Resources,
    A: { Type: 'AWS::Route53::RecordSet', Properties: {} },
  },
};
const edgeStack: Template = {
  Resources: {
    Certificate: {
      Type: 'AWS::CertificateManager::Certificate',
      Properties: {
        DomainName: 'app.example.com',
        DomainValidationOptions: [{ DomainName: 'app.example.com', HostedZoneId: 'Z0123456789ABC' }],
      },
    },
  },
};

describe('the edge on a first deploy', () => {
  it('adds certificate validation, VPC origin, distribution and records in sequence: 20 minutes', () => {
    const edge = edgeFirstCreate([edgeStack, withDomain], a);
    expect(edge?.phases.map((p) => p.name)).toEqual([
      'certificate',
      'VPC origin',
      'distribution',
      'alias records',
    ]);
    expect(edge?.totalSeconds).toBe(240 + 600 + 300 + 60);
  });

  it('takes the VPC origin and the distribution alone without a domain', () => {
    expect(edgeFirstCreate([service], a)?.totalSeconds).toBe(600 + 300);
  });

  it("names the certificate's validation record and its zone", () => {
    expect(edgeNotes([edgeStack, withDomain], a)).toEqual([
      'first deploy of the HTTPS edge adds 20m once (certificate 4m + VPC origin 10m + distribution 5m + alias records 1m); app deploys never touch CloudFront',
      'certificate app.example.com: ACM validates it with a CNAME _<token>.app.example.com that CloudFormation writes in hosted zone Z0123456789ABC',
    ]);
  });

  it('names a zone given by name, whose id is looked up at deploy', () => {
    const byName: Template = {
      Resources: {
        Lookup: { Type: 'Custom::HostedZoneLookup', Properties: { ZoneName: 'example.com' } },
        Certificate: {
          Type: 'AWS::CertificateManager::Certificate',
          Properties: {
            DomainName: 'app.example.com',
            DomainValidationOptions: [
              { DomainName: 'app.example.com', HostedZoneId: { 'Fn::GetAtt': ['Lookup', 'HostedZoneId'] } },
            ],
          },
        },
      },
    };
    expect(edgeNotes([byName, withDomain], a)[1]).toBe(
      'certificate app.example.com: ACM validates it with a CNAME _<token>.app.example.com that CloudFormation writes in the hosted zone example.com (its id looked up at deploy)',
    );
  });

  it('adds nothing without a distribution', () => {
    expect(edgeFirstCreate([edgeStack], a)).toBeUndefined();
    expect(edgeNotes([edgeStack], a)).toEqual([]);
  });
});
