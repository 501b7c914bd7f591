/*
 * Domains, from the one top-level line `domain: { name, zone }`:
 *   - each environment serves `<env>.<name>`, a protected one the name itself; one may override it
 *     or opt out with `domain: false`
 *   - a preview serves `pr-<number>.<base name>` in the base's zone
 *   - the edge stack (us-east-1) exists only for an environment elsewhere that needs a certificate
 *     or a web ACL from there
 *   - every region Slipway accepts supports CloudFront VPC origins
 *   - errors: a name with neither zone nor certificate (SW140), two environments on one name
 *     (SW141), a zone that is neither an id nor a name (SW105), a name outside the zone named (SW149), a
 *     tool route CIDR off an octet (SW142)
 */
import { describe, expect, it } from 'vitest';
import { edgeStackNeeded, resolveTarget, viewerAddressPattern } from './contract/index.ts';
import { VPC_ORIGIN_REGIONS } from './edge-regions.ts';
import { parseConfig } from './load.ts';
import { REGION_NAMES } from './regions.ts';
import type { SlipwayConfigInput } from './types.ts';
import { validateConfig } from './validate/index.ts';

const ZONE = 'Z0123456789ABC';

function base(): SlipwayConfigInput & Record<string, unknown> {
  return {
    app: { name: 'demo' },
    domain: { name: 'app.example.com', zone: ZONE },
    previews: { from: 'dev' },
    environments: {
      dev: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' } },
      staging: {
        account: '222222222222',
        region: 'af-south-1',
        network: { cidr: '10.1.0.0/16' },
        alarms: { email: ['oncall@example.com'] },
      },
      prod: {
        account: '222222222222',
        region: 'af-south-1',
        protected: true,
        network: { cidr: '10.2.0.0/16' },
        alarms: { email: ['oncall@example.com'] },
      },
    },
  };
}

function configWith(mutate: (c: SlipwayConfigInput & Record<string, unknown>) => void = () => {}) {
  const config = base();
  mutate(config);
  return config;
}

// biome-ignore lint/suspicious/noExplicitAny: tests write values the schema may refuse
const env = (c: SlipwayConfigInput, name: string): any => c.environments[name];

function errorsOf(mutate: (c: SlipwayConfigInput & Record<string, unknown>) => void): string[] {
  const result = validateConfig(configWith(mutate));
  return result.ok ? [] : result.errors.map((e) => `${e.path} [${e.code}]`);
}

const domainOf = (name: string, mutate?: (c: SlipwayConfigInput & Record<string, unknown>) => void) =>
  resolveTarget(parseConfig(configWith(mutate), 'test'), name).environment.domain;

describe('domain names', () => {
  it('gives each environment <env>.<name> and the protected one the name itself', () => {
    expect(['dev', 'staging', 'prod'].map((n) => domainOf(n)?.name)).toEqual([
      'dev.app.example.com',
      'staging.app.example.com',
      'app.example.com',
    ]);
    expect(domainOf('dev')).toEqual({ name: 'dev.app.example.com', zone: ZONE, certificateArn: undefined });
  });

  it('lets an environment choose its own name, or none', () => {
    expect(domainOf('staging', (c) => (env(c, 'staging').domain = { name: 'beta.example.org' }))?.name).toBe(
      'beta.example.org',
    );
    expect(domainOf('staging', (c) => (env(c, 'staging').domain = false))).toBeUndefined();
  });

  it('gives a preview pr-<number>.<base name> in the base zone, with its own certificate', () => {
    expect(domainOf('pr-7')).toEqual({
      name: 'pr-7.dev.app.example.com',
      zone: ZONE,
      certificateArn: undefined,
    });
  });

  it('has no domain at all without the top-level line', () => {
    expect(domainOf('prod', (c) => delete c.domain)).toBeUndefined();
  });
});

describe('the edge stack', () => {
  const needs = (name: string, mutate?: (c: SlipwayConfigInput & Record<string, unknown>) => void) =>
    edgeStackNeeded(resolveTarget(parseConfig(configWith(mutate), 'test'), name).environment);

  it('exists for an environment outside us-east-1 with a certificate to create', () => {
    expect(needs('staging')).toBe(true);
    expect(resolveTarget(parseConfig(configWith(), 'test'), 'staging').stacks.edge).toBe('demo-staging-edge');
  });

  it('does not exist in us-east-1, nor without a certificate to create or a web ACL', () => {
    expect(needs('dev')).toBe(false);
    expect(needs('staging', (c) => delete c.domain)).toBe(false);
    expect(
      resolveTarget(
        parseConfig(
          configWith((c) => delete c.domain),
          'test',
        ),
        'staging',
      ).stacks.edge,
    ).toBe(undefined);
  });

  it('exists for the web ACL alone (prod turns WAF on by default)', () => {
    expect(needs('prod', (c) => delete c.domain)).toBe(true);
  });
});

describe('domain validation', () => {
  it('accepts the base config', () => {
    expect(errorsOf(() => {})).toEqual([]);
  });

  it('rejects a name with neither zone nor certificate', () => {
    expect(
      errorsOf((c) => {
        delete c.domain;
        env(c, 'staging').domain = { name: 'staging.example.org' };
      }),
    ).toEqual(['environments.staging.domain [SW140]']);
  });

  it('accepts a brought us-east-1 certificate without a zone', () => {
    expect(
      errorsOf((c) => {
        delete c.domain;
        env(c, 'staging').domain = {
          name: 'staging.example.org',
          certificateArn:
            'arn:aws:acm:us-east-1:222222222222:certificate/0b1c2d3e-1111-2222-3333-444455556666',
        };
      }),
    ).toEqual([]);
  });

  it('rejects two environments on one name (two protected environments both take the apex)', () => {
    expect(errorsOf((c) => (env(c, 'staging').protected = true))).toEqual([
      'environments.prod.domain.name [SW141]',
    ]);
  });

  it('takes a zone by name, without its trailing dot', () => {
    expect(errorsOf((c) => (c.domain = { name: 'app.example.com', zone: 'example.com.' }))).toEqual([]);
    expect(errorsOf((c) => (c.domain = { name: 'app.example.com', zone: 'app.example.com' }))).toEqual([]);
  });

  it('rejects a zone that is neither an id nor a name', () => {
    expect(errorsOf((c) => (c.domain = { name: 'app.example.com', zone: 'z-123' }))).toEqual([
      'domain.zone [SW105]',
    ]);
  });

  it('rejects a name outside the zone named, naming the environment', () => {
    expect(errorsOf((c) => (c.domain = { name: 'app.example.com', zone: 'example.org' }))).toEqual(
      expect.arrayContaining([
        'environments.dev.domain.zone [SW149]',
        'environments.prod.domain.zone [SW149]',
      ]),
    );
  });
});

describe('tool routes behind CloudFront', () => {
  it('turns octet-aligned CIDRs into CloudFront-Viewer-Address patterns', () => {
    expect(
      ['10.0.0.0/8', '10.1.0.0/16', '203.0.113.0/24', '198.51.100.7/32', '203.0.113.0/28'].map(
        viewerAddressPattern,
      ),
    ).toEqual(['10.*', '10.1.*', '203.0.113.*', '198.51.100.7:*', undefined]);
  });

  it('rejects a route CIDR that does not end on an octet', () => {
    expect(errorsOf((c) => (env(c, 'prod').grafana = { allowedCidrs: ['203.0.113.0/28'] }))).toEqual([
      'environments.prod.grafana.allowedCidrs.0 [SW142]',
    ]);
  });
});

describe('regions', () => {
  it('every region Slipway accepts supports CloudFront VPC origins (the edge of every environment)', () => {
    expect(REGION_NAMES.filter((r) => !VPC_ORIGIN_REGIONS.includes(r))).toEqual([]);
  });
});
