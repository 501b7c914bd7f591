/*
 * Service layer, per environment of the shipped config:
 *   - cluster with Container Insights; Fargate capacity per config (dev Spot, prod three on-demand tasks at rest, one per zone, + Spot above)
 *   - tasks in private subnets without public IP; read-only root filesystem with a writable /tmp
 *   - database credentials only as ECS secrets; no secret-looking names among plain variables
 *   - every container variable name appears once, and each one Slipway sets is reserved in the contract
 *   - the edge: CloudFront redirects HTTP to HTTPS and reaches the internal ALB through a VPC
 *     origin; the URL in SSM and the stack output is https://
 *   - security groups: ALB 80 only from CloudFront's origin-facing prefix list (read at deploy
 *     time), nothing from the internet; tasks only from the ALB on the container port;
 *     the database admits the task security group on 5432
 *   - target group health checks every 5 s (2 passes rolling, 3 native), 10 s drain rolling and 5 s
 *     native, circuit breaker with rollback, 100/200, early success (deferred cleanup) only rolling
 *   - autoscaling on CPU 70 % and memory 80 % (plus request count when configured)
 *   - the image tag comes from SSM at deploy time; with the bootstrap tag the service runs 0 tasks
 *   - a brought us-east-1 certificate is the distribution's viewer certificate (domains: edge-stack.test.ts)
 *   - HSTS_MAX_AGE for the service in every environment (CloudFront serves them all over HTTPS)
 */

import {
  backendUrlVariable,
  isReservedVariable,
  producerQueueVariable,
  userVariableNames,
} from '@slipway/config/contract';
import {
  configVariant,
  ENVIRONMENTS,
  type Synthesized,
  shippedConfig,
  synth,
  templatesOf,
} from '@slipway/testing/synth';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

let synthesized: Synthesized;
beforeAll(async () => {
  synthesized = synth(await shippedConfig());
});

const service = (env: string) => templatesOf(synthesized, env).service;

type ContainerDefinition = {
  Environment: { Name: string; Value: unknown }[];
  Secrets: { Name: string; ValueFrom: unknown }[];
  Image: unknown;
};

function container(env: string): ContainerDefinition {
  const [task] = Object.values(service(env).findResources('AWS::ECS::TaskDefinition')) as {
    Properties: { ContainerDefinitions: ContainerDefinition[] };
  }[];
  const def = task?.Properties.ContainerDefinitions[0];
  if (!def) throw new Error('no container definition');
  return def;
}

describe.each(ENVIRONMENTS)('%s service', (env) => {
  it('runs on a cluster with Container Insights', () => {
    service(env).hasResourceProperties('AWS::ECS::Cluster', {
      ClusterName: `slipway-${env}`,
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('places tasks in the private subnets without a public IP', () => {
    service(env).hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          AssignPublicIp: 'DISABLED',
          // One private subnet per zone: tasks may land in every zone of the environment.
          Subnets: Array.from(
            { length: synthesized.stacks[env]?.environment.network.azCount ?? 0 },
            (_, i) => ({
              Ref: Match.stringLikeRegexp(`privatesubnet${i}id`),
            }),
          ),
        }),
      },
    });
  });

  it('deploys with circuit breaker rollback, 100 % minimum healthy and 200 % maximum', () => {
    const deploy = synthesized.stacks[env]?.environment.deploy;
    const rolling = deploy?.strategy === 'rolling';
    service(env).hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        // Rolling completes once every new task is healthy; the old ones stop after it.
        EarlySuccessCriteria: rolling
          ? { Enable: true, HealthyPercent: 100, SourceServiceRevisionCleanup: 'DEFERRED' }
          : Match.absent(),
      }),
      // The 30 s start budget plus the checks that call a started task healthy.
      HealthCheckGracePeriodSeconds:
        30 + (deploy?.healthCheckIntervalSeconds ?? 0) * (deploy?.healthyThresholdCount ?? 0),
      EnableExecuteCommand: true,
    });
  });

  it('injects the database credentials as ECS secrets from the RDS secret', () => {
    const secrets = Object.fromEntries(
      container(env).Secrets.map((s) => [s.Name, JSON.stringify(s.ValueFrom)]),
    );
    expect(Object.keys(secrets).sort()).toEqual(['DB_HOST', 'DB_NAME', 'DB_PASSWORD', 'DB_PORT', 'DB_USER']);
    expect(secrets.DB_PASSWORD).toMatch(/dbsecretarn.*:password::/);
    expect(secrets.DB_USER).toMatch(/dbsecretarn.*:username::/);
  });

  it('has no secret-looking names among the plain environment variables (an ARN is not a secret)', () => {
    const names = container(env).Environment.map((e) => e.Name);
    expect(
      names.filter((n) => /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/.test(n) && !n.endsWith('_ARN')),
    ).toEqual([]);
    expect(names).toEqual(
      expect.arrayContaining(['APP_ENV', 'PORT', 'GIT_SHA', 'DB_SSL', 'SHUTDOWN_TIMEOUT_MS']),
    );
  });

  it('gives the container each variable name once, plain and secret together', () => {
    const def = container(env);
    const names = [...def.Environment, ...def.Secrets].map((e) => e.Name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it("sets no variable the contract does not reserve, besides the user's own and its calls'", () => {
    const def = container(env);
    const resolved = synthesized.stacks[env]?.environment;
    const web = resolved?.services.find((s) => s.name === 'web');
    const calls = (web?.calls ?? []).flatMap((name) =>
      resolved?.services.find((s) => s.name === name)?.type === 'worker'
        ? [producerQueueVariable(name)]
        : [backendUrlVariable(name)],
    );
    const user = new Set([...userVariableNames(resolved?.app as never), ...calls]);
    const unreserved = [...def.Environment, ...def.Secrets]
      .map((e) => e.Name)
      .filter((n) => !user.has(n) && !isReservedVariable(n));
    expect(unreserved).toEqual([]);
  });

  it("gives the task the RDS secret's ARN and read access to it, for password rotation", () => {
    const variable = container(env).Environment.find((e) => e.Name === 'DB_SECRET_ARN');
    expect(JSON.stringify(variable?.Value)).toMatch(/dbsecretarn/i);
    const template = service(env);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
            Resource: Match.objectLike({ Ref: Match.stringLikeRegexp('dbsecretarn') }),
          }),
        ]),
      },
      Roles: Match.arrayWith([{ Ref: Match.stringLikeRegexp('TaskRole') }]),
    });
  });

  it('runs the container with a read-only root filesystem, a writable /tmp and a stop timeout above the drain', () => {
    service(env).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          ReadonlyRootFilesystem: true,
          MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'tmp' }],
          StopTimeout: 15,
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
      Volumes: [{ Name: 'tmp' }],
    });
  });

  it('keeps container logs for the configured number of days', () => {
    const days = synthesized.stacks[env]?.environment.service.logRetentionDays;
    service(env).hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/slipway/${env}/service`,
      RetentionInDays: days,
    });
  });

  it('keeps the load balancer internal, without a listener on 443', () => {
    service(env).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
    service(env).resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', { Port: 443 }, 0);
  });

  it('admits nothing from the internet: port 80 only from the CloudFront origin-facing prefix list', () => {
    const groups = Object.values(service(env).findResources('AWS::EC2::SecurityGroup')).map(
      (g) => (g as { Properties: { SecurityGroupIngress?: Record<string, unknown>[] } }).Properties,
    );
    const ingress = groups.flatMap((g) => g.SecurityGroupIngress ?? []);
    expect(ingress.filter((rule) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0')).toEqual([]);
    service(env).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeOriginAccessSecurityGroup'), 'GroupId'] },
      FromPort: 80,
      ToPort: 80,
      SourcePrefixListId: {
        'Fn::GetAtt': [Match.stringLikeRegexp('PrefixList'), 'PrefixLists.0.PrefixListId'],
      },
    });
    service(env).hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      SecurityGroups: Match.arrayWith([
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeOriginAccessSecurityGroup'), 'GroupId'] },
      ]),
    });
    service(env).hasResourceProperties('Custom::AWS', {
      Update: Match.stringLikeRegexp('com.amazonaws.global.cloudfront.origin-facing'),
    });
  });

  it('serves HTTPS through CloudFront and answers plain HTTP with a redirect', () => {
    service(env).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        Origins: [
          Match.objectLike({
            DomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LoadBalancer'), 'DNSName'] },
            VpcOriginConfig: Match.objectLike({ VpcOriginId: Match.anyValue() }),
          }),
        ],
      }),
    });
    service(env).hasResourceProperties('AWS::CloudFront::VpcOrigin', {
      VpcOriginEndpointConfig: Match.objectLike({
        Arn: { Ref: Match.stringLikeRegexp('^LoadBalancer') },
        HTTPPort: 80,
        OriginProtocolPolicy: 'http-only',
      }),
    });
  });

  it('publishes the https:// CloudFront URL in SSM and as the stack output', () => {
    const url = {
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [Match.stringLikeRegexp('^EdgeDistribution'), 'DomainName'] }],
      ],
    };
    service(env).hasResourceProperties('AWS::SSM::Parameter', {
      Name: `/slipway/${env}/service/url`,
      Value: url,
    });
    service(env).hasOutput('Url', { Value: url });
  });

  it("admits task traffic only from the load balancer's security groups on the container port", () => {
    const ingress = Object.values(service(env).findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes('WebSecurityGroup'));
    // Both groups are the load balancer's: its own and the one admitting CloudFront.
    expect(ingress).toEqual(
      [/^LoadBalancerSecurityGroup/, /^EdgeOriginAccessSecurityGroup/].map((group) =>
        expect.objectContaining({
          FromPort: 3000,
          ToPort: 3000,
          SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(group), 'GroupId'] },
        }),
      ),
    );
    service(env).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Service tasks'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  it('lets the database admit the tasks of the database services on 5432, and nothing else from this layer', () => {
    const toDatabase = Object.values(service(env).findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes('dbsecuritygroupid'));
    expect(toDatabase.every((p) => p.FromPort === 5432 && p.ToPort === 5432)).toBe(true);
    expect(
      toDatabase.map((p) => (p.SourceSecurityGroupId as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0]).sort(),
    ).toEqual([
      expect.stringMatching(/^ServiceApiSecurityGroup/),
      expect.stringMatching(/^ServicePruneSecurityGroup/),
      expect.stringMatching(/^ServiceWorkerSecurityGroup/),
      expect.stringMatching(/^WebSecurityGroup/),
    ]);
  });

  it("checks target health at the strategy's pace: every 5 s, 2 passes rolling, 3 native; short drains", () => {
    const rolling = synthesized.stacks[env]?.environment.deploy.strategy === 'rolling';
    service(env).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health',
      HealthCheckIntervalSeconds: 5,
      HealthCheckTimeoutSeconds: 4,
      HealthyThresholdCount: rolling ? 2 : 3,
      UnhealthyThresholdCount: 2,
      TargetType: 'ip',
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: rolling ? '10' : '5' },
      ]),
    });
  });

  it('scales on CPU 70 % and memory 80 % between the configured bounds', () => {
    const s = synthesized.stacks[env]?.environment.service;
    service(env).hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: { 'Fn::If': ['HasImage', s?.minTasks, 0] },
      MaxCapacity: { 'Fn::If': ['HasImage', s?.maxTasks, 0] },
    });
    for (const [metric, value] of [
      ['ECSServiceAverageCPUUtilization', 70],
      ['ECSServiceAverageMemoryUtilization', 80],
    ] as const) {
      service(env).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          PredefinedMetricSpecification: { PredefinedMetricType: metric },
          TargetValue: value,
        }),
      });
    }
  });

  it('takes the image tag from the release parameter at deploy time', () => {
    const image = JSON.stringify(container(env).Image);
    // The images' copy in the environment's own account and region (replicated from us-east-1).
    const own = {
      dev: '111111111111.dkr.ecr.us-east-1.',
      staging: '222222222222.dkr.ecr.af-south-1.',
      prod: '333333333333.dkr.ecr.af-south-1.',
    } as Record<string, string>;
    expect(image).toContain(own[env] ?? '.dkr.ecr.us-east-1.');
    expect(image).toContain('/slipway:');
    expect(image).toMatch(/SsmParameterValueslipway.*releaseimagetag/);
    const parameters = service(env).toJSON().Parameters as Record<string, { Type: string; Default: string }>;
    expect(Object.values(parameters)).toContainEqual({
      Type: 'AWS::SSM::Parameter::Value<String>',
      Default: `/slipway/${env}/release/image-tag`,
    });
  });

  it('runs no tasks while the release parameter still holds the bootstrap tag', () => {
    const template = service(env).toJSON();
    expect(template.Conditions.HasImage).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: expect.stringMatching(/releaseimagetag/) }, 'bootstrap'] }],
    });
    service(env).hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: { 'Fn::If': ['HasImage', synthesized.stacks[env]?.environment.service.minTasks, 0] },
    });
  });

  it('publishes cluster, service, load balancer and URL in SSM', () => {
    const names = Object.values(service(env).findResources('AWS::SSM::Parameter')).map(
      (p) => (p as { Properties: { Name: string } }).Properties.Name,
    );
    expect(names).toEqual(
      expect.arrayContaining(
        [
          'cluster-name',
          'service-name',
          'load-balancer-full-name',
          'listener-arn',
          'url',
          'distribution-id',
        ].map((k) => `/slipway/${env}/service/${k}`),
      ),
    );
  });
});

describe('capacity per environment', () => {
  it('dev runs on Fargate Spot only', () => {
    service('dev').hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });
  });

  it('prod runs each web service as three on-demand tasks at rest, one per zone, Spot only above them', () => {
    const web = Object.values(service('prod').findResources('AWS::ECS::Service'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      .filter((p) => ((p.LoadBalancers as unknown[] | undefined) ?? []).length > 0);
    expect(web).toHaveLength(2);
    for (const p of web) {
      expect(p.DesiredCount).toEqual({ 'Fn::If': ['HasImage', 3, 0] });
      expect(p.CapacityProviderStrategy).toEqual([
        { CapacityProvider: 'FARGATE', Base: 3, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
      ]);
      // A task can land in each of the three zones: the private subnet of every one.
      const subnets = (p.NetworkConfiguration as { AwsvpcConfiguration: { Subnets: unknown[] } })
        .AwsvpcConfiguration.Subnets;
      expect(JSON.stringify(subnets)).toMatch(/privatesubnet2id/);
      expect(subnets).toHaveLength(3);
    }
  });

  it('prod tasks get 1 vCPU and 2 GiB, dev tasks 0.25 vCPU and 512 MiB', () => {
    service('prod').hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '1024', Memory: '2048' });
    service('dev').hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '256', Memory: '512' });
  });

  it('prod protects its load balancer from deletion', () => {
    service('prod').hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
  });
});

describe('configuration variants', () => {
  it('serves a domain with a brought us-east-1 certificate, TLS 1.2 at least', async () => {
    const config = await configVariant((c) => {
      const dev = c.environments.dev;
      if (dev)
        dev.domain = {
          name: 'dev.example.com',
          certificateArn:
            'arn:aws:acm:us-east-1:111111111111:certificate/0b1c2d3e-1111-2222-3333-444455556666',
        };
    });
    const template = Template.fromStack(
      synth(config, { environments: ['dev'] }).stacks.dev?.service as never,
    );
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['dev.example.com'],
        ViewerCertificate: {
          AcmCertificateArn: Match.stringLikeRegexp('us-east-1:111111111111:certificate/0b1c2d3e'),
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        },
      }),
    });
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/slipway/dev/service/url',
      Value: 'https://dev.example.com',
    });
    // DNS is the user's: no zone, no records and no certificate of Slipway's.
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    // The service sends Strict-Transport-Security there: one year unless the domain says otherwise.
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Environment: Match.arrayWith([{ Name: 'HSTS_MAX_AGE', Value: '31536000' }]),
        }),
      ],
    });
  });

  it('probes the default image with node, and leaves an image from elsewhere to the load balancer', async () => {
    expect(JSON.stringify(container('dev'))).toContain('"HealthCheck":{"Command":["CMD","node","-e"');
    const config = await configVariant((c) => {
      // The other services take web's image (`image.from`), so they follow it.
      if (c.services?.web) c.services.web.image = { uri: 'public.ecr.aws/example/api:1.4.2' };
    });
    const template = Template.fromStack(
      synth(config, { environments: ['dev'] }).stacks.dev?.service as never,
    );
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ HealthCheck: Match.absent() })],
    });
  });

  it('tells the service to send HSTS without a domain too: CloudFront serves every environment over HTTPS', () => {
    const variables = container('dev').Environment;
    expect(variables.map((e) => e.Name)).toContain('SHUTDOWN_TIMEOUT_MS');
    expect(variables).toContainEqual({ Name: 'HSTS_MAX_AGE', Value: '31536000' });
  });

  it('adds request-count scaling when configured', async () => {
    const config = await configVariant((c) => {
      const dev = c.environments.dev;
      if (dev) dev.service = { ...dev.service, scaleOnRequestsPerTarget: 500 };
    });
    const template = Template.fromStack(
      synth(config, { environments: ['dev'] }).stacks.dev?.service as never,
    );
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }),
        TargetValue: 500,
      }),
    });
  });

  it('injects app secrets from Secrets Manager fields and SSM parameters as ECS secrets', async () => {
    const config = await configVariant((c) => {
      if (c.services?.web)
        c.services.web.secrets = {
          STRIPE_KEY: { secretsManager: 'prod/stripe', field: 'apiKey' },
          SIGNING_SALT: { ssmParameter: '/slipway/shared/signing-salt' },
        };
    });
    const template = Template.fromStack(
      synth(config, { environments: ['dev'] }).stacks.dev?.service as never,
    );
    const [task] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as {
      Properties: { ContainerDefinitions: ContainerDefinition[] };
    }[];
    const secrets = task?.Properties.ContainerDefinitions[0]?.Secrets.map((s) => [
      s.Name,
      JSON.stringify(s.ValueFrom),
    ]);
    const names = secrets?.map(([name]) => name) ?? [];
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
    expect(secrets).toEqual(
      expect.arrayContaining([
        ['STRIPE_KEY', expect.stringMatching(/secret:prod\/stripe:apiKey::/)],
        ['SIGNING_SALT', expect.stringMatching(/parameter\/slipway\/shared\/signing-salt/)],
      ]),
    );
  });
});
