import { type Capacity, spotShare } from '@slipway/config';
import { type NamedResource, numberOf, referencedId, resourcesOf, type Template } from '../synth/template.ts';
import { HOURS_PER_MONTH, officeHours } from './context.ts';
import { instanceOfficeHours, scalableTargetOf, serviceOfficeHours } from './schedule.ts';

/** Steady-state task count of an ECS service: its desired count, or its autoscaling minimum. */
export function steadyTasks(service: NamedResource, template: Template): number {
  const desired = numberOf(service.Properties?.DesiredCount) ?? 1;
  const min = numberOf(scalableTargetOf(service, template)?.Properties?.MinCapacity);
  return Math.max(desired, min ?? 0);
}

/**
 * A capacity provider strategy as a `Capacity` (the config's vocabulary), so the share of Spot
 * comes from `spotShare` in @slipway/config, the same function the config documents.
 */
export function strategyCapacity(strategy: unknown, launchType: unknown): Capacity {
  // A service without a strategy runs on its launch type (FARGATE): on-demand.
  if (!Array.isArray(strategy) || strategy.length === 0)
    return launchType === 'FARGATE_SPOT' ? 'spot' : 'on-demand';
  const items = strategy as { CapacityProvider?: string; Base?: unknown; Weight?: unknown }[];
  const onDemand = items.find((s) => s.CapacityProvider === 'FARGATE');
  const spot = items.find((s) => s.CapacityProvider === 'FARGATE_SPOT');
  if (!spot || (numberOf(spot.Weight) ?? 0) === 0) return 'on-demand';
  if (!onDemand || ((numberOf(onDemand.Weight) ?? 0) === 0 && (numberOf(onDemand.Base) ?? 0) === 0)) {
    return 'spot';
  }
  // spotShare models the on-demand weight as 1; scale the Spot weight to match.
  const odWeight = numberOf(onDemand.Weight) ?? 1;
  return {
    mixed: {
      base: numberOf(onDemand.Base) ?? 0,
      spotWeight: odWeight === 0 ? 1e9 : (numberOf(spot.Weight) ?? 0) / odWeight,
    },
  };
}

function serviceName(service: NamedResource): string {
  return (
    service.logicalId.replace(/Service[0-9A-F]{8}$/, '').replace(/[0-9A-F]{8}$/, '') || service.logicalId
  );
}

/** The task definition, task count and Spot share of every ECS service of a template. */
export function ecsServices(template: Template) {
  return resourcesOf(template, 'AWS::ECS::Service').map((service) => {
    const taskDefId = referencedId(service.Properties?.TaskDefinition);
    const taskDef = taskDefId ? template.Resources?.[taskDefId] : undefined;
    let strategy = service.Properties?.CapacityProviderStrategy;
    if (!strategy && !service.Properties?.LaunchType) {
      const assoc = resourcesOf(template, 'AWS::ECS::ClusterCapacityProviderAssociations')[0];
      strategy = assoc?.Properties?.DefaultCapacityProviderStrategy;
    }
    // Office hours (scheduled actions on the scalable target): the tasks inside them, for their hours.
    const scheduled = serviceOfficeHours(service, template, HOURS_PER_MONTH);
    const tasks = scheduled ? scheduled.level : steadyTasks(service, template);
    const capacity = strategyCapacity(strategy, service.Properties?.LaunchType);
    const platform = (taskDef?.Properties?.RuntimePlatform ?? {}) as { CpuArchitecture?: string };
    return {
      service,
      name: serviceName(service),
      taskDefinition: taskDef,
      tasks,
      /** Hours a month the tasks run: 730, or the office hours. */
      hours: scheduled ? scheduled.hours : HOURS_PER_MONTH,
      scheduled,
      cpuUnits: numberOf(taskDef?.Properties?.Cpu) ?? 256,
      memoryMiB: numberOf(taskDef?.Properties?.Memory) ?? 512,
      architecture: (platform.CpuArchitecture === 'ARM64' ? 'ARM64' : 'X86_64') as 'X86_64' | 'ARM64',
      capacity,
      spotShare: spotShare(capacity, tasks),
      publicIp:
        (service.Properties?.NetworkConfiguration as { AwsvpcConfiguration?: { AssignPublicIp?: string } })
          ?.AwsvpcConfiguration?.AssignPublicIp === 'ENABLED',
    };
  });
}

/**
 * Public IPv4 addresses: ALB nodes (one per subnet), Elastic IPs, instances and tasks with public
 * IPs, with the address-hours they are billed for. Elastic IPs and ALB nodes are billed all month;
 * an instance's auto-assigned address and a task's are released while it is stopped, so under
 * office hours they are billed for the running hours only.
 */
export function publicIpv4Count(template: Template): { count: number; parts: string[]; hours: number[] } {
  const parts: string[] = [];
  const hours: number[] = [];
  const add = (n: number, what: string, h = HOURS_PER_MONTH) => {
    parts.push(what);
    for (let i = 0; i < n; i++) hours.push(h);
  };
  for (const lb of resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer')) {
    if (lb.Properties?.Scheme === 'internal') continue;
    const subnets = (lb.Properties?.Subnets ?? lb.Properties?.SubnetMappings ?? []) as unknown[];
    add(subnets.length, `${subnets.length} ALB node${subnets.length === 1 ? '' : 's'}`);
  }
  const eips = resourcesOf(template, 'AWS::EC2::EIP').length;
  if (eips) add(eips, `${eips} Elastic IP${eips === 1 ? '' : 's'}`);
  for (const i of resourcesOf(template, 'AWS::EC2::Instance')) {
    const nics = (i.Properties?.NetworkInterfaces ?? []) as { AssociatePublicIpAddress?: unknown }[];
    if (nics.some((n) => n.AssociatePublicIpAddress === true || n.AssociatePublicIpAddress === 'true')) {
      const scheduled = instanceOfficeHours(i, template, HOURS_PER_MONTH);
      add(1, `1 instance${officeHours(scheduled)}`, scheduled?.hours);
    }
  }
  for (const s of ecsServices(template)) {
    if (s.publicIp && s.tasks > 0) {
      add(
        s.tasks,
        `${s.tasks} public task IP${s.tasks === 1 ? '' : 's'}${officeHours(s.scheduled)}`,
        s.hours,
      );
    }
  }
  return { count: hours.length, parts, hours };
}
