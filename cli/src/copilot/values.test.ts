/*
 * The value conversions: Copilot secrets → Slipway secret references, Go durations, command
 * strings, image references, build paths, and Copilot's per-environment override merge.
 */
import { describe, expect, it } from 'vitest';
import { mapSecret } from './secrets.ts';
import { applyOverride, buildPaths, durationSeconds, fromConfig, imageUri, shellWords } from './values.ts';

describe('mapSecret', () => {
  it('reads a name starting with / as an SSM parameter', () => {
    expect(mapSecret('/copilot/shop/db')).toMatchObject({
      outcome: 'mapped',
      ref: { ssmParameter: '/copilot/shop/db' },
    });
  });

  it('gives a bare SSM name a leading / and says so', () => {
    expect(mapSecret('GH_WEBHOOK_SECRET')).toMatchObject({
      outcome: 'approximated',
      ref: { ssmParameter: '/GH_WEBHOOK_SECRET' },
    });
  });

  it('reads an SSM parameter ARN as its name', () => {
    expect(mapSecret('arn:aws:ssm:us-east-1:111122223333:parameter/shop/key')).toMatchObject({
      outcome: 'mapped',
      ref: { ssmParameter: '/shop/key' },
    });
  });

  it('reads secretsmanager names and JSON keys', () => {
    expect(mapSecret({ secretsmanager: 'mysql' })).toMatchObject({
      outcome: 'mapped',
      ref: { secretsManager: 'mysql' },
    });
    expect(mapSecret({ secretsmanager: 'mysql:password::' })).toMatchObject({
      ref: { secretsManager: 'mysql', field: 'password' },
    });
  });

  it('keeps a Secrets Manager ARN whole and takes the JSON key after it', () => {
    const arn = 'arn:aws:secretsmanager:us-west-2:111122223333:secret:demo/test/mysql-Yi6mvL';
    expect(mapSecret(arn)).toMatchObject({ outcome: 'mapped', ref: { secretsManager: arn } });
    expect(mapSecret({ secretsmanager: `${arn}:password::` })).toMatchObject({
      ref: { secretsManager: arn, field: 'password' },
    });
  });

  it('approximates a pinned version stage, as Slipway reads the current one', () => {
    expect(mapSecret({ secretsmanager: 'mysql:password:AWSPREVIOUS:' }).outcome).toBe('approximated');
  });

  it('does not map a CloudFormation export or an unresolved variable', () => {
    expect(mapSecret({ from_cfn: 'export' }).outcome).toBe('not-mapped');
    expect(mapSecret(`/x/\${AWS_REGION}/y`).outcome).toBe('not-mapped');
  });
});

describe('values', () => {
  it('reads Go durations in seconds', () => {
    expect(durationSeconds('1h30m')).toBe(5400);
    expect(durationSeconds('250ms')).toBe(0.25);
    expect(durationSeconds('96h')).toBe(345600);
    expect(durationSeconds('1 hour')).toBeUndefined();
  });

  it('splits a command string as a shell would, without running one', () => {
    expect(shellWords(`python report.py --name "monthly report" 'a b' c\\ d`)).toEqual([
      'python',
      'report.py',
      '--name',
      'monthly report',
      'a b',
      'c d',
    ]);
  });

  it('spells out the registry and tag ECS assumes', () => {
    expect(imageUri('nginx')).toEqual({ uri: 'docker.io/library/nginx:latest', changed: true });
    expect(imageUri('bitnami/redis:7')).toEqual({ uri: 'docker.io/bitnami/redis:7', changed: true });
    expect(imageUri('public.ecr.aws/nginx/nginx:1.27').changed).toBe(false);
  });

  it("derives image.build's missing context or Dockerfile as Copilot does", () => {
    expect(buildPaths('./frontend/Dockerfile')).toEqual({
      context: './frontend',
      dockerfile: './frontend/Dockerfile',
    });
    expect(buildPaths({ context: 'api' })).toEqual({ context: 'api', dockerfile: 'api/Dockerfile' });
    expect(buildPaths({ dockerfile: 'a/b/Dockerfile' })).toEqual({
      context: 'a/b',
      dockerfile: 'a/b/Dockerfile',
    });
  });

  it('rebases workspace paths onto the config folder', () => {
    expect(fromConfig('./frontend', '/repo', '/repo')).toBe('frontend');
    expect(fromConfig('.', '/repo', '/repo')).toBe('.');
    expect(fromConfig('api/Dockerfile', '/repo/services', '/repo')).toBe('services/api/Dockerfile');
  });

  it('merges an environment override map by map, and lets a union branch replace the other', () => {
    const base = {
      image: { build: 'Dockerfile', port: 80 },
      count: { range: '1-10', cpu_percentage: 70 },
      variables: { A: '1' },
    };
    const merged = applyOverride(base, {
      image: { location: 'nginx:1' },
      count: { spot: 2 },
      variables: { B: '2' },
    });
    expect(merged).toEqual({
      image: { location: 'nginx:1', port: 80 },
      count: { spot: 2 },
      variables: { A: '1', B: '2' },
    });
    expect(applyOverride({ count: 1 }, { count: { range: '2-4' } })).toEqual({ count: { range: '2-4' } });
  });
});
