/*
 * The service container's health check, grace period, stop timeout and HSTS switch.
 * Scenarios and expected outcomes:
 *   - the task definition probes the configured health path with the image's own command (node's
 *     http module, exec form), every 30 s, failures ignored for the 30 s start budget; a user's
 *     command runs in exec form; `false` leaves the container without one
 *   - ECS ignores failing checks for 40 s: the start budget plus two 5 s load balancer checks (60 s
 *     for 3 checks every 10 s)
 *   - early success criteria (deferred cleanup) only for a rolling deployment that asks for them
 *   - stopTimeout is the drain (SHUTDOWN_TIMEOUT_MS) plus 5 s: 15 s by default, 25 s for a 20 s
 *     drain, and the image, the service's comments and the docs state that same default; a drain
 *     that leaves no margin inside Fargate's 120 s fails at synth
 *   - HSTS_MAX_AGE reaches the container only when the environment is served over HTTPS
 *   - the listener rule: the catch-all /* at 1000 by default, a route's hosts and paths at its
 *     priority; an empty route or a priority outside 1-50000 fails at synth; the command reaches the container
 */
import { readFile } from 'node:fs/promises';
import { serviceHealthCommand } from '@slipway/config/contract';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { describe, expect, it } from 'vitest';
import { WebService, type WebServiceProps } from './web-service.ts';

function build(change: Partial<WebServiceProps> = {}) {
  const stack = new Stack(new App(), 'Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
  const lb = new elbv2.ApplicationLoadBalancer(stack, 'Lb', { vpc, internetFacing: true });
  const productionListener = lb.addListener('Http', {
    port: 80,
    defaultAction: elbv2.ListenerAction.fixedResponse(404),
  });
  new WebService(stack, 'Web', {
    cluster,
    subnets: { subnetType: ec2.SubnetType.PUBLIC },
    image: ecs.ContainerImage.fromRegistry('example/app:1'),
    port: 3000,
    healthPath: '/healthz',
    cpu: 256,
    memoryMiB: 512,
    minTasks: 1,
    maxTasks: 2,
    productionListener,
    ...change,
  });
  return Template.fromStack(stack);
}

/** Files that state the default stop timeout in prose (docs/deployments.md also quotes AWS's own 30 s default). */
const STOP_TIMEOUT_TEXTS = [
  'app/Dockerfile',
  'app/src/config.ts',
  'app/src/main.ts',
  'docs/service.md',
  'docs/cli.md',
];

function containerEnvironment(template: Template): Record<string, unknown> {
  const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: { Environment: { Name: string; Value: unknown }[] }[] };
  }[];
  return Object.fromEntries(
    (task?.Properties.ContainerDefinitions[0]?.Environment ?? []).map((e) => [e.Name, e.Value]),
  );
}

describe('WebService container health', () => {
  it('probes the health path with node (the slim image has no curl), every 30 s after a 30 s start', () => {
    build().hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          HealthCheck: {
            Command: serviceHealthCommand('/healthz'),
            Interval: 30,
            Timeout: 5,
            Retries: 3,
            StartPeriod: 30,
          },
        }),
      ],
    });
  });

  it('runs node itself, in exec form, against the configured path', () => {
    const [form, binary, flag, script] = serviceHealthCommand('/healthz');
    expect([form, binary, flag]).toEqual(['CMD', 'node', '-e']);
    expect(script).toContain('path:"/healthz"');
    expect(script).not.toMatch(/curl|wget|fetch/);
  });

  it("runs a user's command without a shell, or none at all", () => {
    build({ healthCheck: ['/app/healthcheck', '--quick'] }).hasResourceProperties(
      'AWS::ECS::TaskDefinition',
      {
        ContainerDefinitions: [
          Match.objectLike({
            HealthCheck: Match.objectLike({ Command: ['CMD', '/app/healthcheck', '--quick'] }),
          }),
        ],
      },
    );
    build({ healthCheck: ['CMD-SHELL', 'test -e /tmp/ok'] }).hasResourceProperties(
      'AWS::ECS::TaskDefinition',
      {
        ContainerDefinitions: [
          Match.objectLike({ HealthCheck: Match.objectLike({ Command: ['CMD-SHELL', 'test -e /tmp/ok'] }) }),
        ],
      },
    );
    build({ healthCheck: false }).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ HealthCheck: Match.absent() })],
    });
  });

  it('ignores failing checks for 40 s: the 30 s start budget plus two 5 s target checks', () => {
    build().hasResourceProperties('AWS::ECS::Service', { HealthCheckGracePeriodSeconds: 40 });
    build({ deployment: { healthCheckIntervalSeconds: 10, healthyThresholdCount: 3 } }).hasResourceProperties(
      'AWS::ECS::Service',
      { HealthCheckGracePeriodSeconds: 60 },
    );
  });

  it('completes a rolling deployment early only when asked, and never another strategy', () => {
    const criteria = (deployment: WebServiceProps['deployment']) =>
      (
        Object.values(build({ deployment }).findResources('AWS::ECS::Service'))[0] as {
          Properties: { DeploymentConfiguration: Record<string, unknown> };
        }
      ).Properties.DeploymentConfiguration.EarlySuccessCriteria;
    expect(criteria({ earlySuccess: true })).toEqual({
      Enable: true,
      HealthyPercent: 100,
      SourceServiceRevisionCleanup: 'DEFERRED',
    });
    expect(criteria({})).toBeUndefined();
    expect(criteria({ strategy: 'blue-green', earlySuccess: true })).toBeUndefined();
  });
});

describe('WebService stop timeout', () => {
  it('is the 10 s drain plus 5 s by default', () => {
    build().hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          StopTimeout: 15,
          Environment: Match.arrayWith([{ Name: 'SHUTDOWN_TIMEOUT_MS', Value: '10000' }]),
        }),
      ],
    });
  });

  it('follows the drain: 20 s gives 25 s', () => {
    build({ shutdownSeconds: 20 }).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ StopTimeout: 25 })],
    });
  });

  it('is what the image, the service and their docs say it is', async () => {
    const [task] = Object.values(build().findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: { StopTimeout: number }[] };
    }[];
    const stopTimeout = task?.Properties.ContainerDefinitions[0]?.StopTimeout;
    // "30 s (stopTimeout", "30 s `stopTimeout`", "stopTimeout (30 s)", "stop timeout 15 s", ...
    const claim = /(\d+) s \(?`?(?:stopTimeout|stop timeout)|(?:stopTimeout|stop timeout)`? \(?(\d+) s\b/gi;
    const stated: string[] = [];
    for (const file of STOP_TIMEOUT_TEXTS) {
      const text = await readFile(new URL(`../../../../${file}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(claim)) stated.push(`${file}: ${m[1] ?? m[2]} s`);
    }
    expect(stated.length).toBeGreaterThan(0);
    expect(stated.filter((s) => !s.endsWith(`: ${stopTimeout} s`))).toEqual([]);
  });

  it('rejects a drain that leaves no 5 s margin inside the 120 s Fargate allows', () => {
    expect(() => build({ shutdownSeconds: 116 })).toThrow(/shutdownSeconds must be 1-115/);
  });
});

describe('WebService HSTS switch', () => {
  it('sets HSTS_MAX_AGE when the environment is served over HTTPS', () => {
    expect(containerEnvironment(build({ hstsMaxAgeSeconds: 31536000 })).HSTS_MAX_AGE).toBe('31536000');
  });

  it('leaves it unset over plain HTTP', () => {
    expect(containerEnvironment(build())).not.toHaveProperty('HSTS_MAX_AGE');
  });
});

describe('WebService route', () => {
  it('is the catch-all /* at priority 1000 without a route', () => {
    build().hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1000,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
  });

  it('matches the host and the path of a route, at its priority', () => {
    build({
      route: { hosts: ['api.example.com'], paths: ['/v2/*'] },
      rulePriority: 100,
    }).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 100,
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/v2/*'] } },
      ],
    });
  });

  it('runs the given command', () => {
    build({ command: ['node', 'dist/main.js', 'serve'] }).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Command: ['node', 'dist/main.js', 'serve'] })],
    });
  });

  it('rejects an empty route and a priority outside 1-50000', () => {
    expect(() => build({ route: {} })).toThrow('route must give paths or hosts (or both), got neither');
    expect(() => build({ route: { paths: ['/a/*'] }, rulePriority: 0 })).toThrow(
      'rulePriority must be a whole number 1-50000, got 0',
    );
  });
});
