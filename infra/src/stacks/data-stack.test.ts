/*
 * Data layer, per environment of the shipped config:
 *   - PostgreSQL 18 in the isolated subnets, encrypted gp3, TLS forced by the parameter group
 *   - prod: Multi-AZ, deletion protection, 14 days of backups, snapshot on removal, rotation
 *   - dev: single-AZ, no deletion protection, 1 day of backups, deleted on removal, no rotation
 *   - staging (7 days of backups, unprotected): a final snapshot on removal and on replacement;
 *     dev and test (1 day): deleted with their automated backups
 *   - credentials generated in Secrets Manager; the security group admits only the data layer's
 *     own functions (rotation, Grafana's database bootstrap) on the instance port
 *   - endpoint, secret ARN, security group and instance id published in SSM, and Grafana's
 *     credentials ARN where Grafana keeps its state in PostgreSQL
 */

import { ENVIRONMENTS, type Synthesized, shippedConfig, synth, templatesOf } from '@slipway/testing/synth';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
});

function data(env: string) {
  const template = templatesOf(synthesized, env).data;
  if (!template) throw new Error(`${env} has no data stack`);
  return template;
}

describe.each(ENVIRONMENTS)('%s database', (env) => {
  it('runs PostgreSQL 18 on encrypted gp3 storage, not publicly accessible', () => {
    data(env).hasResourceProperties('AWS::RDS::DBInstance', {
      Engine: 'postgres',
      EngineVersion: '18',
      StorageEncrypted: true,
      StorageType: 'gp3',
      PubliclyAccessible: false,
      AutoMinorVersionUpgrade: true,
    });
  });

  it('forces TLS through the parameter group', () => {
    data(env).hasResourceProperties('AWS::RDS::DBParameterGroup', {
      Family: 'postgres18',
      Parameters: Match.objectLike({ 'rds.force_ssl': '1' }),
    });
  });

  it('places the instance in the isolated subnets, one per zone (three in prod)', () => {
    const zones = synthesized.stacks[env]?.environment.network.azCount ?? 0;
    expect(zones).toBe(env === 'prod' ? 3 : 2);
    data(env).hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Array.from({ length: zones }, (_, i) => ({
        Ref: Match.stringLikeRegexp(`isolatedsubnet${i}id`),
      })),
    });
  });

  it('generates the master credentials in Secrets Manager', () => {
    data(env).hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: '{"username":"app_admin"}',
      }),
    });
  });

  it("admits nobody but the data layer's own functions (the service layer adds its own rule)", () => {
    data(env).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('PostgreSQL'),
      SecurityGroupIngress: Match.absent(),
    });
    const ingress = Object.values(data(env).findResources('AWS::EC2::SecurityGroupIngress')).map(
      (r) => (r as { Properties: { SourceSecurityGroupId: unknown; FromPort: unknown } }).Properties,
    );
    const environment = synthesized.stacks[env]?.environment;
    const rotates = environment?.database?.rotationDays !== false;
    const grafana = environment?.grafana.enabled && environment.grafana.database === 'postgres';
    const source = (i: { SourceSecurityGroupId: unknown }) =>
      /Rotation|GrafanaDatabase/.exec(JSON.stringify(i.SourceSecurityGroupId))?.[0];
    expect(ingress.map((i) => [source(i), i.FromPort]).sort()).toEqual(
      [
        ...(grafana ? [['GrafanaDatabase', 5432]] : []),
        ...(rotates
          ? [['Rotation', { 'Fn::GetAtt': [expect.stringMatching(/^DatabaseInstance/), 'Endpoint.Port'] }]]
          : []),
      ].sort(),
    );
  });

  it('publishes the endpoint, secret, security group and instance id in SSM', () => {
    const names = Object.values(data(env).findResources('AWS::SSM::Parameter')).map(
      (p) => (p as { Properties: { Name: string } }).Properties.Name,
    );
    const grafana = synthesized.stacks[env]?.environment.grafana;
    const keys = ['db-endpoint', 'db-instance-id', 'db-port', 'db-secret-arn', 'db-security-group-id'];
    if (grafana?.enabled && grafana.database === 'postgres') keys.push('grafana-db-secret-arn');
    expect(names.sort()).toEqual(keys.sort().map((k) => `/slipway/${env}/data/${k}`));
  });
});

describe('protection differs by environment', () => {
  it('prod is Multi-AZ, deletion-protected, keeps 14 days of backups and snapshots on removal', () => {
    data('prod').hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({ MultiAZ: true, DeletionProtection: true, BackupRetentionPeriod: 14 }),
    });
  });

  it('prod rotates the master password every 30 days', () => {
    data('prod').hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(30 days)' },
    });
  });

  it('dev is single-AZ, unprotected, keeps 1 day of backups and is deleted on removal', () => {
    data('dev').hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ MultiAZ: false, DeletionProtection: false, BackupRetentionPeriod: 1 }),
    });
    data('dev').resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  it('staging keeps 7 days of backups on a t4g.micro and takes a final snapshot on removal', () => {
    data('staging').hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
      Properties: Match.objectLike({
        DBInstanceClass: 'db.t4g.micro',
        BackupRetentionPeriod: 7,
        MultiAZ: false,
        DeletionProtection: false,
        DeleteAutomatedBackups: false,
      }),
    });
  });

  it.each(['dev', 'test'])('%s, with one day of backups, deletes its database without a snapshot', (env) => {
    data(env).hasResource('AWS::RDS::DBInstance', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({ DeleteAutomatedBackups: true }),
    });
  });
});
