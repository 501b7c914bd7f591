import type { StackInfo } from '../synth/synthesize.ts';
import {
  type NamedResource,
  referencesIn,
  resourcesOf,
  shortName,
  ssmReads,
  ssmWrites,
  stringOf,
} from '../synth/template.ts';

/**
 * A mermaid diagram of one environment, generated from its synthesized templates (never drawn by
 * hand): a subgraph per stack; the resources that shape the architecture as nodes (VPC, subnets,
 * NAT, load balancer, listeners and rules, target groups, ECS services, database, file system,
 * WAF, alarms...); every other resource counted in one "supporting" node per stack so nothing is
 * left out; references inside a stack as edges; and the SSM parameters one stack writes and
 * another reads as dotted edges between stacks.
 */

/** Types drawn as their own node, with the label prefix they get. */
const SHOWN: Readonly<Record<string, string>> = {
  'AWS::EC2::VPC': 'VPC',
  'AWS::EC2::InternetGateway': 'Internet gateway',
  'AWS::EC2::NatGateway': 'NAT gateway',
  'AWS::EC2::Instance': 'EC2 instance',
  'AWS::EC2::VPCEndpoint': 'VPC endpoint',
  'AWS::EC2::FlowLog': 'Flow log',
  'AWS::ServiceDiscovery::PrivateDnsNamespace': 'Cloud Map namespace',
  'AWS::ServiceDiscovery::Service': 'Cloud Map service',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Load balancer',
  'AWS::ElasticLoadBalancingV2::Listener': 'Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule': 'Listener rule',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Target group',
  'AWS::WAFv2::WebACL': 'WAF web ACL',
  'AWS::CloudFront::Distribution': 'CloudFront (HTTPS)',
  'AWS::CloudFront::VpcOrigin': 'CloudFront VPC origin',
  'AWS::ECS::Cluster': 'ECS cluster',
  'AWS::ECS::Service': 'ECS service',
  'AWS::ECS::TaskDefinition': 'Task definition',
  'AWS::RDS::DBInstance': 'RDS',
  'AWS::EFS::FileSystem': 'EFS',
  'AWS::SecretsManager::Secret': 'Secret',
  'AWS::SNS::Topic': 'SNS topic',
  'AWS::CloudWatch::Dashboard': 'Dashboard',
  'AWS::CloudTrail::Trail': 'CloudTrail',
  'AWS::ECR::Repository': 'ECR repository',
  'AWS::S3::Bucket': 'S3 bucket',
  'AWS::KMS::Key': 'KMS key',
};

/** Types counted into one node per stack (many of a kind, one meaning). */
const GROUPED: Readonly<Record<string, string>> = {
  'AWS::EC2::Subnet': 'subnets',
  'AWS::SSM::Parameter': 'SSM parameters',
  'AWS::CloudWatch::Alarm': 'CloudWatch alarms',
  'AWS::Logs::LogGroup': 'log groups',
};

/** Traffic order: an edge between two of these goes from the earlier to the later one. */
const TRAFFIC = [
  'AWS::CloudFront::Distribution',
  'AWS::CloudFront::VpcOrigin',
  'AWS::WAFv2::WebACL',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::ECS::Service',
];

const label = (text: string) => `"${text.replace(/"/g, '#quot;')}"`;
const idOf = (...parts: string[]) => parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');

interface Node {
  readonly id: string;
  readonly text: string;
  readonly shape: 'box' | 'round' | 'db' | 'stadium';
}

export interface DiagramOptions {
  /** The environment's parameter root, e.g. `/slipway/dev`, to shorten SSM labels. */
  readonly parameterPath?: string;
}

function subnetKind(r: NamedResource): string {
  const tags = (r.Properties?.Tags ?? []) as { Key?: string; Value?: string }[];
  return (tags.find((t) => t.Key === 'aws-cdk:subnet-type')?.Value ?? 'other').toLowerCase();
}

function describe(r: NamedResource): string {
  const p = r.Properties ?? {};
  const prefix = SHOWN[r.Type] ?? r.Type;
  switch (r.Type) {
    case 'AWS::EC2::VPC':
      return `${prefix} ${stringOf(p.CidrBlock) ?? ''}`.trim();
    case 'AWS::EC2::Instance':
      return `${p.SourceDestCheck === false ? 'NAT instance' : prefix} ${stringOf(p.InstanceType) ?? ''}`.trim();
    case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
      return `ALB ${stringOf(p.Scheme) ?? ''}`.trim();
    case 'AWS::ElasticLoadBalancingV2::Listener':
      return `${prefix} ${stringOf(p.Protocol) ?? ''}:${String(p.Port ?? '')}`;
    case 'AWS::ElasticLoadBalancingV2::ListenerRule':
      return `${prefix} ${shortName(r.logicalId)} (priority ${String(p.Priority ?? '?')})`;
    case 'AWS::ECS::Service':
      return `${prefix} ${shortName(r.logicalId).replace(/Service$/, '') || 'service'}`;
    case 'AWS::RDS::DBInstance':
      return `${prefix} ${stringOf(p.Engine) ?? ''} ${stringOf(p.EngineVersion) ?? ''} ${stringOf(p.DBInstanceClass) ?? ''}${p.MultiAZ === true ? ' Multi-AZ' : ''}`.replace(
        /\s+/g,
        ' ',
      );
    case 'AWS::EC2::VPCEndpoint':
      return `${prefix} ${stringOf(p.VpcEndpointType) ?? ''} ${shortName(r.logicalId)}`;
    default:
      return `${prefix} ${shortName(r.logicalId)}`;
  }
}

function shapeOf(type: string): Node['shape'] {
  if (type === 'AWS::RDS::DBInstance' || type === 'AWS::EFS::FileSystem' || type === 'AWS::S3::Bucket')
    return 'db';
  if (type === 'AWS::ECS::Service') return 'round';
  return 'box';
}

function render(node: Node): string {
  const l = label(node.text);
  switch (node.shape) {
    case 'db':
      return `${node.id}[(${l})]`;
    case 'round':
      return `${node.id}(${l})`;
    case 'stadium':
      return `${node.id}([${l}])`;
    default:
      return `${node.id}[${l}]`;
  }
}

/** The mermaid source of one environment's diagram (deterministic for the same templates). */
export function mermaid(stacks: readonly StackInfo[], options: DiagramOptions = {}): string {
  const lines: string[] = ['flowchart LR', '  internet((Internet))'];
  const edges = new Set<string>();
  // Where each resource is drawn: its own node, a group node, or the stack's supporting node.
  const nodeOf = new Map<string, string>();
  const writers = new Map<string, { stack: string; node: string }>();
  const shorten = (name: string) =>
    options.parameterPath && name.startsWith(`${options.parameterPath}/`)
      ? name.slice(options.parameterPath.length + 1)
      : name;

  for (const stack of stacks) drawStack(stack, lines, nodeOf, writers);
  for (const stack of stacks) linkStack(stack, nodeOf, writers, edges, shorten);
  return [...lines, ...[...edges]].join('\n');
}

/** Where each resource is drawn: its own node, a group node, or the stack's supporting node. */
type NodeMap = Map<string, string>;
/** The group node of each SSM parameter name, and the stack that writes it. */
type Writers = Map<string, { stack: string; node: string }>;

/** A stack's subgraph: shown resources, grouped resources, and one node for the supporting rest. */
function drawStack(stack: StackInfo, lines: string[], nodeOf: NodeMap, writers: Writers): void {
  const sid = idOf(stack.stackName);
  lines.push(`  subgraph ${sid}[${label(stack.stackName)}]`);
  const resources = resourcesOf(stack.template);
  const supporting = new Map<string, number>();
  const groups = new Map<string, NamedResource[]>();
  for (const r of resources) {
    const key = `${stack.stackName}/${r.logicalId}`;
    if (SHOWN[r.Type]) {
      const node: Node = { id: idOf(sid, r.logicalId), text: describe(r), shape: shapeOf(r.Type) };
      lines.push(`    ${render(node)}`);
      nodeOf.set(key, node.id);
    } else if (GROUPED[r.Type]) {
      const g = r.Type === 'AWS::EC2::Subnet' ? `${r.Type}/${subnetKind(r)}` : r.Type;
      groups.set(g, [...(groups.get(g) ?? []), r]);
    } else {
      supporting.set(r.Type, (supporting.get(r.Type) ?? 0) + 1);
      nodeOf.set(key, idOf(sid, 'supporting'));
    }
  }
  for (const [g, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [type, kind] = g.split('/');
    const id = idOf(sid, type === 'AWS::EC2::Subnet' ? `subnets_${kind}` : (GROUPED[type ?? ''] ?? g));
    const text =
      type === 'AWS::EC2::Subnet'
        ? `${members.length} ${kind} subnets`
        : `${members.length} ${GROUPED[type ?? ''] ?? type}`;
    lines.push(`    ${render({ id, text, shape: type === 'AWS::SSM::Parameter' ? 'stadium' : 'box' })}`);
    for (const m of members) nodeOf.set(`${stack.stackName}/${m.logicalId}`, id);
    if (type === 'AWS::SSM::Parameter') {
      for (const name of ssmWrites(stack.template).values())
        writers.set(name, { stack: stack.stackName, node: id });
    }
  }
  if (supporting.size > 0) {
    const text = [...supporting]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, n]) => `${n} ${type.replace(/^AWS::/, '')}`)
      .join('<br/>');
    lines.push(`    ${idOf(sid, 'supporting')}[${label(`supporting:<br/>${text}`)}]`);
  }
  lines.push('  end');
}

/** A stack's edges: references inside it, internet entry points, and SSM reads of other stacks' values. */
function linkStack(
  stack: StackInfo,
  nodeOf: NodeMap,
  writers: Writers,
  edges: Set<string>,
  shorten: (name: string) => string,
): void {
  const reads = ssmReads(stack.template);
  const readEdges = new Map<string, string[]>();
  for (const r of resourcesOf(stack.template)) {
    const from = nodeOf.get(`${stack.stackName}/${r.logicalId}`);
    if (!from) continue;
    for (const ref of [...referencesIn(r.Properties)].sort()) {
      const to = nodeOf.get(`${stack.stackName}/${ref}`);
      if (to && to !== from) {
        const forward =
          TRAFFIC.includes(r.Type) && TRAFFIC.includes(stack.template.Resources?.[ref]?.Type ?? '')
            ? TRAFFIC.indexOf(r.Type) < TRAFFIC.indexOf(stack.template.Resources?.[ref]?.Type ?? '')
            : true;
        edges.add(forward ? `  ${from} --> ${to}` : `  ${to} --> ${from}`);
      }
      const ssm = reads.get(ref);
      const writer = ssm ? writers.get(ssm) : undefined;
      if (ssm && writer && writer.stack !== stack.stackName) {
        const k = `${writer.node}|${from}`;
        readEdges.set(k, [...new Set([...(readEdges.get(k) ?? []), shorten(ssm)])]);
      }
    }
    if (r.Type === 'AWS::EC2::InternetGateway' || r.Type === 'AWS::CloudFront::Distribution')
      edges.add(`  internet --> ${from}`);
    if (r.Type === 'AWS::ElasticLoadBalancingV2::LoadBalancer' && r.Properties?.Scheme !== 'internal') {
      edges.add(`  internet --> ${from}`);
    }
  }
  for (const [k, names] of [...readEdges].sort(([a], [b]) => a.localeCompare(b))) {
    const [writer, reader] = k.split('|');
    const sorted = names.sort();
    const text =
      sorted.length > 2 ? `${sorted.slice(0, 2).join(', ')} +${sorted.length - 2}` : sorted.join(', ');
    edges.add(`  ${writer} -.->|${label(`SSM ${text}`)}| ${reader}`);
  }
}

/** The generated markdown file for one environment (`docs/generated/<env>.md`). */
export function diagramDocument(
  environment: string,
  stacks: readonly StackInfo[],
  options: DiagramOptions = {},
) {
  const counts = stacks.map(
    (s) => `| ${s.stackName} | ${s.region} | ${Object.keys(s.template.Resources ?? {}).length} |`,
  );
  return [
    `<!-- Generated by \`slipway plan ${environment}\` (cli/src/diagram/mermaid.ts) from the synthesized templates. Do not edit: run \`npx slipway plan ${environment}\` to regenerate. -->`,
    '',
    `# ${environment}: architecture`,
    '',
    'Stacks in deploy order (dependencies first). Dotted edges are values passed through SSM',
    'parameters (written by one stack, read by a later one at deploy time).',
    '',
    '| stack | region | resources |',
    '|---|---|---|',
    ...counts,
    '',
    '```mermaid',
    mermaid(stacks, options),
    '```',
    '',
  ].join('\n');
}
