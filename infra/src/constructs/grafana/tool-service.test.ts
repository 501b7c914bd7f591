/*
 * ToolService and ToolFileSystem props: invalid values fail at synth naming the prop and what is
 * allowed (route priority below the app's 1000, 1-4 CIDRs, a health path under the tool's path,
 * a non-privileged port, a single-directory access point path).
 */
import { App, Stack } from 'aws-cdk-lib';
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
