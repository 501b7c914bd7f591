/*
 * ToolService and ToolFileSystem props: invalid values fail at synth naming the prop and what is
 * allowed (route priority below the app's 1000, 1-4 CIDRs, a health path under the tool's path,
 * a non-privileged port, a single-directory access point path, one task with a file system).
 * Without a file system the data path is task storage and the tasks scale between min and max,
 * replaced start-first.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { ToolFileSystem } from '../efs/tool-file-system.ts';
import { ToolService, type ToolServiceProps } from './tool-service.ts';

function setup() {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const fileSystem = new ToolFileSystem(stack, 'Files', {
    vpc,
    subnets: { subnetType: ec2.SubnetType.PUBLIC },
  });
  const sg = new ec2.SecurityGroup(stack, 'AlbSg', { vpc });
  const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(stack, 'Listener', {
    listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/x/1/2',
    securityGroup: sg,
  });
  const props: ToolServiceProps = {
    name: 'grafana',
    cluster,
    subnets: { subnetType: ec2.SubnetType.PUBLIC },
    image: ecs.ContainerImage.fromRegistry('grafana/grafana:12.2.1'),
    port: 3000,
    healthPath: '/grafana/api/health',
    healthProbe: 'curl',
    startSeconds: 180,
    cpu: 256,
    memoryMiB: 512,
    fileSystem,
    dataPath: '/var/lib/grafana',
    uid: 472,
    gid: 0,
    logGroupName: '/x/dev/grafana',
    route: { listener, loadBalancerSecurityGroup: sg, priority: 10, allowedCidrs: ['10.0.0.0/8'] },
  };
  return { stack, props, fileSystem };
}

describe('ToolService props', () => {
  it.each([
    [{ healthPath: '/api/health' }, /healthPath must be under \/grafana\//],
    [{ port: 80 }, /port must be 1024-65535/],
    [{ name: 'Grafana!' }, /name must be lowercase/],
  ] as [Partial<ToolServiceProps>, RegExp][])('rejects %o', (change, error) => {
    const { stack, props } = setup();
    expect(() => new ToolService(stack, 'Tool', { ...props, ...change })).toThrow(error);
  });

  it('rejects a route priority at or above the app catch-all rule', () => {
    const { stack, props } = setup();
    const route = { ...(props.route as NonNullable<ToolServiceProps['route']>), priority: 1000 };
    expect(() => new ToolService(stack, 'Tool', { ...props, route })).toThrow(/route.priority must be 1-999/);
  });

  it('rejects more than four allowed CIDRs', () => {
    const { stack, props } = setup();
    const route = {
      ...(props.route as NonNullable<ToolServiceProps['route']>),
      allowedCidrs: ['10.0.0.0/8', '10.1.0.0/16', '10.2.0.0/16', '10.3.0.0/16', '10.4.0.0/16'],
    };
    expect(() => new ToolService(stack, 'Tool', { ...props, route })).toThrow(/1 to 4 CIDRs/);
  });

  it('accepts valid props', () => {
    const { stack, props } = setup();
    expect(new ToolService(stack, 'Tool', props).targetGroup).toBeInstanceOf(elbv2.ApplicationTargetGroup);
  });
});

describe('ToolService task counts', () => {
  it('refuses more than one task with a file system (one SQLite writer)', () => {
    const { stack, props } = setup();
    expect(() => new ToolService(stack, 'Tool', { ...props, tasks: { min: 1, max: 2 } })).toThrow(
      /tasks.max must be 1 with a file system/,
    );
    expect(() => new ToolService(stack, 'Tool2', { ...props, tasks: { min: 3, max: 2 } })).toThrow(
      /0 <= min <= max/,
    );
  });

  it('without a file system: task storage, start-first, CPU and memory scaling between min and max', () => {
    const { stack, props } = setup();
    const tool = new ToolService(stack, 'Tool', {
      ...props,
      fileSystem: undefined,
      tasks: { min: 2, max: 4 },
    });
    expect(tool.scaling).toBeDefined();
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::ECS::TaskDefinition', { Volumes: [{ Name: 'data' }] });
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      DeploymentConfiguration: { MinimumHealthyPercent: 100, MaximumPercent: 200 },
    });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 4,
    });
    t.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 2);
    t.resourceCountIs('AWS::EFS::AccessPoint', 0);
  });
});

describe('ToolFileSystem access points', () => {
  it('rejects a path that is not one directory', () => {
    const { fileSystem } = setup();
    expect(() => fileSystem.addAccessPoint('Ap', { path: '/a/b', uid: 1, gid: 1 })).toThrow(/one directory/);
  });

  it('rejects a uid that is not a POSIX id', () => {
    const { fileSystem } = setup();
    expect(() => fileSystem.addAccessPoint('Ap', { path: '/a', uid: -1, gid: 1 })).toThrow(
      /uid must be a POSIX id/,
    );
  });
});
