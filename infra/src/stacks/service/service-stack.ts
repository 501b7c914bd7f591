import type { ResolvedEnvironment, ResolvedRegistry, ResolvedService } from '@slipway/config';
import {
  MIGRATION_PARAMETERS,
  monitoringName,
  parameterName,
  serviceConstructId,
} from '@slipway/config/contract';
import { type CfnCondition, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DeploymentSafety } from '../../constructs/deployment/deployment-safety.ts';
import { EdgeDistribution } from '../../constructs/edge/index.ts';
import { ScheduledJob } from '../../constructs/job/index.ts';
import { ImportedNetwork } from '../../constructs/network/imported-network.ts';
import { OfficeHours, type ScheduledService } from '../../constructs/office-hours/index.ts';
import { ORIGIN_PORT, OriginLoadBalancer } from '../../constructs/service/origin-load-balancer.ts';
import type { WebService } from '../../constructs/service/web-service.ts';
import { addEdgeResources, type EdgeResources } from '../edge-stack.ts';
import {
  type BuildContext,
  type BuiltService,
  buildBackend,
  buildJob,
  buildWeb,
  buildWorker,
  type ServiceInputs,
} from './build.ts';
import { wireCalls, wireDatabase } from './calls.ts';
import { ContainerSettingsFactory } from './container.ts';
import { ServiceImages } from './images.ts';
import { writeEnvironmentParameters, writeServiceParameters } from './parameters.ts';
import { routePriorities } from './routes.ts';

export interface ServiceStackProps extends StackProps {
  /** The environment, with every default applied. */
  readonly environment: ResolvedEnvironment;
  /** Where the app's image repositories live. */
  readonly registry: ResolvedRegistry;
  /**
   * The certificate and web ACL from the environment's edge stack (us-east-1).
   * @default created in this stack (an environment in us-east-1), or none
   */
  readonly edge?: EdgeResources;
  /**
   * The name of the SNS topic worker and job alarms notify: the observability stack's alarm
   * topic, which that stack creates after this one (see `alarmTopic`).
   * @default the environment's own alarm topic, `<prefix>-alarms`
   */
  readonly alarmTopicName?: string;
}

/**
 * The service layer: ECS cluster, the internal load balancer behind a CloudFront distribution (the
 * environment's HTTPS URL) and every service of the environment: web services on the load
 * balancer, backends on Service Connect, queue workers and scheduled jobs. The network and the
 * database come from SSM; the running image tag too, resolved by CloudFormation at deploy time,
 * so an infrastructure-only deploy keeps whatever image `slipway deploy` last released.
 */
export class ServiceStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: OriginLoadBalancer;
  readonly edge: EdgeDistribution;
  /** The default web service (the load balancer's catch-all). */
  readonly web: WebService;
  /** Every service, in declaration order. */
  readonly services: readonly BuiltService[];
  /** True while the environment has a released image (false on the first deploy of an empty account). */
  readonly hasImage: CfnCondition | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    // Cross-region references carry the edge stack's ARNs here (SSM parameters CDK manages).
    super(scope, id, { ...props, crossRegionReferences: props.edge !== undefined });
    const env = props.environment;
    const network = new ImportedNetwork(this, 'Network', env, { subnets: ['workload'] });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: network.vpc,
      clusterName: env.prefix,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
      executeCommandConfiguration: { logging: ecs.ExecuteCommandLogging.DEFAULT },
    });

    const nativeDeploy = env.deploy.strategy !== 'rolling';
    this.loadBalancer = this.createLoadBalancer(env, network, nativeDeploy);
    this.edge = this.createEdge(env, network, props.edge ?? addEdgeResources(this, env));

    const defaultWeb = defaultWebOf(env.services);
    const owner = env.services.find((s) => s.migrate !== undefined && s.database);
    // The deploy hook migrates in the default web service's task definition (ECS-native
    // strategies only); when another service owns the schema, its own tasks migrate at start.
    const hookMigrates = nativeDeploy && env.deploy.migrate && owner?.name === defaultWeb.name;
    const migratesAtStart = env.deploy.migrate && owner && !hookMigrates ? owner.name : undefined;

    const images = new ServiceImages(this, env, props.registry, defaultWeb.imageOwner);
    const settings = new ContainerSettingsFactory(this, env, migratesAtStart);
    const ctx: BuildContext = {
      scope: this,
      env,
      cluster: this.cluster,
      network,
      loadBalancer: this.loadBalancer,
      alarmTopic: this.alarmTopic(env, props.alarmTopicName),
    };
    const priorities = routePriorities(env.services);
    this.services = env.services.map((service) => {
      const isDefault = service.name === defaultWeb.name;
      const image = images.of(service);
      const inputs: ServiceInputs = {
        image,
        settings: settings.of(service, image.tag, isDefault),
        isDefault,
      };
      switch (service.type) {
        case 'web':
          return buildWeb(ctx, service, inputs, priorities.get(service.name));
        case 'backend':
          return buildBackend(ctx, service, inputs);
        case 'worker':
          return buildWorker(ctx, service, inputs);
        default:
          return buildJob(ctx, service, inputs);
      }
    });
    const web = this.services.find((b) => b.resolved.name === defaultWeb.name)?.construct;
    this.web = web as WebService;
    this.hasImage = images.of(defaultWeb).hasImage;
    // Each service runs while its own image exists (one pulled by URI always does).
    const hasImage = (s: ResolvedService) => images.of(s).hasImage;

    wireCalls(this.services, network);
    this.addDeploymentSafety(env, network, owner, hookMigrates);
    wireDatabase(this, env, this.services, settings.databaseSecret);
    this.pauseJobsWithoutImage(hasImage);

    writeEnvironmentParameters(this, env, {
      cluster: this.cluster,
      loadBalancer: this.loadBalancer,
      edge: this.edge,
      web: this.web,
    });
    for (const built of this.services) writeServiceParameters(this, env, built);
    this.addOfficeHours(env, hasImage);
  }

  /**
   * The alarm topic of the environment, by name: the observability stack creates it and deploys
   * after this stack (it reads this one's parameters), so its ARN parameter does not exist yet on
   * a first deploy, and reading it would make the two stacks depend on each other. CloudWatch
   * accepts an alarm action on a topic that does not exist yet; the alarms notify it once the
   * observability stack is up. An import: it adds nothing to the template unless an alarm uses it.
   */
  private alarmTopic(env: ResolvedEnvironment, topicName?: string): sns.ITopic {
    const name = topicName ?? monitoringName(env.prefix, 'topic');
    return sns.Topic.fromTopicArn(this, 'AlarmTopic', this.formatArn({ service: 'sns', resource: name }));
  }

  /** Rollback alarms (and the hooks, on the default web service) for every web service. */
  private addDeploymentSafety(
    env: ResolvedEnvironment,
    network: ImportedNetwork,
    owner: ResolvedService | undefined,
    hookMigrates: boolean,
  ): void {
    const native = env.deploy.strategy !== 'rolling';
    for (const built of this.services) {
      if (built.resolved.type !== 'web') continue;
      const isDefault = built.construct === this.web;
      const web = built.resolved;
      const id = isDefault ? 'Deployment' : `${serviceConstructId(web.name, false)}Deployment`;
      new DeploymentSafety(this, id, {
        web: built.construct as WebService,
        loadBalancer: this.loadBalancer,
        subnets: network.workloadSubnets,
        assignPublicIp: network.assignPublicIp,
        // Rolling deployments have no lifecycle hooks: the owner's tasks migrate at start instead.
        migrate:
          isDefault && hookMigrates && owner?.migrate
            ? {
                command: [...owner.migrate],
                // Equal release and applied digests: no pending migration, no migration task.
                digestParameters: {
                  release: parameterName(env, MIGRATION_PARAMETERS.releaseDigest),
                  applied: parameterName(env, MIGRATION_PARAMETERS.appliedDigest),
                },
              }
            : undefined,
        // The smoke test asks the test listener's catch-all: the default web service.
        smoke: isDefault && native && env.deploy.smokeTest ? { readyPath: web.readyPath } : undefined,
        rollbackOn5xxPercent: env.deploy.rollbackOn5xxPercent,
        rollbackOnP99Milliseconds: env.deploy.rollbackOnP99Milliseconds,
        alarmPrefix: env.prefix,
        serviceName: isDefault ? undefined : web.name,
        logRetentionDays: env.service.logRetentionDays,
      });
    }
  }

  /** A job's schedule stays off until the first image is released (it would only fail before). */
  private pauseJobsWithoutImage(hasImage: (s: ResolvedService) => CfnCondition | undefined): void {
    for (const built of this.services) {
      const condition = hasImage(built.resolved);
      if (!(built.construct instanceof ScheduledJob) || !condition) continue;
      const cfn = built.construct.schedule.node.defaultChild as scheduler.CfnSchedule;
      if (cfn.state !== 'ENABLED') continue;
      cfn.state = Fn.conditionIf(condition.logicalId, 'ENABLED', 'DISABLED').toString();
    }
  }

  /** The internal load balancer, with the test listener open to its CIDRs for ECS-native strategies. */
  private createLoadBalancer(
    env: ResolvedEnvironment,
    network: ImportedNetwork,
    nativeDeploy: boolean,
  ): OriginLoadBalancer {
    const loadBalancer = new OriginLoadBalancer(this, 'LoadBalancer', {
      vpc: network.vpc,
      subnets: network.workloadSubnets,
      deletionProtection: env.protected,
      accessLogs: env.accessLogs,
      testListenerPort: nativeDeploy ? env.deploy.testListenerPort : undefined,
    });
    for (const cidr of nativeDeploy ? env.deploy.testListenerCidrs : []) {
      loadBalancer.securityGroup.addIngressRule(
        ec2.Peer.ipv4(cidr),
        ec2.Port.tcp(env.deploy.testListenerPort),
        `Test listener from ${cidr}`,
      );
    }
    return loadBalancer;
  }

  /** CloudFront in front of the internal load balancer: the HTTPS URL, on the domain when there is one. */
  private createEdge(
    env: ResolvedEnvironment,
    network: ImportedNetwork,
    edge: EdgeResources,
  ): EdgeDistribution {
    const domain = env.domain;
    return new EdgeDistribution(this, 'Edge', {
      name: env.prefix,
      loadBalancer: this.loadBalancer.loadBalancer,
      vpc: network.vpc,
      originPort: ORIGIN_PORT,
      domain:
        domain && edge.certificate
          ? { name: domain.name, certificate: edge.certificate, zone: domain.zone }
          : undefined,
      webAclArn: edge.webAclArn,
    });
  }

  /**
   * Office hours: every long-running service (web, backend, worker) at zero tasks outside them,
   * its configured bounds inside (still zero before the first image). The load balancer stays and
   * answers 503 meanwhile; jobs keep their schedule.
   */
  private addOfficeHours(
    env: ResolvedEnvironment,
    hasImage: (s: ResolvedService) => CfnCondition | undefined,
  ): void {
    if (!env.officeHours) return;
    const services: ScheduledService[] = [];
    for (const built of this.services) {
      const s = built.resolved;
      if (s.type === 'job' || built.construct instanceof ScheduledJob) continue;
      services.push({
        name: serviceConstructId(s.name, built.construct === this.web),
        scaling: built.construct.scaling,
        minTasks: s.minTasks,
        maxTasks: s.maxTasks,
        runWhen: hasImage(s),
      });
    }
    new OfficeHours(this, 'OfficeHours', { ...env.officeHours, label: env.prefix, services });
  }
}

/** The web service without a route: every valid config has exactly one (validation says so). */
function defaultWebOf(services: readonly ResolvedService[]) {
  const found = services.find((s) => s.type === 'web' && s.route === undefined);
  if (!found)
    throw new Error('ServiceStack: the environment has no default web service (a web service without route)');
  return found;
}
