import { LAYERS } from '@slipway/config/contract';
import type { StackInfo } from '../synth/synthesize.ts';
import {
  type NamedResource,
  referencedId,
  referencesIn,
  resourcesOf,
  shortName,
  ssmReads,
  ssmWrites,
  stringOf,
} from '../synth/template.ts';

/*
 * A mermaid diagram of one environment's architecture, generated from its synthesized templates
 * (never drawn by hand), read left to right the way a request travels: Internet → edge (WAF,
 * CloudFront, load balancer) → services (ECS) → data (RDS, EFS), with the network (VPC, NAT) below and
 * monitoring (alarms, their topic, Grafana, logs) in a subgraph of its own. Only the resources
 * that shape the architecture are drawn; the supporting ones (roles, security groups, routes) are
 * counted in `plan`'s resource list. The SSM parameters the stacks pass values through are one
 * node with their count: drawn one edge each, they hid the architecture.
 */

/** A resource with the stack it is in. */
interface Located {
  readonly stack: StackInfo;
  readonly resource: NamedResource;
}

const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
const idOf = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

/** The environment layer a stack belongs to (`<prefix>-<layer>`), if any. */
function layerOf(stack: StackInfo): string | undefined {
  return LAYERS.find((layer) => stack.stackName.endsWith(`-${layer}`));
}

function all(stacks: readonly StackInfo[], type: string): Located[] {
  return stacks.flatMap((stack) =>
    resourcesOf(stack.template, type).map((resource) => ({ stack, resource })),
  );
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function subnetSummary(stacks: readonly StackInfo[]): string {
  const kinds = new Map<string, number>();
  for (const { resource } of all(stacks, 'AWS::EC2::Subnet')) {
    const tags = (resource.Properties?.Tags ?? []) as { Key?: string; Value?: string }[];
    const kind = (tags.find((t) => t.Key === 'aws-cdk:subnet-type')?.Value ?? 'other').toLowerCase();
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  return [...kinds].map(([kind, n]) => `${n} ${kind}`).join(' · ');
}

/** `0.25 vCPU / 0.5 GB` from a task definition's literal Cpu and Memory, when both are literal. */
function taskSize(task: { readonly Properties?: Record<string, unknown> } | undefined): string {
  const cpu = Number(task?.Properties?.Cpu);
  const memory = Number(task?.Properties?.Memory);
  return cpu > 0 && memory > 0 ? `<br/>${cpu / 1024} vCPU / ${memory / 1024} GB` : '';
}

function rdsLabel(r: NamedResource): string {
  const p = r.Properties ?? {};
  const parts = [stringOf(p.Engine), stringOf(p.EngineVersion), stringOf(p.DBInstanceClass)];
  return `RDS ${parts.filter(Boolean).join(' ')}${p.MultiAZ === true ? ' Multi-AZ' : ''}`;
}

/** The data resources (RDS instances, EFS file systems) a logical id stands for, in its stack. */
function dataBehind(stack: StackInfo, id: string, depth = 0): string[] {
  const r = stack.template.Resources?.[id];
  if (!r || depth > 2) return [];
  if (r.Type === 'AWS::RDS::DBInstance' || r.Type === 'AWS::EFS::FileSystem')
    return [idOf(stack.stackName, id)];
  const next =
    r.Type === 'AWS::SecretsManager::SecretTargetAttachment'
      ? referencedId(r.Properties?.TargetId)
      : r.Type === 'AWS::EFS::AccessPoint'
        ? referencedId(r.Properties?.FileSystemId)
        : undefined;
  return next ? dataBehind(stack, next, depth + 1) : [];
}

/**
 * The data a service reaches: what its task definition references in its own stack, and what the
 * SSM parameters it reads stand for in the stack that writes them (the database secret, say).
 */
function dataOf(service: Located, stacks: readonly StackInfo[]): string[] {
  const { stack, resource } = service;
  const taskId = referencedId(resource.Properties?.TaskDefinition);
  const task = taskId ? stack.template.Resources?.[taskId] : undefined;
  const refs = [...referencesIn(task?.Properties), ...referencesIn(resource.Properties)];
  const reads = ssmReads(stack.template);
  const out = new Set<string>();
  for (const ref of refs) {
    for (const d of dataBehind(stack, ref)) out.add(d);
    const name = reads.get(ref);
    if (!name) continue;
    for (const writer of stacks) {
      for (const [paramId, written] of ssmWrites(writer.template)) {
        if (written !== name) continue;
        const value = writer.template.Resources?.[paramId]?.Properties?.Value;
        for (const target of referencesIn(value)) for (const d of dataBehind(writer, target)) out.add(d);
      }
    }
  }
  return [...out].sort();
}

function serviceNode(s: Located): string {
  const taskId = referencedId(s.resource.Properties?.TaskDefinition);
  const task = taskId ? s.stack.template.Resources?.[taskId] : undefined;
  const name = shortName(s.resource.logicalId).replace(/Service$/, '') || 'service';
  return `${idOf(s.stack.stackName, s.resource.logicalId)}(${label(`ECS service ${name}${taskSize(task)}`)})`;
}

function listenersOf(stacks: readonly StackInfo[], alb: Located): string {
  const ports = all(stacks, 'AWS::ElasticLoadBalancingV2::Listener')
    .filter(
      (l) =>
        l.stack === alb.stack &&
        referencedId(l.resource.Properties?.LoadBalancerArn) === alb.resource.logicalId,
    )
    .map(
      (l) =>
        `${stringOf(l.resource.Properties?.Protocol) ?? ''}:${String(l.resource.Properties?.Port ?? '')}`,
    );
  return ports.length ? `<br/>${[...new Set(ports)].sort().join(', ')}` : '';
}

/** The mermaid source of one environment's diagram (deterministic for the same templates). */
export function mermaid(stacks: readonly StackInfo[]): string {
  const lines: string[] = ['flowchart LR', '  internet((Internet))'];
  const edges: string[] = [];
  const node = (l: Located) => idOf(l.stack.stackName, l.resource.logicalId);
  const subgraph = (id: string, title: string, members: string[]) => {
    if (members.length)
      lines.push(`  subgraph ${id}[${label(title)}]`, ...members.map((m) => `    ${m}`), '  end');
  };

  const services = all(stacks, 'AWS::ECS::Service');
  const monitoringServices = services.filter((s) => layerOf(s.stack) === 'observability');
  const appServices = services.filter((s) => !monitoringServices.includes(s));

  drawEdge(stacks, appServices, node, subgraph, edges);

  subgraph('services', 'services (ECS on Fargate)', appServices.map(serviceNode));

  // Data: databases and file systems, with the services that use them.
  const rds = all(stacks, 'AWS::RDS::DBInstance');
  const efs = all(stacks, 'AWS::EFS::FileSystem');
  subgraph('data', 'data', [
    ...rds.map((r) => `${node(r)}[(${label(rdsLabel(r.resource))})]`),
    ...efs.map((f) => `${node(f)}[(${label('EFS file system')})]`),
  ]);
  const drawn = new Set([...rds, ...efs].map(node));
  for (const s of services)
    for (const d of dataOf(s, stacks)) if (drawn.has(d)) edges.push(`  ${node(s)} --> ${d}`);

  drawNetwork(stacks, services.map(node), lines, edges, label);
  drawMonitoring(stacks, monitoringServices, appServices.map(node), lines, edges);

  const parameters = all(stacks, 'AWS::SSM::Parameter').length;
  if (parameters > 0) {
    lines.push(
      `  ssm[[${label(`SSM parameters (${parameters})<br/>ids and endpoints one stack writes, a later one reads`)}]]`,
    );
  }
  return [...lines, ...edges].join('\n');
}

/**
 * The edge: CloudFront (which terminates HTTPS), the WAF web ACL and the load balancers, with the
 * path a request takes from the internet to the services. With CloudFront the load balancer is
 * internal and reached only through CloudFront's VPC origin: Internet → (WAF →) CloudFront → ALB.
 */
function drawEdge(
  stacks: readonly StackInfo[],
  appServices: Located[],
  node: (l: Located) => string,
  subgraph: (id: string, title: string, members: string[]) => void,
  edges: string[],
): void {
  const distributions = all(stacks, 'AWS::CloudFront::Distribution');
  const webAcls = all(stacks, 'AWS::WAFv2::WebACL');
  const albs = all(stacks, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
  const edgeNodes = [
    ...distributions.map((d) => `${node(d)}[${label('CloudFront (HTTPS)')}]`),
    ...webAcls.map((w) => `${node(w)}[${label('WAF web ACL')}]`),
    ...albs.map(
      (a) =>
        `${node(a)}[${label(`ALB ${stringOf(a.resource.Properties?.Scheme) ?? ''}${listenersOf(stacks, a)}`)}]`,
    ),
  ];
  const balanced = appServices.filter((s) => Array.isArray(s.resource.Properties?.LoadBalancers));
  if (albs.length === 0 && balanced.length > 0)
    edgeNodes.push(`shared_alb[${label('listener rule on a shared load balancer')}]`);
  subgraph('edge', 'edge', edgeNodes);
  const entries = albs.length ? albs.map(node) : balanced.length ? ['shared_alb'] : [];
  // Where the internet comes in: CloudFront when there is one, else each internet-facing ALB.
  const fronts = distributions.length
    ? distributions.map(node)
    : entries.filter((e) => !albs.some((a) => node(a) === e && a.resource.Properties?.Scheme === 'internal'));
  for (const front of fronts) {
    if (webAcls.length)
      for (const w of webAcls) edges.push(`  internet --> ${node(w)}`, `  ${node(w)} --> ${front}`);
    else edges.push(`  internet --> ${front}`);
  }
  const reached = distributions.length ? entries : fronts;
  for (const d of distributions) for (const entry of entries) edges.push(`  ${node(d)} --> ${entry}`);
  for (const entry of reached) for (const s of balanced) edges.push(`  ${entry} --> ${node(s)}`);
}

function drawNetwork(
  stacks: readonly StackInfo[],
  services: string[],
  lines: string[],
  edges: string[],
  text: (t: string) => string,
): void {
  const vpcs = all(stacks, 'AWS::EC2::VPC');
  if (vpcs.length === 0) return;
  const members = vpcs.map(
    (v) =>
      `${idOf(v.stack.stackName, v.resource.logicalId)}[${text(`VPC ${stringOf(v.resource.Properties?.CidrBlock) ?? ''}<br/>subnets: ${subnetSummary(stacks)}`)}]`,
  );
  const natInstances = all(stacks, 'AWS::EC2::Instance').filter(
    (i) => i.resource.Properties?.SourceDestCheck === false,
  );
  const natGateways = all(stacks, 'AWS::EC2::NatGateway');
  const nat =
    natInstances.length > 0
      ? `NAT instance ${stringOf(natInstances[0]?.resource.Properties?.InstanceType) ?? ''}`.trim()
      : natGateways.length > 0
        ? count(natGateways.length, 'NAT gateway')
        : '';
  if (nat) members.push(`nat[${text(nat)}]`);
  const endpoints = all(stacks, 'AWS::EC2::VPCEndpoint').length;
  if (endpoints) members.push(`endpoints[${text(count(endpoints, 'VPC endpoint'))}]`);
  if (all(stacks, 'AWS::ServiceDiscovery::PrivateDnsNamespace').length)
    members.push(`namespace[${text('Cloud Map namespace (service discovery)')}]`);
  lines.push(`  subgraph network[${text('network')}]`, ...members.map((m) => `    ${m}`), '  end');
  if (nat) {
    for (const s of services) edges.push(`  ${s} -.->|egress| nat`);
    edges.push('  nat -.-> internet');
  }
}

function drawMonitoring(
  stacks: readonly StackInfo[],
  tools: Located[],
  watched: string[],
  lines: string[],
  edges: string[],
): void {
  const members = tools.map(serviceNode);
  const alarms = all(stacks, 'AWS::CloudWatch::Alarm').length;
  const topics = all(stacks, 'AWS::SNS::Topic');
  const dashboards = all(stacks, 'AWS::CloudWatch::Dashboard').length;
  const logGroups = all(stacks, 'AWS::Logs::LogGroup').length;
  if (alarms) members.push(`alarms[${label(count(alarms, 'CloudWatch alarm'))}]`);
  for (const t of topics)
    members.push(`${idOf(t.stack.stackName, t.resource.logicalId)}[${label('alarm topic (SNS)')}]`);
  if (dashboards) members.push(`dashboards[${label(count(dashboards, 'CloudWatch dashboard'))}]`);
  if (logGroups) members.push(`logs[${label(count(logGroups, 'log group'))}]`);
  if (members.length === 0) return;
  lines.push(`  subgraph monitoring[${label('monitoring')}]`, ...members.map((m) => `    ${m}`), '  end');
  if (alarms) {
    for (const t of topics) edges.push(`  alarms --> ${idOf(t.stack.stackName, t.resource.logicalId)}`);
    for (const w of watched) edges.push(`  alarms -.->|watch| ${w}`);
  }
}
