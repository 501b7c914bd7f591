import { readFileSync } from 'node:fs';
import {
  availabilityZones,
  REGIONS,
  type Region,
  type ResolvedEnvironment,
  type ResolvedRegistry,
  resolveRegistry,
  type SlipwayConfig,
} from '@slipway/config';
import {
  accountStackName,
  EDGE_REGION,
  edgeStackNeeded,
  monitoringName,
  resolveTarget,
  stackName,
} from '@slipway/config/contract';
import { App, type AppProps, type Stack, Tags } from 'aws-cdk-lib';
import { encryptLogGroups, logsKeyRemoval } from './constructs/guardrails/log-encryption.ts';
import { acknowledgeControls } from './policy/control-tower/acknowledgements.ts';
import { AuditStack } from './stacks/audit-stack.ts';
import { addCiAccessStacks } from './stacks/ci-access-stack.ts';
import { DataStack } from './stacks/data-stack.ts';
import { EdgeStack } from './stacks/edge-stack.ts';
import { NetworkStack } from './stacks/network-stack.ts';
import { ObservabilityStack } from './stacks/observability-stack.ts';
import { addRegistryReplicaStacks } from './stacks/registry-replica-stack.ts';
import { addRegistryStack } from './stacks/registry-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

/** The feature flags of `infra/cdk.json`, so tests and the CLI synthesize exactly what `cdk` would. */
export function cdkContext(): Record<string, unknown> {
  const file = new URL('../cdk.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { context: Record<string, unknown> }).context;
}

// aws-cdk-lib 2.276 tags these types, but cfn-lint 1.51's resource schemas (all regions) reject
// `Tags` on them (E3002). Leave them untagged until the schemas catch up; cost allocation does not
// need them (listeners and rules cost nothing on their own).
const UNTAGGABLE_FOR_CFN_LINT = [
  'AWS::ElasticLoadBalancingV2::Listener',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::CloudWatch::Dashboard',
];

export interface SlipwayAppOptions {
  /** Environments to synthesize. @default all of them */
  readonly environments?: string[];
  /** Extra App props (outdir, context). */
  readonly appProps?: AppProps;
}

export interface EnvironmentStacks {
  readonly environment: ResolvedEnvironment;
  /** Absent for a pull-request preview, which uses its base environment's network. */
  readonly network: NetworkStack | undefined;
  readonly data: DataStack | undefined;
  /** The us-east-1 stack of CloudFront's certificate and web ACL; absent when not needed (see `edgeStackNeeded`). */
  readonly edge: EdgeStack | undefined;
  readonly service: ServiceStack;
  /** Absent for a pull-request preview. */
  readonly observability: ObservabilityStack | undefined;
}

/**
 * Builds the CDK app for a validated config: per environment, the network, data and service
 * layers as separate stacks (`<app>-<env>-<layer>`), ordered by dependencies only (values flow
 * through SSM, never through stack exports). A pull-request preview (`pr-<number>`, when
 * `previews` is on) is only asked for by name and gets a service stack alone.
 */
export function buildApp(config: SlipwayConfig, options: SlipwayAppOptions = {}) {
  const app = new App({
    ...options.appProps,
    context: { ...cdkContext(), ...options.appProps?.context },
  });
  const selected = options.environments ?? Object.keys(config.environments);
  const targets = selected.map((name) => resolveTarget(config, name));
  const registry = resolveRegistry(config);
  provideAvailabilityZones(app, config);
  const stacks: Record<string, EnvironmentStacks> = {};

  for (const target of targets) {
    const { name, environment: env } = target;
    const awsEnv = { account: env.account, region: env.region };
    const common = { env: awsEnv, environment: env, terminationProtection: env.protected };
    stacks[name] =
      target.kind === 'preview'
        ? addPreviewStacks(app, config, name, env, common, registry)
        : addEnvironmentStacks(app, name, env, common, registry);
  }

  // Account-level stacks: one per AWS account (in its home region), not one per environment.
  const accounts = accountHomes(config, selected);
  const accountStacks: Stack[] = [];
  // (registry, audit trail and CI access stacks are added here; each pushes onto accountStacks)
  const registryStack = addRegistryStack(app, config, registry);
  accountStacks.push(registryStack);
  for (const { service } of Object.values(stacks)) {
    // Same account and region: deploy the registry first. Elsewhere a dependency would make a
    // deploy in that account try to deploy the registry too, with credentials that cannot.
    if (service.account === registryStack.account && service.region === registryStack.region) {
      service.addStackDependency(registryStack, 'pulls the app image from the registry');
    }
  }
  // Replicated images: each other account and region that runs a selected environment.
  accountStacks.push(
    ...addRegistryReplicaStacks(
      app,
      config,
      registry,
      targets.map((t) => t.environment),
    ),
  );
  accountStacks.push(...addCiAccessStacks(app, config, accounts, registry, config.previews?.from));
  for (const home of config.audit.cloudTrail ? accounts : []) {
    accountStacks.push(
      new AuditStack(app, accountStackName(config.app.name, home.account, 'audit'), {
        env: { account: home.account, region: home.region },
        appName: config.app.name,
        environments: home.environments,
        audit: config.audit,
        description: `Slipway ${config.app.name}: audit trail of account ${home.account} (${home.environments.join(', ')})`,
      }),
    );
  }

  Tags.of(app).add('slipway:app', config.app.name, { excludeResourceTypes: UNTAGGABLE_FOR_CFN_LINT });
  for (const { environment, network, data, edge, service, observability } of Object.values(stacks)) {
    for (const stack of [network, data, edge, service, observability]) {
      if (!stack) continue;
      if (environment.logEncryptionKey === 'customer-managed') {
        encryptLogGroups(stack, logsKeyRemoval(environment.protected));
      }
      // The Control Tower findings Slipway accepts, each with its reason, from one reviewed table.
      acknowledgeControls(stack, environment);
    }
  }
  for (const stack of accountStacks) acknowledgeControls(stack, undefined);
  return { app, stacks, accountStacks, accounts, registry };
}

/** The props every stack of one environment shares. */
interface StackCommon {
  readonly env: { account: string; region: string };
  readonly environment: ResolvedEnvironment;
  readonly terminationProtection: boolean;
}

/** A pull-request preview: a service stack alone, on its base environment's network. */
function addPreviewStacks(
  app: App,
  config: SlipwayConfig,
  name: string,
  env: ResolvedEnvironment,
  common: StackCommon,
  registry: ResolvedRegistry,
): EnvironmentStacks {
  const edge = addEdgeStack(app, env, common);
  // A preview has no observability stack: its worker and job alarms notify its base's alarm topic.
  const base = config.previews?.from;
  const service = new ServiceStack(app, stackName(env, 'service'), {
    ...common,
    registry,
    edge: edge?.resources,
    alarmTopicName: base
      ? monitoringName(resolveTarget(config, base).environment.prefix, 'topic')
      : undefined,
    description: `Slipway ${env.prefix}: pull-request preview (ECS Fargate Spot, internal ALB, CloudFront; ${config.previews?.from}'s network)`,
  });
  for (const stack of [edge, service]) {
    if (stack)
      Tags.of(stack).add('slipway:environment', name, { excludeResourceTypes: UNTAGGABLE_FOR_CFN_LINT });
  }
  return {
    environment: env,
    network: undefined,
    data: undefined,
    edge,
    service,
    observability: undefined,
  };
}

/** An environment's network, data (with a database), service and observability stacks, in dependency order. */
function addEnvironmentStacks(
  app: App,
  name: string,
  env: ResolvedEnvironment,
  common: StackCommon,
  registry: ResolvedRegistry,
): EnvironmentStacks {
  const network = new NetworkStack(app, stackName(env, 'network'), {
    ...common,
    description: `Slipway ${env.prefix}: network (VPC, subnets, NAT, flow logs)`,
  });
  const data = env.database
    ? new DataStack(app, stackName(env, 'data'), {
        ...common,
        description: `Slipway ${env.prefix}: data (RDS PostgreSQL)`,
      })
    : undefined;
  data?.addStackDependency(network, 'reads the network from SSM');
  const edge = addEdgeStack(app, env, common);
  const service = new ServiceStack(app, stackName(env, 'service'), {
    ...common,
    registry,
    edge: edge?.resources,
    description: `Slipway ${env.prefix}: service (ECS Fargate, internal ALB, CloudFront, autoscaling)`,
  });
  service.addStackDependency(data ?? network, 'reads the network and database from SSM');
  const observability = new ObservabilityStack(app, stackName(env, 'observability'), {
    ...common,
    registry,
    description: `Slipway ${env.prefix}: observability (dashboard, alarms, Grafana, pgAdmin)`,
  });
  observability.addStackDependency(service, 'reads the service, load balancer and database from SSM');

  for (const stack of [network, data, edge, service, observability]) {
    if (stack)
      Tags.of(stack).add('slipway:environment', name, { excludeResourceTypes: UNTAGGABLE_FOR_CFN_LINT });
  }
  return { environment: env, network, data, edge, service, observability };
}

/** The environment's us-east-1 stack for CloudFront's certificate and web ACL, when it needs one. */
function addEdgeStack(app: App, env: ResolvedEnvironment, common: StackCommon): EdgeStack | undefined {
  if (!edgeStackNeeded(env)) return undefined;
  return new EdgeStack(app, stackName(env, 'edge'), {
    ...common,
    env: { account: env.account, region: EDGE_REGION },
    description: `Slipway ${env.prefix}: CloudFront certificate and web ACL (us-east-1)`,
  });
}

export interface AccountHome {
  readonly account: string;
  /** Region of the first environment (in config order) that lives in this account. */
  readonly region: Region;
  /** Every environment in this account, in config order. */
  readonly environments: string[];
}

/**
 * The accounts the selected environments live in, each with its home region. Account-level
 * resources (one CloudTrail trail, one set of CI roles) go there once, however many
 * environments share the account.
 */
export function accountHomes(config: SlipwayConfig, selected: string[]): AccountHome[] {
  const homes = new Map<string, AccountHome>();
  for (const [name, env] of Object.entries(config.environments)) {
    const home = homes.get(env.account);
    if (home) home.environments.push(name);
    else homes.set(env.account, { account: env.account, region: env.region as Region, environments: [name] });
  }
  return [...homes.values()].filter((h) => h.environments.some((e) => selected.includes(e)));
}

/**
 * Availability zones per account and region, from the committed region table
 * (config/src/regions.ts) rather than a lookup, so synth never needs credentials. A value already
 * in the context (cdk.context.json, `-c`) wins.
 */
function provideAvailabilityZones(app: App, config: SlipwayConfig) {
  for (const env of Object.values(config.environments)) {
    const region = env.region as Region;
    const key = `availability-zones:account=${env.account}:region=${region}`;
    if (app.node.tryGetContext(key) === undefined) {
      app.node.setContext(key, availabilityZones(region, REGIONS[region].zones.length));
    }
  }
}
