/*
 * Grafana in the observability layer, per environment of the shipped config (dev, staging, prod;
 * off in test) and for a SQLite variant:
 *   - the image comes from the app's `<app>-grafana` ECR repository with the grafana/ folder's hash
 *     as tag (nothing from Docker Hub), read-only root, uid 472, 0.25 vCPU / 0.5 GB
 *   - PostgreSQL: GF_DATABASE_* settings (type, host from the data layer, name, TLS required) with
 *     user and password from Grafana's own secret as ECS secrets, the secret key from Secrets
 *     Manager, no password in a plain variable; task storage for the data path, no EFS at all
 *   - task counts: dev 1 to 2, prod 2 to 4, replaced start-first (100/200 %), CPU and memory target
 *     tracking; alerting peers by the Cloud Map name with gossip on 9094 between Grafana's tasks
 *   - network: egress only HTTPS, PostgreSQL to the database's group, gossip to itself; the
 *     database admits Grafana on 5432
 *   - Spot unless protected, Cloud Map name `grafana`, no route without CIDRs, CloudWatch read
 *   - SQLite variant: EFS access point over TLS with IAM, exactly one task replaced stop-first, no
 *     database settings and no peers
 */
import { fileURLToPath } from 'node:url';
import { grafanaImageTag } from '@slipway/config/contract';
import { configVariant, type Synthesized, shippedConfig, synth } from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRAFANA_ROOT } from '../package-files.ts';

const SYNTH_TIMEOUT_MS = 120_000;
const TAG = grafanaImageTag(fileURLToPath(GRAFANA_ROOT));

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
}, SYNTH_TIMEOUT_MS);

const observability = (env: string, s: Synthesized = synthesized) => {
  const stack = s.stacks[env]?.observability;
  if (!stack) throw new Error(`no observability stack for ${env}`);
  return Template.fromStack(stack);
};

type Container = {
  Name: string;
  Image: unknown;
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string; ValueFrom: unknown }[];
};
function grafanaContainer(t: Template): Container {
  const tasks = Object.values(t.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: Container[] };
  }[];
  const found = tasks.flatMap((x) => x.Properties.ContainerDefinitions).find((c) => c.Name === 'grafana');
  if (!found) throw new Error('no grafana container');
  return found;
}
const grafanaService = (t: Template) =>
  Object.values(t.findResources('AWS::ECS::Service')).find((r) => JSON.stringify(r).includes('Grafana')) as {
    Properties: Record<string, unknown>;
  };
const variables = (c: Container) => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));

describe.each(['dev', 'staging', 'prod'])('%s Grafana on PostgreSQL', (env) => {
  it("pulls its image from the app's grafana repository by content tag, never from Docker Hub", () => {
    const image = JSON.stringify(grafanaContainer(observability(env)).Image);
    expect(image).toContain(`/slipway-grafana:${TAG}`);
    expect(image).toContain('.dkr.ecr.');
    expect(image).not.toMatch(/docker\.io|grafana\/grafana/);
  });

  it("pulls from the images' copy in its own account and region, as the app's services do", () => {
    const own = { dev: '111111111111', staging: '222222222222', prod: '333333333333' }[env];
    const region = env === 'dev' ? 'us-east-1' : 'af-south-1';
    const image = JSON.stringify(grafanaContainer(observability(env)).Image);
    expect(image).toContain(`${own}.dkr.ecr.${region}.`);
  });

  it('runs read-only as uid 472 with task storage for its data path, 0.25 vCPU / 0.5 GB', () => {
    const t = observability(env);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      Volumes: [{ Name: 'data' }],
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'grafana',
          ReadonlyRootFilesystem: true,
          User: '472:0',
          MountPoints: [{ ContainerPath: '/var/lib/grafana', SourceVolume: 'data', ReadOnly: false }],
        }),
      ],
    });
    t.resourceCountIs('AWS::EFS::FileSystem', 0);
    t.resourceCountIs('AWS::EFS::AccessPoint', 0);
  });

  it('keeps its state in its own database over TLS, credentials only as ECS secrets', () => {
    const c = grafanaContainer(observability(env));
    const v = variables(c);
    expect(v).toMatchObject({
      GF_DATABASE_TYPE: 'postgres',
      GF_DATABASE_NAME: 'grafana',
      GF_DATABASE_SSL_MODE: 'require',
    });
    expect(JSON.stringify(v.GF_DATABASE_HOST)).toMatch(/dbendpoint.*:5432/);
    expect(Object.keys(v).filter((k) => /PASSWORD|SECRET_KEY|DATABASE_USER/.test(k))).toEqual([]);
    expect(Object.fromEntries(c.Secrets.map((s) => [s.Name, JSON.stringify(s.ValueFrom)]))).toEqual({
      GF_SECURITY_ADMIN_PASSWORD: expect.stringMatching(/GrafanaAdminPassword/),
      GF_SECURITY_SECRET_KEY: expect.stringMatching(/GrafanaSecretKey/),
      GF_DATABASE_USER: expect.stringMatching(/GrafanaDbSecretArn.*:username::/i),
      GF_DATABASE_PASSWORD: expect.stringMatching(/GrafanaDbSecretArn.*:password::/i),
    });
  });

  it('runs 1-2 tasks (protected: 2-4), replaced start-first, scaled on CPU and memory', () => {
    const t = observability(env);
    const prot = synthesized.stacks[env]?.environment.protected;
    const [min, max] = prot ? [2, 4] : [1, 2];
    expect(grafanaService(t).Properties).toEqual(
      expect.objectContaining({
        DesiredCount: min,
        DeploymentConfiguration: expect.objectContaining({ MinimumHealthyPercent: 100, MaximumPercent: 200 }),
      }),
    );
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: min,
      MaxCapacity: max,
      ResourceId: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    const metrics = Object.values(t.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map(
      (p) =>
        (
          p as {
            Properties: {
              TargetTrackingScalingPolicyConfiguration: {
                PredefinedMetricSpecification: { PredefinedMetricType: string };
              };
            };
          }
        ).Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification
          .PredefinedMetricType,
    );
    expect(metrics.sort()).toEqual(['ECSServiceAverageCPUUtilization', 'ECSServiceAverageMemoryUtilization']);
  });

  it('de-duplicates alert notifications between its tasks: peers by Cloud Map name, gossip on 9094', () => {
    const t = observability(env);
    const v = variables(grafanaContainer(t));
    expect(v.GF_UNIFIED_ALERTING_HA_PEERS).toBe(`grafana.${env}.internal:9094`);
    expect(v.GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS).toBe('0.0.0.0:9094');
    for (const protocol of ['tcp', 'udp'])
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        IpProtocol: protocol,
        FromPort: 9094,
        ToPort: 9094,
        GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrafanaSecurityGroup'), 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrafanaSecurityGroup'), 'GroupId'] },
      });
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', {
      Name: 'grafana',
      DnsConfig: Match.objectLike({ DnsRecords: [{ TTL: 10, Type: 'A' }] }),
    });
  });

  it('reaches the database on 5432 only; the database admits it', () => {
    const t = observability(env);
    const groups = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).filter(([id]) =>
      id.startsWith('GrafanaSecurityGroup'),
    ) as [string, { Properties: { SecurityGroupEgress: Record<string, unknown>[] } }][];
    expect(groups).toHaveLength(1);
    const [sgId, sg] = groups[0] as (typeof groups)[number];
    const inline = sg.Properties.SecurityGroupEgress.map((e) => [e.CidrIp, e.FromPort]);
    const separate = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((e) => JSON.stringify(e.GroupId).includes(sgId))
      .map((e) => {
        const to = JSON.stringify(e.DestinationSecurityGroupId);
        const peer = to.includes('dbsecuritygroupid') ? 'database' : to.includes(sgId) ? 'itself' : to;
        return `${peer} ${e.IpProtocol}/${e.FromPort}`;
      });
    expect(inline).toEqual([['0.0.0.0/0', 443]]);
    expect(separate.sort()).toEqual(['database tcp/5432', 'itself tcp/9094', 'itself udp/9094']);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { Ref: Match.stringLikeRegexp('dbsecuritygroupid') },
      FromPort: 5432,
      ToPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GrafanaSecurityGroup'), 'GroupId'] },
    });
  });

  it('uses Spot unless protected, has no route without CIDRs, reads CloudWatch with its task role', () => {
    const t = observability(env);
    const provider = synthesized.stacks[env]?.environment.protected ? 'FARGATE' : 'FARGATE_SPOT';
    expect(grafanaService(t).Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: provider, Weight: 1 },
    ]);
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 0);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'CloudWatchRead', Action: Match.arrayWith(['cloudwatch:GetMetricData']) }),
        ]),
      }),
    });
  });

  it('generates the admin password and the secret key under findable names', () => {
    const t = observability(env);
    for (const name of ['admin-password', 'secret-key'])
      t.hasResourceProperties('AWS::SecretsManager::Secret', { Name: `slipway-${env}/grafana/${name}` });
  });
});

describe("Grafana's database in the data layer", () => {
  const data = (env: string) => {
    const stack = synthesized.stacks[env]?.data;
    if (!stack) throw new Error(`no data stack for ${env}`);
    return Template.fromStack(stack);
  };

  it.each(['dev', 'prod'])(
    '%s: generated credentials and an in-VPC bootstrap with the master secret',
    (env) => {
      const t = data(env);
      t.hasResourceProperties('AWS::SecretsManager::Secret', {
        Name: `slipway-${env}/grafana/database`,
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: '{"username":"grafana"}',
          GenerateStringKey: 'password',
        }),
      });
      t.hasResourceProperties('AWS::Lambda::Function', {
        VpcConfig: Match.objectLike({ SecurityGroupIds: [Match.anyValue()] }),
        Environment: {
          Variables: Match.objectLike({
            ADMIN_SECRET_ARN: { Ref: Match.stringLikeRegexp('^DatabaseInstanceSecret') },
            TOOL_SECRET_ARN: { Ref: Match.stringLikeRegexp('^GrafanaDatabaseCredentials') },
            DB_NAME: 'app',
            NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem',
          }),
        },
      });
      t.hasResource('Custom::GrafanaDatabase', {
        Properties: Match.objectLike({ Role: 'grafana', Database: 'grafana' }),
      });
      const text = JSON.stringify(t.toJSON());
      expect(text).not.toMatch(/"password"\s*:\s*"/i);
    },
  );
});

describe('Grafana on SQLite (grafana.database: sqlite)', () => {
  let t: Template;
  beforeAll(async () => {
    const s = synth(
      await configVariant((c) => {
        (c.environments.dev as { grafana?: unknown }).grafana = { database: 'sqlite' };
      }),
      { environments: ['dev'] },
    );
    t = observability('dev', s);
  }, SYNTH_TIMEOUT_MS);

  it('mounts its EFS access point over TLS with IAM, one task replaced stop-first, no peers', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [
        {
          Name: 'data',
          EFSVolumeConfiguration: {
            FilesystemId: { Ref: Match.stringLikeRegexp('^ToolFilesFileSystem') },
            TransitEncryption: 'ENABLED',
            AuthorizationConfig: {
              AccessPointId: { Ref: Match.stringLikeRegexp('GrafanaAccessPoint') },
              IAM: 'ENABLED',
            },
          },
        },
      ],
    });
    t.hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '472', Gid: '0' } });
    t.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, BackupPolicy: { Status: 'ENABLED' } });
    expect(grafanaService(t).Properties).toEqual(
      expect.objectContaining({
        DesiredCount: 1,
        DeploymentConfiguration: expect.objectContaining({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
      }),
    );
    const v = variables(grafanaContainer(t));
    expect(Object.keys(v).filter((k) => k.startsWith('GF_DATABASE_') || k.includes('HA_PEERS'))).toEqual([]);
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
  });
});
