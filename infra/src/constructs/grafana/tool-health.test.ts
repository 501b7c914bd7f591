/*
 * The tools' container health checks and grace periods, on the Grafana and pgAdmin constructs.
 * Scenarios and expected outcomes:
 *   - Grafana probes /grafana/api/health with curl (in both of its image bases), pgAdmin probes
 *     /pgadmin/misc/ping with BusyBox wget (its Alpine image has no curl); both in exec form, no shell
 *   - failing checks do not count during the tool's start budget (Grafana 180 s, pgAdmin 210 s), and
 *     ECS ignores the load balancer until the started tool could have passed 2 checks 15 s apart
 *   - a start budget beyond ECS's 300 s start period limit fails at synth
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { ToolFileSystem } from '../efs/tool-file-system.ts';
import { PgAdminService } from '../pgadmin/pgadmin-service.ts';
import { GrafanaService } from './grafana-service.ts';
import { ToolService, toolHealthCommand } from './tool-service.ts';

function setup() {
  // As infra/cdk.json sets it: Grafana's log-group findings are keyed by ARN, which needs a literal partition.
  const app = new App({ context: { '@aws-cdk/core:enablePartitionLiterals': true } });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const subnets = { subnetType: ec2.SubnetType.PUBLIC };
  const fileSystem = new ToolFileSystem(stack, 'Files', { vpc, subnets });
  const sg = new ec2.SecurityGroup(stack, 'AlbSg', { vpc });
  const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
    listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/x/1/2',
    securityGroup: sg,
  });
  const route = (priority: number) => ({
    listener,
    loadBalancerSecurityGroup: sg,
    priority,
    allowedCidrs: ['10.0.0.0/8'],
  });
  return { stack, vpc, cluster, subnets, fileSystem, sg, route };
}

function grafana() {
  const s = setup();
  new GrafanaService(s.stack, 'Grafana', {
    cluster: s.cluster,
    subnets: s.subnets,
    image: ecs.ContainerImage.fromRegistry('111111111111.dkr.ecr.us-east-1.amazonaws.com/x-grafana:g-0'),
    fileSystem: s.fileSystem,
    region: 'us-east-1',
    resources: {
      loadBalancer: 'app/lb/1',
      blueTargetGroup: 'targetgroup/b/1',
      greenTargetGroup: 'targetgroup/g/1',
      cluster: 'c',
      service: 's',
    },
    logGroupPrefixes: ['/x/dev/'],
    logGroupName: '/x/dev/grafana',
    route: s.route(10),
  });
  return Template.fromStack(s.stack);
}

function pgadmin() {
  const s = setup();
  new PgAdminService(s.stack, 'PgAdmin', {
    cluster: s.cluster,
    subnets: s.subnets,
    version: '9.8',
    email: 'ops@example.com',
    database: {
      host: 'db.example.internal',
      databaseName: 'app',
      username: 'app_admin',
      securityGroup: new ec2.SecurityGroup(s.stack, 'DbSg', { vpc: s.vpc }),
    },
    serverName: 'x-dev',
    fileSystem: s.fileSystem,
    logGroupName: '/x/dev/pgadmin',
    route: s.route(20),
  });
  return Template.fromStack(s.stack);
}

describe('Grafana health', () => {
  it('probes /grafana/api/health with curl, which both image bases ship, in exec form', () => {
    grafana().hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'grafana',
          HealthCheck: {
            Command: [
              'CMD',
              'curl',
              '--fail',
              '--silent',
              '--output',
              '/dev/null',
              '--max-time',
              '4',
              'http://127.0.0.1:3000/grafana/api/health',
            ],
            Interval: 30,
            Timeout: 5,
            Retries: 3,
            StartPeriod: 180,
          },
        }),
      ],
    });
  });

  it('gives the load balancer 180 s of start plus two 15 s checks before ECS acts on it', () => {
    grafana().hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 210 });
  });
});

describe('pgAdmin health', () => {
  it('probes /pgadmin/misc/ping with BusyBox wget (the Alpine image has no curl), 15 s timeout', () => {
    pgadmin().hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'pgadmin',
          HealthCheck: {
            Command: [
              'CMD',
              'wget',
              '-q',
              '-O',
              '/dev/null',
              '-T',
              '14',
              'http://127.0.0.1:5050/pgadmin/misc/ping',
            ],
            Interval: 30,
            Timeout: 15,
            Retries: 3,
            StartPeriod: 210,
          },
        }),
      ],
    });
  });

  it('gives the load balancer 210 s of start plus two 15 s checks before ECS acts on it', () => {
    pgadmin().hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 240 });
  });
});

describe('ToolService health props', () => {
  it('rejects a start budget beyond the 300 s ECS allows a start period', () => {
    const s = setup();
    expect(
      () =>
        new ToolService(s.stack, 'Tool', {
          name: 'grafana',
          cluster: s.cluster,
          subnets: s.subnets,
          image: ecs.ContainerImage.fromRegistry('grafana/grafana:12.2.1'),
          port: 3000,
          healthPath: '/grafana/api/health',
          healthProbe: 'curl',
          startSeconds: 301,
          cpu: 256,
          memoryMiB: 512,
          fileSystem: s.fileSystem,
          dataPath: '/var/lib/grafana',
          uid: 472,
          gid: 0,
          logGroupName: '/x/dev/grafana',
        }),
    ).toThrow(/startSeconds must be 0-300/);
  });

  it('never goes through a shell: the command is the client and its arguments', () => {
    for (const probe of ['curl', 'wget'] as const) {
      const [form, client] = toolHealthCommand(probe, 'http://127.0.0.1:1/x', 4);
      expect([form, client]).toEqual(['CMD', probe]);
    }
  });
});
