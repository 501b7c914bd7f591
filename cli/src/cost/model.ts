import { type Capacity, spotShare } from '@slipway/config';
import { isEstimate, type PriceTable, priceTable } from '../pricing/index.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import {
  type NamedResource,
  numberOf,
  referencedId,
  referencesIn,
  resourcesOf,
  stringOf,
  type Template,
} from '../synth/template.ts';
import {
  hoursOf,
  instanceOfficeHours,
  type OfficeHoursUse,
  scalableTargetOf,
  serviceOfficeHours,
} from './schedule.ts';

/**
 * Usage the templates cannot tell: named, stated in the output, overridable. Chosen for a small
 * service with light traffic; a busy service costs more in LCUs, NAT data, logs and WAF requests.
 */
export interface CostAssumptions {
  /** Average load balancer capacity units consumed per hour (0.2 ≈ 5 new connections/s or 0.2 GB/h). */
  readonly albLcu: number;
  /** Data processed per NAT gateway per month, GiB (image pulls go through it unless an endpoint exists). */
  readonly natGiBPerGatewayMonth: number;
  /** Application logs ingested per running task per month, GiB. */
  readonly logGiBPerTaskMonth: number;
  /** VPC flow logs ingested per VPC per month, GiB. */
  readonly flowLogGiBMonth: number;
  /** WAF logs ingested per web ACL per month, GiB. */
  readonly wafLogGiBMonth: number;
  /** CloudTrail events delivered to CloudWatch Logs per trail per month, GiB. */
  readonly trailLogGiBMonth: number;
  /** Requests inspected by WAF per month, millions. */
  readonly wafMillionRequestsMonth: number;
  /** Data stored per EFS file system (Grafana's database and plugins), GiB. */
  readonly efsGiB: number;
  /** Images stored per ECR repository, GiB. */
  readonly ecrGiB: number;
  /** Objects stored per S3 bucket (access logs, trail), GiB. */
  readonly s3GiB: number;
  /** Retention assumed for log groups that never expire, months. */
  readonly neverExpireLogMonths: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = {
  albLcu: 0.2,
  natGiBPerGatewayMonth: 5,
  logGiBPerTaskMonth: 1,
  flowLogGiBMonth: 1,
  wafLogGiBMonth: 0.5,
  trailLogGiBMonth: 0.5,
  wafMillionRequestsMonth: 1,
  efsGiB: 1,
  ecrGiB: 2,
  s3GiB: 1,
  neverExpireLogMonths: 12,
};

/** One line of the estimate. */
export interface CostLine {
  readonly stack: string;
  /** What is priced, e.g. `NAT instance t4g.nano`. */
  readonly item: string;
  /** The CloudFormation type the line derives from. */
  readonly resourceType: string;
  /** How the number was reached, e.g. `1 × 730 h × $0.0042`. */
  readonly detail: string;
  /** Monthly cost, USD, rounded to cents. */
  readonly monthly: number;
  /** The line uses a price the table marks as an estimate. */
  readonly estimatedPrice: boolean;
  /** The line depends on a usage assumption (named in `assumption`). */
  readonly assumption?: keyof CostAssumptions;
}

export interface Unpriced {
  readonly resourceType: string;
  readonly count: number;
  readonly stacks: string[];
  readonly reason: string;
}

export interface CostEstimate {
  readonly region: string;
  readonly currency: 'USD';
  readonly lines: CostLine[];
  /** Sum of the lines (each rounded to cents first, so the lines add up to exactly this). */
  readonly total: number;
  /** Resources of a type the model has no price for (never silently ignored). */
  readonly unpriced: Unpriced[];
  readonly assumptions: CostAssumptions;
  readonly priceTable: { readonly region: string; readonly asOf: string; readonly source: string };
  /** Share of the total that rests on estimated (not transcribed) prices, 0..1. */
  readonly estimatedShare: number;
}

/**
 * Types with no charge of their own (their cost shows up elsewhere, or they are free), with why.
 * Anything neither priced nor listed here is reported as unpriced.
 */
const NO_CHARGE: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'free',
  'AWS::EC2::Subnet': 'free',
  'AWS::EC2::RouteTable': 'free',
  'AWS::EC2::SubnetRouteTableAssociation': 'free',
  'AWS::EC2::Route': 'free',
  'AWS::EC2::InternetGateway': 'free (data transfer out is usage)',
  'AWS::EC2::VPCGatewayAttachment': 'free',
  'AWS::EC2::SecurityGroup': 'free',
  'AWS::EC2::SecurityGroupIngress': 'free',
  'AWS::EC2::SecurityGroupEgress': 'free',
  'AWS::EC2::NetworkAcl': 'free',
  'AWS::EC2::NetworkAclEntry': 'free',
  'AWS::EC2::SubnetNetworkAclAssociation': 'free',
  'AWS::EC2::FlowLog': 'priced as CloudWatch Logs ingestion',
  'AWS::EC2::EIP': 'priced as a public IPv4 address',
  'AWS::EC2::LaunchTemplate': 'free',
  'AWS::SSM::Parameter': 'standard tier: free',
  'AWS::ECS::Cluster': 'free (tasks are priced)',
  'AWS::ECS::ClusterCapacityProviderAssociations': 'free',
  'AWS::ECS::TaskDefinition': 'free (tasks are priced)',
  'AWS::ElasticLoadBalancingV2::Listener': 'included in the load balancer',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'included in the load balancer',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'included in the load balancer',
  'AWS::ApplicationAutoScaling::ScalableTarget': 'free',
  'AWS::ApplicationAutoScaling::ScalingPolicy': 'free (its alarms are managed by AWS at no charge)',
  'AWS::Lambda::Function': 'deploy-time and scheduled invocations only: inside the free tier',
  'AWS::Lambda::Permission': 'free',
  'AWS::Lambda::EventInvokeConfig': 'free',
  'AWS::Events::Rule': 'free for AWS service events and schedules',
  'AWS::SNS::Topic': 'first million publishes free',
  'AWS::SNS::TopicPolicy': 'free',
  'AWS::SNS::Subscription': 'first 1,000 emails free',
  'AWS::S3::BucketPolicy': 'free',
  'AWS::RDS::DBParameterGroup': 'free',
  'AWS::RDS::DBSubnetGroup': 'free',
  'AWS::SecretsManager::SecretTargetAttachment': 'free',
  'AWS::SecretsManager::RotationSchedule': 'rotation Lambda: inside the free tier',
  'AWS::SecretsManager::ResourcePolicy': 'free',
  'AWS::Serverless::Application':
    'the rotation function (AWS Serverless Application Repository): a few invocations a month, inside the Lambda free tier',
  'AWS::EFS::MountTarget': 'free',
  'AWS::EFS::AccessPoint': 'free',
  'AWS::WAFv2::WebACLAssociation': 'free',
  'AWS::WAFv2::LoggingConfiguration': 'priced as CloudWatch Logs ingestion',
  'AWS::KMS::Alias': 'free',
  'AWS::ECR::RegistryPolicy': 'free',
  'AWS::ECR::ReplicationConfiguration': 'replicated storage priced per repository',
  'AWS::CDK::Metadata': 'not a resource',
  'AWS::CloudFormation::CustomResource': 'deploy-time Lambda invocation',
  'AWS::CloudFormation::WaitConditionHandle': 'free',
  'AWS::Scheduler::Schedule':
    'office hours: about 22 invocations a month each, at $1.00 per million invocations: under a cent',
};

function noCharge(type: string): string | undefined {
  if (type.startsWith('AWS::IAM::')) return 'IAM is free';
  if (type.startsWith('Custom::')) return 'deploy-time Lambda invocation';
  return NO_CHARGE[type];
}

interface Context {
  readonly stack: StackInfo;
  readonly prices: PriceTable;
  readonly assumptions: CostAssumptions;
  readonly add: (line: Omit<CostLine, 'stack' | 'monthly'> & { monthly: number }) => void;
  /** A resource the pricer met but could not price (an instance class missing from the table). */
  readonly unpriced: (type: string) => void;
}

type Pricer = (resources: NamedResource[], ctx: Context) => void;

const usd = (n: number) => `$${n < 0.1 ? n.toFixed(4).replace(/0+$/, '') : n.toFixed(n < 1 ? 3 : 2)}`;

function hourly(ctx: Context, count: number, price: number) {
  return {
    monthly: count * price * ctx.prices.hoursPerMonth,
    detail: `${count} × ${ctx.prices.hoursPerMonth} h × ${usd(price)}/h`,
  };
}

/** Every price table bills 730 hours a month (365 × 24 / 12). */
const HOURS_PER_MONTH = 730;

/** `, office hours: 222.7 h of 730` for a scheduled resource, nothing for an always-on one. */
function officeHours(scheduled: OfficeHoursUse | undefined): string {
  return scheduled ? `, office hours: ${hoursOf(scheduled, HOURS_PER_MONTH)}` : '';
}

/** Hours as the detail column writes them: `730 h`, or `222.7 h (MON-FRI 07:50-18:05 Europe/London)`. */
function hoursDetail(scheduled: OfficeHoursUse | undefined): string {
  return scheduled ? `${round(scheduled.hours, 1)} h (${scheduled.window})` : `${HOURS_PER_MONTH} h`;
}

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

const fargate: Pricer = (services, ctx) => {
  const { prices } = ctx.prices;
  for (const s of ecsServices(ctx.stack.template).filter((x) =>
    services.some((r) => r.logicalId === x.service.logicalId),
  )) {
    const vcpu = s.cpuUnits / 1024;
    const gb = s.memoryMiB / 1024;
    const perTaskHour =
      vcpu * prices.fargateVcpuHour[s.architecture] + gb * prices.fargateGbHour[s.architecture];
    const blend = 1 - s.spotShare + s.spotShare * prices.fargateSpotFactor;
    const monthly = s.tasks * perTaskHour * blend * s.hours;
    ctx.add({
      item: `Fargate ${s.name}: ${s.tasks} task${s.tasks === 1 ? '' : 's'} × ${vcpu} vCPU / ${gb} GB ${s.architecture === 'ARM64' ? 'ARM' : 'x86'}, ${Math.round(s.spotShare * 100)}% Spot${officeHours(s.scheduled)}`,
      resourceType: 'AWS::ECS::Service',
      detail: `${s.tasks} × ${hoursDetail(s.scheduled)} × (${vcpu} × ${usd(prices.fargateVcpuHour[s.architecture])} + ${gb} × ${usd(prices.fargateGbHour[s.architecture])})${s.spotShare > 0 ? ` × (${round(1 - s.spotShare, 3)} + ${round(s.spotShare, 3)} × Spot ${prices.fargateSpotFactor})` : ''}`,
      monthly,
      estimatedPrice:
        isEstimate(ctx.prices, 'fargateVcpuHour') ||
        isEstimate(ctx.prices, 'fargateGbHour') ||
        (s.spotShare > 0 && isEstimate(ctx.prices, 'fargateSpotFactor')),
    });
  }
};

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

const natGateway: Pricer = (gateways, ctx) => {
  const { prices } = ctx.prices;
  const h = hourly(ctx, gateways.length, prices.natGatewayHour);
  ctx.add({
    item: `NAT gateway${gateways.length === 1 ? '' : 's'} (${gateways.length})`,
    resourceType: 'AWS::EC2::NatGateway',
    ...h,
    estimatedPrice: isEstimate(ctx.prices, 'natGatewayHour'),
  });
  const gib = gateways.length * ctx.assumptions.natGiBPerGatewayMonth;
  ctx.add({
    item: 'NAT gateway data processing',
    resourceType: 'AWS::EC2::NatGateway',
    detail: `${gib} GiB × ${usd(prices.natGatewayGiB)}/GiB`,
    monthly: gib * prices.natGatewayGiB,
    estimatedPrice: isEstimate(ctx.prices, 'natGatewayGiB'),
    assumption: 'natGiBPerGatewayMonth',
  });
};

const ec2Instance: Pricer = (instances, ctx) => {
  const { prices } = ctx.prices;
  for (const i of instances) {
    const type = stringOf(i.Properties?.InstanceType) ?? 'unknown';
    const isNat = i.Properties?.SourceDestCheck === false || i.Properties?.SourceDestCheck === 'false';
    const price = prices.ec2Hour[type];
    if (price === undefined) {
      ctx.unpriced(`AWS::EC2::Instance (${type})`);
      continue;
    }
    // Office hours: a stopped instance bills no instance hours (its volume is billed all the same).
    const scheduled = instanceOfficeHours(i, ctx.stack.template, HOURS_PER_MONTH);
    ctx.add({
      item: `${isNat ? 'NAT instance' : 'EC2 instance'} ${type}${officeHours(scheduled)}`,
      resourceType: 'AWS::EC2::Instance',
      ...(scheduled
        ? { monthly: price * scheduled.hours, detail: `1 × ${hoursDetail(scheduled)} × ${usd(price)}/h` }
        : hourly(ctx, 1, price)),
      estimatedPrice: isEstimate(ctx.prices, `ec2Hour.${type}`),
    });
    const volumes = (i.Properties?.BlockDeviceMappings ?? []) as { Ebs?: { VolumeSize?: unknown } }[];
    const gb = volumes.reduce((sum, v) => sum + (numberOf(v.Ebs?.VolumeSize) ?? 8), 0) || 8;
    ctx.add({
      item: `EBS gp3 root volume (${gb} GB)`,
      resourceType: 'AWS::EC2::Instance',
      detail: `${gb} GB × ${usd(prices.ebsGp3GbMonth)}/GB-month`,
      monthly: gb * prices.ebsGp3GbMonth,
      estimatedPrice: isEstimate(ctx.prices, 'ebsGp3GbMonth'),
    });
  }
};

const loadBalancer: Pricer = (lbs, ctx) => {
  const { prices } = ctx.prices;
  for (const lb of lbs) {
    const type = stringOf(lb.Properties?.Type) ?? 'application';
    if (type !== 'application') {
      ctx.unpriced(`AWS::ElasticLoadBalancingV2::LoadBalancer (${type})`);
      continue;
    }
    ctx.add({
      item: 'Application Load Balancer',
      resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      ...hourly(ctx, 1, prices.albHour),
      estimatedPrice: isEstimate(ctx.prices, 'albHour'),
    });
    ctx.add({
      item: `ALB capacity (${ctx.assumptions.albLcu} LCU average)`,
      resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
      detail: `${ctx.assumptions.albLcu} LCU × 730 h × ${usd(prices.albLcuHour)}/LCU-h`,
      monthly: ctx.assumptions.albLcu * ctx.prices.hoursPerMonth * prices.albLcuHour,
      estimatedPrice: isEstimate(ctx.prices, 'albLcuHour'),
      assumption: 'albLcu',
    });
  }
};

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

const rdsInstance: Pricer = (instances, ctx) => {
  const { prices } = ctx.prices;
  for (const db of instances) {
    const cls = stringOf(db.Properties?.DBInstanceClass) ?? 'unknown';
    const engine = stringOf(db.Properties?.Engine) ?? 'postgres';
    const multiAz = db.Properties?.MultiAZ === true || db.Properties?.MultiAZ === 'true';
    const factor = multiAz ? prices.rdsMultiAzFactor : 1;
    const price = engine === 'postgres' ? prices.rdsPostgresHour[cls] : undefined;
    if (price === undefined) {
      ctx.unpriced(`AWS::RDS::DBInstance (${engine} ${cls})`);
      continue;
    }
    // Office hours: a stopped instance bills no instance hours; its storage (next line) is billed all month.
    const scheduled = instanceOfficeHours(db, ctx.stack.template, HOURS_PER_MONTH);
    ctx.add({
      item: `RDS PostgreSQL ${cls}${multiAz ? ' Multi-AZ' : ' single-AZ'}${officeHours(scheduled)}`,
      resourceType: 'AWS::RDS::DBInstance',
      detail: `${hoursDetail(scheduled)} × ${usd(price)}/h${multiAz ? ` × ${factor} (Multi-AZ)` : ''}`,
      monthly: price * factor * (scheduled ? scheduled.hours : ctx.prices.hoursPerMonth),
      estimatedPrice: isEstimate(ctx.prices, `rdsPostgresHour.${cls}`),
    });
    const gb = numberOf(db.Properties?.AllocatedStorage) ?? 20;
    ctx.add({
      item: `RDS gp3 storage (${gb} GB${multiAz ? ', Multi-AZ' : ''})`,
      resourceType: 'AWS::RDS::DBInstance',
      detail: `${gb} GB × ${usd(prices.rdsGp3GbMonth)}/GB-month${multiAz ? ` × ${factor}` : ''} (backups up to the database size are free)`,
      monthly: gb * prices.rdsGp3GbMonth * factor,
      estimatedPrice: isEstimate(ctx.prices, 'rdsGp3GbMonth'),
    });
  }
};

const perUnitMonthly =
  (item: (n: number) => string, key: keyof PriceTable['prices'], type: string): Pricer =>
  (resources, ctx) => {
    const price = ctx.prices.prices[key] as number;
    ctx.add({
      item: item(resources.length),
      resourceType: type,
      detail: `${resources.length} × ${usd(price)}/month`,
      monthly: resources.length * price,
      estimatedPrice: isEstimate(ctx.prices, key),
    });
  };

/** Where a log group's data comes from, and how many GiB a month that is assumed to be. */
function logIngestion(group: NamedResource, ctx: Context): { gib: number; source: string } {
  const template = ctx.stack.template;
  const a = ctx.assumptions;
  const name = stringOf(group.Properties?.LogGroupName) ?? '';
  const usedBy = (type: string) =>
    resourcesOf(template, type).filter((r) => referencesIn(r.Properties).has(group.logicalId));
  const taskDefs = usedBy('AWS::ECS::TaskDefinition').map((t) => t.logicalId);
  if (taskDefs.length > 0) {
    const services = ecsServices(template).filter((s) =>
      taskDefs.includes(referencedId(s.service.Properties?.TaskDefinition) ?? ''),
    );
    const tasks = services.reduce((n, s) => n + s.tasks, 0);
    // Tasks log while they run: under office hours, for their share of the month.
    const taskMonths = services.reduce((n, s) => n + (s.tasks * s.hours) / HOURS_PER_MONTH, 0);
    const share =
      tasks > 0 && taskMonths < tasks ? ` (${Math.round((taskMonths / tasks) * 100)}% of the month)` : '';
    return {
      gib: round(taskMonths * a.logGiBPerTaskMonth, 3),
      source: `${tasks} task${tasks === 1 ? '' : 's'}${share}`,
    };
  }
  if (usedBy('AWS::EC2::FlowLog').length > 0) return { gib: a.flowLogGiBMonth, source: 'VPC flow logs' };
  if (name.startsWith('aws-waf-logs-')) return { gib: a.wafLogGiBMonth, source: 'WAF logs' };
  if (usedBy('AWS::CloudTrail::Trail').length > 0) return { gib: a.trailLogGiBMonth, source: 'CloudTrail' };
  return { gib: 0, source: 'function logs (negligible)' };
}

const logGroups: Pricer = (groups, ctx) => {
  const { prices } = ctx.prices;
  let ingest = 0;
  let stored = 0;
  const sources: string[] = [];
  for (const g of groups) {
    const { gib, source } = logIngestion(g, ctx);
    if (gib === 0) continue;
    const days = numberOf(g.Properties?.RetentionInDays);
    const months = days === undefined ? ctx.assumptions.neverExpireLogMonths : days / 30;
    ingest += gib;
    stored += gib * months;
    sources.push(`${source} ${gib} GiB`);
  }
  if (ingest === 0) return;
  ctx.add({
    item: `CloudWatch Logs ingestion (${round(ingest, 2)} GiB/month)`,
    resourceType: 'AWS::Logs::LogGroup',
    detail: `${sources.join(' + ')} × ${usd(prices.logsIngestGb)}/GB`,
    monthly: ingest * prices.logsIngestGb,
    estimatedPrice: isEstimate(ctx.prices, 'logsIngestGb'),
    assumption: 'logGiBPerTaskMonth',
  });
  ctx.add({
    item: `CloudWatch Logs storage (${round(stored, 1)} GiB at steady state)`,
    resourceType: 'AWS::Logs::LogGroup',
    detail: `monthly GiB × retention months × ${usd(prices.logsStorageGbMonth)}/GB-month`,
    monthly: stored * prices.logsStorageGbMonth,
    estimatedPrice: isEstimate(ctx.prices, 'logsStorageGbMonth'),
    assumption: 'logGiBPerTaskMonth',
  });
};

const webAcl: Pricer = (acls, ctx) => {
  const { prices } = ctx.prices;
  for (const acl of acls) {
    const rules = ((acl.Properties?.Rules ?? []) as unknown[]).length;
    ctx.add({
      item: `WAF web ACL + ${rules} rules`,
      resourceType: 'AWS::WAFv2::WebACL',
      detail: `${usd(prices.wafWebAclMonth)} + ${rules} × ${usd(prices.wafRuleMonth)}`,
      monthly: prices.wafWebAclMonth + rules * prices.wafRuleMonth,
      estimatedPrice: false,
    });
    ctx.add({
      item: `WAF requests (${ctx.assumptions.wafMillionRequestsMonth} million)`,
      resourceType: 'AWS::WAFv2::WebACL',
      detail: `${ctx.assumptions.wafMillionRequestsMonth} M × ${usd(prices.wafMillionRequests)}/M`,
      monthly: ctx.assumptions.wafMillionRequestsMonth * prices.wafMillionRequests,
      estimatedPrice: false,
      assumption: 'wafMillionRequestsMonth',
    });
  }
};

const storage =
  (
    item: string,
    key: 'efsStandardGbMonth' | 'ecrGbMonth' | 's3GbMonth',
    assumption: keyof CostAssumptions,
    type: string,
  ): Pricer =>
  (resources, ctx) => {
    const gib = resources.length * (ctx.assumptions[assumption] as number);
    const price = ctx.prices.prices[key];
    ctx.add({
      item: `${item} (${resources.length} × ${ctx.assumptions[assumption]} GiB)`,
      resourceType: type,
      detail: `${gib} GiB × ${usd(price)}/GB-month`,
      monthly: gib * price,
      estimatedPrice: isEstimate(ctx.prices, key),
      assumption,
    });
  };

const vpcEndpoint: Pricer = (endpoints, ctx) => {
  const iface = endpoints.filter((e) => e.Properties?.VpcEndpointType === 'Interface');
  if (iface.length === 0) return;
  const azs = iface.reduce(
    (n, e) => n + ((e.Properties?.SubnetIds as unknown[] | undefined)?.length ?? 1),
    0,
  );
  ctx.add({
    item: `Interface VPC endpoints (${iface.length}, ${azs} endpoint-AZs)`,
    resourceType: 'AWS::EC2::VPCEndpoint',
    ...hourly(ctx, azs, ctx.prices.prices.interfaceEndpointHour),
    estimatedPrice: isEstimate(ctx.prices, 'interfaceEndpointHour'),
  });
};

const trail: Pricer = (trails, ctx) => {
  ctx.add({
    item: `CloudTrail trail${trails.length === 1 ? '' : 's'} (${trails.length}, management events)`,
    resourceType: 'AWS::CloudTrail::Trail',
    detail:
      'the first copy of management events is free; storage and log delivery are priced on their own lines',
    monthly: 0,
    estimatedPrice: false,
  });
};

const PRICERS: Readonly<Record<string, Pricer>> = {
  'AWS::ECS::Service': fargate,
  'AWS::EC2::NatGateway': natGateway,
  'AWS::EC2::Instance': ec2Instance,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancer,
  'AWS::RDS::DBInstance': rdsInstance,
  'AWS::EFS::FileSystem': storage(
    'EFS Standard storage',
    'efsStandardGbMonth',
    'efsGiB',
    'AWS::EFS::FileSystem',
  ),
  'AWS::ECR::Repository': storage('ECR image storage', 'ecrGbMonth', 'ecrGiB', 'AWS::ECR::Repository'),
  'AWS::S3::Bucket': storage('S3 storage', 's3GbMonth', 's3GiB', 'AWS::S3::Bucket'),
  'AWS::CloudWatch::Alarm': perUnitMonthly(
    (n) => `CloudWatch alarms (${n})`,
    'cloudWatchAlarmMonth',
    'AWS::CloudWatch::Alarm',
  ),
  // Dashboards are charged at the list price. AWS's always-free tier covers 3 dashboards (of up to
  // 50 metrics each) a month, but per bill, not per account: under consolidated billing (AWS
  // Organizations, which Slipway's one-account-per-stage layout implies) AWS treats every account
  // of the organization as one account for billing, so dev's, test's, staging's and prod's
  // dashboards (and any other workload's) share those three. Which dashboards end up free depends
  // on the whole bill, which the templates of one environment cannot see; counting dev's as free
  // because its account holds only two would understate a bill that has four.
  'AWS::CloudWatch::Dashboard': perUnitMonthly(
    (n) => `CloudWatch dashboard${n === 1 ? '' : 's'} (${n})`,
    'cloudWatchDashboardMonth',
    'AWS::CloudWatch::Dashboard',
  ),
  'AWS::Logs::LogGroup': logGroups,
  'AWS::SecretsManager::Secret': perUnitMonthly(
    (n) => `Secrets Manager secret${n === 1 ? '' : 's'} (${n})`,
    'secretMonth',
    'AWS::SecretsManager::Secret',
  ),
  'AWS::KMS::Key': perUnitMonthly(
    (n) => `KMS key${n === 1 ? '' : 's'} (${n})`,
    'kmsKeyMonth',
    'AWS::KMS::Key',
  ),
  'AWS::WAFv2::WebACL': webAcl,
  'AWS::CloudTrail::Trail': trail,
  'AWS::ServiceDiscovery::PrivateDnsNamespace': perUnitMonthly(
    (n) => `Cloud Map private DNS namespace (${n} hosted zone${n === 1 ? '' : 's'})`,
    'hostedZoneMonth',
    'AWS::ServiceDiscovery::PrivateDnsNamespace',
  ),
  'AWS::ServiceDiscovery::Service': perUnitMonthly(
    (n) => `Cloud Map registered instance${n === 1 ? '' : 's'} (${n})`,
    'cloudMapInstanceMonth',
    'AWS::ServiceDiscovery::Service',
  ),
  'AWS::EC2::VPCEndpoint': vpcEndpoint,
};

/**
 * The monthly cost of a group of stacks (one environment, or the account-level stacks of one
 * account) in one region, from the synthesized templates and the committed price table. Every
 * resource is priced by its CloudFormation type, so resources added later are priced as they
 * appear; a type with no price is listed as unpriced, never ignored.
 */
export function estimateCost(
  stacks: readonly StackInfo[],
  options: { region?: string; assumptions?: Partial<CostAssumptions>; prices?: PriceTable } = {},
): CostEstimate {
  const region = options.region ?? stacks[0]?.region ?? 'us-east-1';
  const prices = options.prices ?? priceTable(region);
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  if (!prices) {
    return {
      region,
      currency: 'USD',
      lines: [],
      total: 0,
      unpriced: [
        {
          resourceType: '*',
          count: stacks.reduce((n, s) => n + Object.keys(s.template.Resources ?? {}).length, 0),
          stacks: stacks.map((s) => s.stackName),
          reason: `no price table for ${region} in cli/src/pricing/`,
        },
      ],
      assumptions,
      priceTable: { region, asOf: '-', source: '-' },
      estimatedShare: 0,
    };
  }
  const lines: CostLine[] = [];
  const unpriced = new Map<string, Unpriced>();
  const unpricedExtra: { type: string; stack: string }[] = [];
  for (const stack of stacks) {
    const ctx: Context = {
      stack,
      prices,
      assumptions,
      add: (line) =>
        lines.push({ ...line, stack: stack.stackName, monthly: Math.round(line.monthly * 100) / 100 }),
      unpriced: (type) => unpricedExtra.push({ type, stack: stack.stackName }),
    };
    const byType = new Map<string, NamedResource[]>();
    for (const r of resourcesOf(stack.template)) byType.set(r.Type, [...(byType.get(r.Type) ?? []), r]);
    for (const [type, resources] of byType) {
      const pricer = PRICERS[type];
      if (pricer) pricer(resources, ctx);
      else if (!noCharge(type)) {
        const u = unpriced.get(type) ?? {
          resourceType: type,
          count: 0,
          stacks: [],
          reason: 'no price in the model',
        };
        unpriced.set(type, {
          ...u,
          count: u.count + resources.length,
          stacks: [...new Set([...u.stacks, stack.stackName])],
        });
      }
    }
    const ips = publicIpv4Count(stack.template);
    if (ips.count > 0) {
      const price = prices.prices.publicIpv4Hour;
      const partial = ips.hours.filter((h) => h !== HOURS_PER_MONTH);
      ctx.add({
        item: `Public IPv4 addresses (${ips.count}: ${ips.parts.join(', ')})`,
        resourceType: 'AWS::EC2::EIP',
        ...(partial.length === 0
          ? hourly(ctx, ips.count, price)
          : {
              monthly: ips.hours.reduce((n, h) => n + h, 0) * price,
              detail: `(${[
                ...(ips.count > partial.length
                  ? [`${ips.count - partial.length} × ${HOURS_PER_MONTH} h`]
                  : []),
                ...partial.map((h) => `1 × ${round(h, 1)} h`),
              ].join(' + ')}) × ${usd(price)}/h`,
            }),
        estimatedPrice: false,
      });
    }
  }
  for (const extra of unpricedExtra) {
    const u = unpriced.get(extra.type) ?? {
      resourceType: extra.type,
      count: 0,
      stacks: [],
      reason: 'not in the price table',
    };
    unpriced.set(extra.type, { ...u, count: u.count + 1, stacks: [...new Set([...u.stacks, extra.stack])] });
  }
  const cents = lines.reduce((n, l) => n + Math.round(l.monthly * 100), 0);
  const estimatedCents = lines
    .filter((l) => l.estimatedPrice)
    .reduce((n, l) => n + Math.round(l.monthly * 100), 0);
  return {
    region,
    currency: 'USD',
    lines,
    total: cents / 100,
    unpriced: [...unpriced.values()],
    assumptions,
    priceTable: { region: prices.region, asOf: prices.asOf, source: prices.source },
    estimatedShare: cents === 0 ? 0 : estimatedCents / cents,
  };
}
