/*
 * Every service of the shipped config (web, api on /api/*, worker, nightly prune job) per
 * environment, plus variants for what the shipped config does not show (a backend, a routed
 * service that owns the schema):
 *   - routing: api's rules at priority 100 on the production and the test listener with its path,
 *     the default web service's catch-all at 1000; each web service its own blue/green target groups
 *   - api deploys with the environment's strategy, circuit breaker and its own rollback alarms
 *   - worker: queue + dead-letter queue, backlog scaling, QUEUE_URL; web and api (its producers)
 *     get WORKER_QUEUE_URL and may send, nothing else may
 *   - job: schedule → state machine, paused until the first image, its parameters and output
 *   - every service writes services/<name>/… parameters
 *   - database: secrets, the secret grant and the 5432 rule for database services only;
 *     MIGRATE_ON_START only on the owner, and only without a migrate hook
 *   - backend (variant): Service Connect server at users.dev.internal:3000, its caller a client
 *     with USERS_URL, ingress only from the caller
 *   - office hours cover every long-running service; a preview synthesizes and alarms to its base
 */
import type { SlipwayConfigInput } from '@slipway/config';
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

// biome-ignore lint/suspicious/noExplicitAny: tests reshape the config input freely
type Loose = Record<string, any>;
type Resources = Record<string, { Properties: Loose }>;

let shipped: Synthesized;
beforeAll(async () => {
  shipped = synth(await shippedConfig());
});
const service = (env: string) => templatesOf(shipped, env).service;

/** The app container of the task definition whose logical id starts with `prefix` (`Web`, `ServiceApi`). */
function container(template: Template, prefix: string): Loose {
  const tasks = template.findResources('AWS::ECS::TaskDefinition') as Resources;
  const id = Object.keys(tasks).find((k) => k.startsWith(`${prefix}Task`));
  if (!id) throw new Error(`no task definition ${prefix}Task…`);
  return tasks[id]?.Properties.ContainerDefinitions[0];
}
const variable = (c: Loose, name: string) =>
  (c.Environment as { Name: string; Value: unknown }[]).find((e) => e.Name === name)?.Value;
const secretNames = (c: Loose) => ((c.Secrets ?? []) as { Name: string }[]).map((s) => s.Name).sort();
const logicalId = (template: Template, type: string, prefix: string) => {
  const id = Object.keys(template.findResources(type)).find((k) => k.startsWith(prefix));
  if (!id) throw new Error(`no ${type} ${prefix}…`);
  return id;
};

describe.each(ENVIRONMENTS)('%s: every service', (env) => {
  it("routes /api/* to api at priority 100, before the default web service's catch-all at 1000", () => {
    const t = service(env);
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 100,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/*'] } }],
      Actions: [
        Match.objectLike({
          ForwardConfig: Match.objectLike({
            TargetGroups: [
              { TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServiceApiBlue') }, Weight: 100 },
              { TargetGroupArn: { Ref: Match.stringLikeRegexp('^ServiceApiGreen') }, Weight: 0 },
            ],
          }),
        }),
      ],
    });
    t.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 1000,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }],
    });
  });

  it('writes every service its parameters under services/<name>/', () => {
    const names = Object.values(service(env).findResources('AWS::SSM::Parameter') as Resources).map(
      (p) => p.Properties.Name as string,
    );
    for (const [name, keys] of [
      [
        'web',
        ['service-name', 'service-arn', 'log-group-name', 'security-group-id', 'blue-target-group-full-name'],
      ],
      ['api', ['service-name', 'service-arn', 'log-group-name', 'green-target-group-full-name']],
      ['worker', ['service-name', 'queue-url', 'queue-name', 'dead-letter-queue-name', 'security-group-id']],
      ['prune', ['log-group-name', 'security-group-id']],
    ] as const) {
      for (const key of keys) expect(names).toContain(`/slipway/${env}/services/${name}/${key}`);
    }
    expect(names).toContain(`/slipway/${env}/jobs/prune/state-machine-arn`);
    expect(names).toContain(`/slipway/${env}/jobs/prune/task-definition-family`);
    // The single-service keys stay, for older readers.
    expect(names).toContain(`/slipway/${env}/service/service-name`);
  });

  it('gives a worker queue and dead-letter queue, its producers the URL and the send right', () => {
    const t = service(env);
    t.resourceCountIs('AWS::SQS::Queue', 2);
    t.hasResourceProperties('AWS::SQS::Queue', {
      QueueName: `slipway-${env}-worker`,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    const queue = logicalId(t, 'AWS::SQS::Queue', 'ServiceWorkerQueue');
    expect(variable(container(t, 'ServiceWorker'), 'QUEUE_URL')).toEqual({ Ref: queue });
    expect(variable(container(t, 'Web'), 'WORKER_QUEUE_URL')).toEqual({ Ref: queue });
    expect(variable(container(t, 'ServiceApi'), 'WORKER_QUEUE_URL')).toEqual({ Ref: queue });
    // The job does not call the worker: no queue for it.
    expect(variable(container(t, 'ServicePrune'), 'WORKER_QUEUE_URL')).toBeUndefined();
    const senders = Object.values(t.findResources('AWS::IAM::Policy') as Resources).filter((p) =>
      JSON.stringify(p.Properties.PolicyDocument).includes('sqs:SendMessage'),
    );
    expect(senders.map((p) => JSON.stringify(p.Properties.Roles)).sort()).toEqual([
      expect.stringMatching(/"ServiceApiTaskTaskRole/),
      expect.stringMatching(/"WebTaskTaskRole/),
    ]);
  });

  it('scales the worker on its backlog per task', () => {
    service(env).hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 10 }),
    });
  });

  it('runs prune nightly through its state machine, paused until the first image, with an output', () => {
    const t = service(env);
    t.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 3 * * ? *)',
      State: { 'Fn::If': ['HasImage', 'ENABLED', 'DISABLED'] },
      Target: Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('^ServicePruneStateMachine') } }),
    });
    t.hasOutput('JobPruneStateMachineArn', {
      Value: { Ref: Match.stringLikeRegexp('^ServicePruneStateMachine') },
    });
    expect(container(t, 'ServicePrune').Command).toEqual(['node', 'dist/main.js', 'prune']);
  });

  it('gives the database to the database services only, and lets only the owner migrate at start', () => {
    const t = service(env);
    const rolling = shipped.stacks[env]?.environment.deploy.strategy === 'rolling';
    for (const prefix of ['Web', 'ServiceApi', 'ServiceWorker', 'ServicePrune']) {
      const c = container(t, prefix);
      expect(secretNames(c)).toEqual(['DB_HOST', 'DB_NAME', 'DB_PASSWORD', 'DB_PORT', 'DB_USER']);
      // Web owns the schema: it migrates at start when rolling, through the hook otherwise.
      expect(variable(c, 'MIGRATE_ON_START')).toBe(String(prefix === 'Web' && rolling));
    }
    const rules = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress') as Resources).filter(
      (r) => r.Properties.FromPort === 5432,
    );
    expect(rules.map((r) => r.Properties.SourceSecurityGroupId['Fn::GetAtt'][0]).sort()).toEqual([
      expect.stringMatching(/^ServiceApiSecurityGroup/),
      expect.stringMatching(/^ServicePruneSecurityGroup/),
      expect.stringMatching(/^ServiceWorkerSecurityGroup/),
      expect.stringMatching(/^WebSecurityGroup/),
    ]);
  });

  it("rolls api back on its own alarms, with the environment's strategy and the circuit breaker", () => {
    const t = service(env);
    const strategy = shipped.stacks[env]?.environment.deploy.strategy ?? 'rolling';
    const api = logicalId(t, 'AWS::ECS::Service', 'ServiceApiService');
    const props = (t.findResources('AWS::ECS::Service') as Resources)[api]?.Properties;
    expect(props?.DeploymentConfiguration).toMatchObject({
      DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      Strategy: strategy.toUpperCase().replace('-', '_'),
      Alarms: { Enable: true, Rollback: true },
    });
    expect(JSON.stringify(props?.DeploymentConfiguration.Alarms.AlarmNames)).toMatch(
      // Logical ids: ServiceApiDeployment + blue5xx, blueP99, green5xx.
      new RegExp(['blue5xx', 'blueP99', 'green5xx'].map((a) => `ServiceApiDeployment${a}`).join('.*')),
    );
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: `slipway-${env}-rollback-api-blue-5xx` });
  });
});

describe('the test listener (staging, blue/green)', () => {
  it('gives api the same path condition and priority on the test listener, with its green target group as the alternate', () => {
    const t = service('staging');
    const rules = Object.values(t.findResources('AWS::ElasticLoadBalancingV2::ListenerRule') as Resources)
      .filter((r) => JSON.stringify(r.Properties.Conditions).includes('/api/*'))
      .map((r) => JSON.stringify(r.Properties.ListenerArn));
    expect(rules).toEqual([
      expect.stringMatching(/LoadBalancerHttp/),
      expect.stringMatching(/LoadBalancerTest/),
    ]);
    const api = logicalId(t, 'AWS::ECS::Service', 'ServiceApiService');
    const lb = (t.findResources('AWS::ECS::Service') as Resources)[api]?.Properties.LoadBalancers[0];
    expect(JSON.stringify(lb.AdvancedConfiguration)).toMatch(
      /ServiceApiGreen.*ServiceApiProductionRule.*ServiceApiTestRule/,
    );
  });

  it('runs the migration hook in the default web service, which then does not migrate at start', () => {
    const t = service('staging');
    t.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ MIGRATE_COMMAND: '["node","dist/main.js","migrate"]' }) },
    });
  });
});

describe('office hours (dev)', () => {
  it('scale every long-running service, and not the job', () => {
    const actions = Object.values(
      service('dev').findResources('AWS::ApplicationAutoScaling::ScalableTarget') as Resources,
    ).flatMap((r) =>
      (r.Properties.ScheduledActions ?? []).map((a: Loose) => a.ScheduledActionName as string),
    );
    for (const name of ['Web', 'ServiceApi', 'ServiceWorker'])
      expect(actions.some((a) => a.startsWith(name))).toBe(true);
    expect(actions.some((a) => a.startsWith('ServicePrune'))).toBe(false);
  });
});

/** The shipped config with `change` applied to its input. */
const variant = (change: (c: Loose) => void) =>
  configVariant((c: SlipwayConfigInput) => change(c as unknown as Loose));

describe('a backend service (variant: api calls the backend users)', () => {
  let t: Template;
  beforeAll(async () => {
    const config = await variant((c) => {
      c.services.users = { type: 'backend', image: { from: 'web' }, port: 3000 };
      c.services.api.calls = ['users'];
    });
    t = templatesOf(synth(config, { environments: ['dev'] }), 'dev').service;
  });

  it('is a Service Connect server at users.dev.internal:3000 in the environment namespace', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: Match.anyValue(),
        Services: [
          {
            PortName: 'http',
            DiscoveryName: 'users',
            ClientAliases: [{ DnsName: 'users.dev.internal', Port: 3000 }],
          },
        ],
      },
      // No load balancer: callers reach it through Service Connect only.
      LoadBalancers: [],
    });
  });

  it('makes its caller a Service Connect client with USERS_URL, and no one else', () => {
    const services = t.findResources('AWS::ECS::Service') as Resources;
    const clients = Object.entries(services)
      .filter(
        ([, s]) =>
          s.Properties.ServiceConnectConfiguration && !s.Properties.ServiceConnectConfiguration.Services,
      )
      .map(([id]) => id);
    expect(clients).toEqual([expect.stringMatching(/^ServiceApiService/)]);
    expect(variable(container(t, 'ServiceApi'), 'USERS_URL')).toBe('http://users.dev.internal:3000');
    expect(variable(container(t, 'Web'), 'USERS_URL')).toBeUndefined();
  });

  it("admits its port only from the caller's security group", () => {
    const group = logicalId(t, 'AWS::EC2::SecurityGroup', 'ServiceUsersSecurityGroup');
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress') as Resources).filter(
      (r) => JSON.stringify(r.Properties.GroupId).includes(group),
    );
    expect(ingress.map((r) => [r.Properties.FromPort, r.Properties.SourceSecurityGroupId])).toEqual([
      [3000, { 'Fn::GetAtt': [expect.stringMatching(/^ServiceApiSecurityGroup/), 'GroupId'] }],
    ]);
  });
});

describe('a routed service that owns the schema (variant, staging: blue/green)', () => {
  it('migrates at its own start, the default web service neither at start nor in a hook', async () => {
    const config = await variant((c) => {
      c.services.api.migrate = c.services.web.migrate;
      c.services.api.migrationsPath = c.services.web.migrationsPath;
      delete c.services.web.migrate;
      delete c.services.web.migrationsPath;
      c.services.api.database = true;
    });
    const t = templatesOf(synth(config, { environments: ['staging'] }), 'staging').service;
    expect(variable(container(t, 'ServiceApi'), 'MIGRATE_ON_START')).toBe('true');
    expect(variable(container(t, 'Web'), 'MIGRATE_ON_START')).toBe('false');
    expect(JSON.stringify(t.toJSON())).not.toContain('MIGRATE_COMMAND');
  });

  it('gives a service without the database the embedded one and no database rule', async () => {
    const config = await variant((c) => {
      c.services.api.database = false;
    });
    const t = templatesOf(synth(config, { environments: ['dev'] }), 'dev').service;
    const api = container(t, 'ServiceApi');
    expect(secretNames(api)).toEqual([]);
    expect(variable(api, 'DB_EMBEDDED')).toBe('memory');
    const fromApi = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress') as Resources).filter(
      (r) =>
        r.Properties.FromPort === 5432 && JSON.stringify(r.Properties).includes('ServiceApiSecurityGroup'),
    );
    expect(fromApi).toEqual([]);
  });
});

describe('a pull-request preview', () => {
  it("synthesizes every service, its worker alarms notifying the base environment's topic", async () => {
    const preview = synth(await shippedConfig(), { environments: ['pr-7'] });
    const stack = preview.stacks['pr-7']?.service;
    if (!stack) throw new Error('pr-7 was not synthesized');
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ECS::Service', 3);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'slipway-pr-7-alarm-worker-worker-dead-letters',
      AlarmActions: ['arn:aws:sns:us-east-1:111111111111:slipway-dev-alarms'],
    });
  });
});
