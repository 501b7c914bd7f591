import { isEstimate, type PriceTable } from '../pricing/index.ts';
import {
  type NamedResource,
  numberOf,
  referencedId,
  referencesIn,
  resourcesOf,
  stringOf,
} from '../synth/template.ts';
import { distribution } from './cloudfront.ts';
import {
  type Context,
  HOURS_PER_MONTH,
  hourly,
  hoursDetail,
  officeHours,
  type Pricer,
  round,
  usd,
} from './context.ts';
import { replicaStorage, replicationTransfer } from './replication.ts';
import { instanceOfficeHours } from './schedule.ts';
import { ecsServices } from './services.ts';
import { finalSnapshot } from './snapshot.ts';
import type { CostAssumptions } from './types.ts';

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
    finalSnapshot(db, gb, ctx);
    enhancedMonitoring(db, ctx);
  }
};

/**
 * RDS Enhanced Monitoring: one sample every MonitoringInterval seconds into the RDSOSMetrics log
 * group (which RDS creates, 30 days' retention), billed as CloudWatch Logs ingestion and storage.
 */
function enhancedMonitoring(db: NamedResource, ctx: Context) {
  const interval = numberOf(db.Properties?.MonitoringInterval) ?? 0;
  if (interval <= 0) return;
  const { prices } = ctx.prices;
  const samples = (ctx.prices.hoursPerMonth * 3600) / interval;
  const gib = round((samples * ctx.assumptions.rdsMonitoringKiBPerSample) / 1024 ** 2, 3);
  ctx.add({
    item: `RDS Enhanced Monitoring (every ${interval} s, ${gib} GiB/month)`,
    resourceType: 'AWS::RDS::DBInstance',
    detail: `${Math.round(samples)} samples × ${ctx.assumptions.rdsMonitoringKiBPerSample} KiB × (${usd(prices.logsIngestGb)}/GB ingested + ${usd(prices.logsStorageGbMonth)}/GB-month kept a month)`,
    monthly: gib * (prices.logsIngestGb + prices.logsStorageGbMonth),
    estimatedPrice: isEstimate(ctx.prices, 'logsIngestGb'),
    assumption: 'rdsMonitoringKiBPerSample',
  });
}

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
function logIngestion(
  group: NamedResource,
  ctx: Context,
): { gib: number; source: string; assumption?: keyof CostAssumptions } {
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
      assumption: 'logGiBPerTaskMonth',
    };
  }
  if (usedBy('AWS::EC2::FlowLog').length > 0)
    return { gib: a.flowLogGiBMonth, source: 'VPC flow logs', assumption: 'flowLogGiBMonth' };
  if (name.startsWith('aws-waf-logs-'))
    return { gib: a.wafLogGiBMonth, source: 'WAF logs', assumption: 'wafLogGiBMonth' };
  if (usedBy('AWS::CloudTrail::Trail').length > 0)
    return { gib: a.trailLogGiBMonth, source: 'CloudTrail', assumption: 'trailLogGiBMonth' };
  return { gib: 0, source: 'function logs (negligible)' };
}

const logGroups: Pricer = (groups, ctx) => {
  const { prices } = ctx.prices;
  let ingest = 0;
  let stored = 0;
  const sources: string[] = [];
  // The volume assumption the lines rest on: the first source's (a stack's log groups are
  // mostly of one kind: tasks, flow logs, or the trail).
  let assumption: keyof CostAssumptions | undefined;
  for (const g of groups) {
    const { gib, source, assumption: used } = logIngestion(g, ctx);
    if (gib === 0) continue;
    assumption ??= used;
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
    assumption: assumption ?? 'logGiBPerTaskMonth',
  });
  ctx.add({
    item: `CloudWatch Logs storage (${round(stored, 1)} GiB at steady state)`,
    resourceType: 'AWS::Logs::LogGroup',
    detail: `monthly GiB × retention months × ${usd(prices.logsStorageGbMonth)}/GB-month`,
    monthly: stored * prices.logsStorageGbMonth,
    estimatedPrice: isEstimate(ctx.prices, 'logsStorageGbMonth'),
    assumption: assumption ?? 'logGiBPerTaskMonth',
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
/** The pricer of each CloudFormation type that has a price. */
export const PRICERS: Readonly<Record<string, Pricer>> = {
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
  'AWS::CloudFront::Distribution': distribution,
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
  'AWS::ECR::ReplicationConfiguration': replicationTransfer,
  'AWS::ECR::RepositoryCreationTemplate': replicaStorage,
};
