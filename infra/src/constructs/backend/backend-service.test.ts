/*
 * The backend service. Scenarios and expected outcomes:
 *   - a Service Connect server: port name `http`, discovery name and client alias `<dns>:<port>`,
 *     in the given namespace; no load balancer
 *   - its security group admits nothing until `allowFrom` names a caller, then only that caller's
 *     group on the container port
 *   - `connectClient` makes another service a client that publishes nothing
 *   - the environment's strategy: rolling by default; blue/green with bake time; canary steps
 *   - PORT and SHUTDOWN_TIMEOUT_MS reach the container; the node probe on the health path
 *   - invalid props fail at synth, all at once, naming each prop
 */

import { isolatedCluster } from '@slipway/testing/cdk';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { describe, expect, it } from 'vitest';
import { BackendService, type BackendServiceProps, connectClient } from './index.ts';

function build(change: Partial<BackendServiceProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const { vpc, cluster } = isolatedCluster(stack, { containerInsights: false });
  const namespace = new servicediscovery.PrivateDnsNamespace(stack, 'Namespace', {
    name: 'dev.internal',
    vpc,
  });
  const backend = new BackendService(stack, 'Users', {
    cluster,
    subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    image: ecs.ContainerImage.fromRegistry('example/users:1'),
    port: 8080,
    healthPath: '/health',
    cpu: 256,
    memoryMiB: 512,
    minTasks: 1,
    maxTasks: 2,
    namespace,
    discoveryName: 'users',
    dnsName: 'users.dev.internal',
    ...change,
  });
  return { stack, cluster, namespace, backend };
}

describe('BackendService', () => {
  it('is a Service Connect server at users.dev.internal:8080, without a load balancer', () => {
    const { stack } = build();
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Namespace'), 'Arn'] },
        Services: [
          {
            PortName: 'http',
            DiscoveryName: 'users',
            ClientAliases: [{ DnsName: 'users.dev.internal', Port: 8080 }],
          },
        ],
      },
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'ROLLING',
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      }),
    });
    Template.fromStack(stack).resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
  });

  it('admits nothing without a caller', () => {
    const { stack } = build();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  it('admits only the callers allowFrom names, on the container port', () => {
    const { stack, backend } = build();
    const caller = new ec2.SecurityGroup(stack, 'Caller', { vpc: backend.service.cluster.vpc });
    backend.allowFrom(caller, 'web calls users');
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 8080,
      ToPort: 8080,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Caller'), 'GroupId'] },
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersSecurityGroup'), 'GroupId'] },
    });
    expect(backend.url).toBe('http://users.dev.internal:8080');
  });

  it('makes a caller a client that publishes nothing', () => {
    const { stack, cluster, namespace } = build();
    const task = new ecs.FargateTaskDefinition(stack, 'CallerTask');
    task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('example/web:1') });
    const caller = new ecs.FargateService(stack, 'CallerService', { cluster, taskDefinition: task });
    connectClient(caller, namespace.namespaceArn);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      TaskDefinition: { Ref: Match.stringLikeRegexp('^CallerTask') },
      ServiceConnectConfiguration: { Enabled: true, Namespace: Match.anyValue(), Services: Match.absent() },
    });
  });

  it('shifts traffic with the blue/green and canary strategies', () => {
    const blueGreen = build({ deployment: { strategy: 'blue-green', bakeMinutes: 5 } });
    Template.fromStack(blueGreen.stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ Strategy: 'BLUE_GREEN', BakeTimeInMinutes: 5 }),
    });
    const canary = build({ deployment: { strategy: 'canary', stepPercent: 10, stepBakeMinutes: 10 } });
    Template.fromStack(canary.stack).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        Strategy: 'CANARY',
        CanaryConfiguration: { CanaryPercent: 10, CanaryBakeTimeInMinutes: 10 },
      }),
    });
  });

  it('tells the container its port and drain, and probes the health path with node', () => {
    const { stack } = build();
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          PortMappings: [Match.objectLike({ ContainerPort: 8080, Name: 'http', AppProtocol: 'http' })],
          Environment: Match.arrayWith([
            { Name: 'PORT', Value: '8080' },
            { Name: 'SHUTDOWN_TIMEOUT_MS', Value: '10000' },
          ]),
          HealthCheck: Match.objectLike({ Command: Match.arrayWith(['CMD', 'node']) }),
        }),
      ],
    });
  });

  it('fails at synth naming every invalid prop', () => {
    expect(() =>
      build({ minTasks: 3, maxTasks: 2, port: 0, dnsName: 'Users.Dev', healthPath: 'health' }),
    ).toThrow(
      /BackendService users: minTasks must be 0..maxTasks.*; port must be 1-65535, got 0; healthPath must start with "\/", got "health"; dnsName must be a lower-case DNS name/,
    );
  });
});
