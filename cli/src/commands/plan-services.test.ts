/*
 * `plan` per service, on a service stack built here (until the service stack creates every type):
 * web (construct `Web`), api (a web service on a route, `ServiceApi`), mailer (worker,
 * `ServiceMailer`) and prune (job, `ServicePrune`), beside a load balancer that belongs to none.
 *   - a resource belongs to the service whose construct id is a segment of its construct path
 *     (the synth's paths, else the `aws:cdk:path` metadata); anything else stays in its layer
 *   - each service's Fargate and log lines carry its name; the load balancer's line none; the
 *     per-service subtotals add up to its lines, and the lines still add up to the total
 *   - the cost table groups a service's lines under its name with a subtotal row, in 100 columns
 *   - deploy time: web services by their ECS strategy (blue/green here), the worker rolls without a
 *     load balancer, the job is only a new task definition; the environment's deploy time is the
 *     slowest service (they deploy in parallel)
 *   - the config variant with four services synthesizes, and the default web service's cost lines
 *     and deploy-time model are attributed to `web` (the other types follow as the stack creates them)
 */
import type { ResolvedService } from '@slipway/config';
import { variantAssembly } from '@slipway/testing/cli/fixtures';
import { describe, expect, it } from 'vitest';
import { estimateCost } from '../cost/model.ts';
import { deployTimeModels, jobDeployTimes } from '../deploy-time/model.ts';
import { ownerOfPath, serviceOwners } from '../services/owners.ts';
import { withServices } from '../services/test/fixtures.ts';
import { type StackInfo, stacksOf } from '../synth/synthesize.ts';
import type { Template } from '../synth/template.ts';
import { renderCost } from './plan-report.ts';
import { environmentDeploySeconds, servicePlans } from './plan-services.ts';

const services = [
  { name: 'web', type: 'web', route: undefined },
  { name: 'api', type: 'web', route: { paths: ['/api/*'] } },
  { name: 'mailer', type: 'worker' },
  { name: 'prune', type: 'job' },
] as unknown as ResolvedService[];
const owners = serviceOwners(services);

/** An ECS service with its task definition and log group, under construct `id`. */
function ecsService(id: string, options: { strategy?: string; targetGroup?: boolean; cpu?: string } = {}) {
  const r: Template['Resources'] = {
    [`${id}Logs`]: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 30 } },
    [`${id}Task`]: {
      Type: 'AWS::ECS::TaskDefinition',
      Properties: {
        Cpu: options.cpu ?? '256',
        Memory: '512',
        ContainerDefinitions: [
          {
            Name: 'app',
            Image: '111111111111.dkr.ecr.us-east-1.amazonaws.com/slipway:abc',
            LogConfiguration: { Options: { 'awslogs-group': { Ref: `${id}Logs` } } },
          },
        ],
      },
    },
    [`${id}Service`]: {
      Type: 'AWS::ECS::Service',
      Properties: {
        TaskDefinition: { Ref: `${id}Task` },
        DesiredCount: 1,
        LaunchType: 'FARGATE',
        DeploymentConfiguration: options.strategy ? { Strategy: options.strategy, BakeTimeInMinutes: 5 } : {},
        ...(options.targetGroup ? { LoadBalancers: [{ TargetGroupArn: { Ref: `${id}Blue` } }] } : {}),
      },
    },
  };
  if (options.targetGroup) {
    r[`${id}Blue`] = {
      Type: 'AWS::ElasticLoadBalancingV2::TargetGroup',
      Properties: { HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2 },
    };
  }
  return r;
}

function serviceStack(): StackInfo {
  const resources: Template['Resources'] = {
    ...ecsService('Web', { strategy: 'BLUE_GREEN', targetGroup: true }),
    ...ecsService('ServiceApi', { strategy: 'BLUE_GREEN', targetGroup: true, cpu: '512' }),
    ...ecsService('ServiceMailer'),
    ServicePruneStateMachine: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {},
      Metadata: { 'aws:cdk:path': 'slipway-dev-service/ServicePrune/StateMachine/Resource' },
    },
    LoadBalancer: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application' } },
  };
  // The synth's paths for the services' resources; the state machine's path is in its metadata.
  const resourcePaths: Record<string, string> = {};
  for (const id of Object.keys(resources ?? {})) {
    const [, construct, part] = /^(Web|ServiceApi|ServiceMailer)(.*)$/.exec(id) ?? [];
    if (construct) resourcePaths[id] = `${construct}/${part}/Resource`;
  }
  return {
    stackName: 'slipway-dev-service',
    environment: 'dev',
    account: '111111111111',
    region: 'us-east-1',
    template: { Resources: resources },
    templatePath: '/dev/null',
    constructPath: 'slipway-dev-service',
    dependencies: [],
    terminationProtection: false,
    resourcePaths,
  };
}

describe('service attribution', () => {
  it('finds the service whose construct id is a segment of the path', () => {
    expect([...owners.keys()]).toEqual(['Web', 'ServiceApi', 'ServiceMailer', 'ServicePrune']);
    expect(ownerOfPath('Web/Service/Service', owners)?.name).toBe('web');
    expect(ownerOfPath('Monitoring/ServiceMailer/QueueDepth', owners)?.name).toBe('mailer');
    expect(ownerOfPath('WebAcl/Resource', owners)).toBeUndefined();
    expect(ownerOfPath('LoadBalancer/Resource', owners)).toBeUndefined();
  });
});

describe('plan cost per service', () => {
  const cost = estimateCost([serviceStack()], { region: 'us-east-1', owners });

  it("labels each service's lines and leaves the load balancer in its layer", () => {
    const fargate = cost.lines.filter((l) => l.resourceType === 'AWS::ECS::Service');
    expect(fargate.map((l) => l.service)).toEqual(['web', 'api', 'mailer']);
    expect(cost.lines.find((l) => l.item.startsWith('Application Load Balancer'))?.service).toBeUndefined();
    expect(
      cost.lines.filter((l) => l.service === 'api' && l.item.startsWith('CloudWatch Logs')),
    ).toHaveLength(2);
  });

  it('sums each service to a subtotal, and the lines still to the total', () => {
    const cents = (n: number) => Math.round(n * 100);
    for (const s of cost.services) {
      const own = cost.lines.filter((l) => l.service === s.name).reduce((n, l) => n + cents(l.monthly), 0);
      expect(cents(s.monthly), s.name).toBe(own);
    }
    expect(cost.services.find((s) => s.name === 'api')?.monthly).toBeGreaterThan(
      cost.services.find((s) => s.name === 'web')?.monthly ?? Number.POSITIVE_INFINITY,
    );
    expect(cents(cost.total)).toBe(cost.lines.reduce((n, l) => n + cents(l.monthly), 0));
  });

  it("groups a service's lines under its name with a subtotal row, within 100 columns", () => {
    const text = renderCost(cost, ['slipway-dev-service'], '111111111111');
    const lines = text.split('\n');
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
    const apiRows = lines.filter((l) => l.startsWith('api '));
    expect(apiRows.length).toBeGreaterThanOrEqual(2);
    const subtotal = lines.findIndex((l) => /subtotal api \(web\) +\$\d+\.\d\d$/.test(l));
    expect(subtotal).toBe(lines.lastIndexOf(apiRows.at(-1) ?? '') + 1);
    expect(text).toMatch(/^service +Application Load Balancer/m);
  });
});

describe('plan deploy time per service', () => {
  const stack = serviceStack();
  const models = deployTimeModels([stack], undefined, owners);
  const jobs = jobDeployTimes([stack], owners);
  const cost = estimateCost([stack], { region: 'us-east-1', owners });
  const plans = servicePlans([...owners.values()], cost, models, jobs);

  it('models web services by their strategy, the worker rolling, the job as a new task definition', () => {
    const by = (name: string) => plans.find((p) => p.name === name);
    expect(by('web')?.deploy).toBe('BLUE_GREEN, 1 task');
    expect(by('api')?.deploy).toBe('BLUE_GREEN, 1 task');
    expect(by('mailer')?.deploy).toBe('ROLLING, 1 task, no load balancer');
    expect(by('prune')).toMatchObject({
      deploy: 'new task definition',
      deploySeconds: 15,
      inTemplates: true,
    });
    // A bake of 5 minutes is on the web services' path, not the worker's.
    expect(by('web')?.deploySeconds).toBeGreaterThan((by('mailer')?.deploySeconds ?? 0) + 300);
  });

  it("takes the slowest service as the environment's deploy time", () => {
    const slowest = Math.max(...plans.map((p) => p.deploySeconds ?? 0));
    expect(environmentDeploySeconds(plans, models)).toBe(slowest);
  });
});

describe('plan per service on a synthesized config with services', () => {
  it('attributes the default web service of the synthesized templates to web', async () => {
    const { config, synthesized } = await variantAssembly(withServices, ['dev']);
    const env = config.environments.dev;
    expect(env).toBeDefined();
    const { resolveEnvironment } = await import('@slipway/config');
    const resolved = resolveEnvironment('dev', env as NonNullable<typeof env>, config);
    const synthOwners = serviceOwners(resolved.services);
    const stacks = stacksOf(synthesized, 'dev');
    const cost = estimateCost(stacks, { region: resolved.region, owners: synthOwners });
    const web = cost.lines.filter((l) => l.service === 'web');
    expect(web.some((l) => l.resourceType === 'AWS::ECS::Service')).toBe(true);
    expect(cost.lines.find((l) => l.item.startsWith('Application Load Balancer'))?.service).toBeUndefined();
    const models = deployTimeModels(stacks, undefined, synthOwners);
    expect(models.find((m) => m.settings.loadBalanced)?.owner).toEqual({ name: 'web', type: 'web' });
    // A service the stack does not create yet is listed, not priced at $0 as if it were free.
    const plans = servicePlans([...synthOwners.values()], cost, models, jobDeployTimes(stacks, synthOwners));
    expect(plans.find((p) => p.name === 'web')).toMatchObject({
      inTemplates: true,
      deploy: 'ROLLING, 1 task',
    });
    for (const p of plans.filter((x) => !x.inTemplates))
      expect(p.deploy, p.name).toBe('not in the templates');
  });
});
