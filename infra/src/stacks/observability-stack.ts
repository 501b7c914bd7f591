import { fileURLToPath } from 'node:url';
import { pullRegistry, type ResolvedEnvironment, type ResolvedRegistry } from '@slipway/config';
import {
  GRAFANA_DATABASE,
  grafanaImageTag,
  grafanaRepositoryName,
  jobParameters,
  PARAMETERS,
  serviceParameters,
} from '@slipway/config/contract';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { ToolFileSystem } from '../constructs/efs/index.ts';
import { GrafanaService, type ToolRoute } from '../constructs/grafana/index.ts';
import {
  AlarmPack,
  type MonitoredResources,
  type MonitoredService,
  monitoringName,
  ServiceDashboard,
} from '../constructs/monitoring/index.ts';
import { ImportedNetwork } from '../constructs/network/imported-network.ts';
import { OfficeHours, type ScheduledService } from '../constructs/office-hours/index.ts';
import { readParameter, writeParameter } from '../constructs/parameters/index.ts';
import { PgAdminService } from '../constructs/pgadmin/index.ts';
import { GRAFANA_ROOT } from '../package-files.ts';

export interface ObservabilityStackProps extends StackProps {
  /** The environment, with every default applied. */
  readonly environment: ResolvedEnvironment;
  /** Where the image repositories live: Grafana's image comes from `<app>-grafana` there. */
  readonly registry: Pick<ResolvedRegistry, 'account' | 'region' | 'replication'>;
}

// Listener rule priorities on the production listener: below the app's catch-all (1000).
export const TOOL_RULE_PRIORITIES = { grafana: 10, pgadmin: 20 } as const;

/**
 * The observability layer of one environment: the CloudWatch dashboard, the alarm pack and its
 * SNS topic (both with a row of panels and the alarms of every service, by type), Grafana (its
 * state in its own PostgreSQL database, or SQLite on EFS without one) and, when enabled, pgAdmin
 * (SQLite on EFS) on the environment's cluster. Everything it watches or joins comes from the SSM parameters the network, data and service
 * layers wrote, so it deploys after them and can be replaced without touching them.
 */
export class ObservabilityStack extends Stack {
  readonly alarms: AlarmPack;
  /** Absent where the config turns it off (`dashboard: false`; Grafana shows the same metrics). */
  readonly dashboard: ServiceDashboard | undefined;
  readonly grafana: GrafanaService | undefined;
  readonly pgadmin: PgAdminService | undefined;
  /** The dimension values the dashboards and alarms use (tokens resolved from SSM). */
  readonly resources: MonitoredResources;
  /** Every service but the default web service, with its dimension values (tokens resolved from SSM). */
  readonly services: MonitoredService[];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const read = (key: string) => readParameter(this, env, key);
    this.resources = {
      loadBalancer: read(PARAMETERS.loadBalancerFullName),
      blueTargetGroup: read(PARAMETERS.blueTargetGroupFullName),
      greenTargetGroup: read(PARAMETERS.greenTargetGroupFullName),
      cluster: read(PARAMETERS.clusterName),
      service: read(PARAMETERS.serviceName),
      dbInstance: env.database ? read(PARAMETERS.dbInstanceId) : undefined,
    };
    this.services = monitoredServices(env, this.resources, read);
    const removalPolicy = env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    const { email, ...rules } = env.alarms;
    this.alarms = new AlarmPack(this, 'Alarms', {
      prefix: env.prefix,
      resources: this.resources,
      services: this.services,
      rules,
      emails: email,
      keyRemovalPolicy: removalPolicy,
    });
    writeParameter(this, env, PARAMETERS.alarmTopicArn, this.alarms.topic.topicArn, 'Alarm topic ARN');

    this.dashboard = env.dashboard
      ? new ServiceDashboard(this, 'Dashboard', {
          dashboardName: monitoringName(env.prefix, 'dashboard', 'service'),
          resources: this.resources,
          services: this.services,
          alarms: this.alarms.all,
        })
      : undefined;

    const pgadminOn = env.pgadmin.enabled && env.database !== undefined;
    if (!env.grafana.enabled && !pgadminOn) return;

    const common = this.toolCommon(env, removalPolicy);
    const route = this.toolRouter(env);
    if (env.grafana.enabled) this.grafana = this.createGrafana(env, props.registry, common, route, read);
    if (pgadminOn && env.database) this.pgadmin = this.createPgAdmin(env, env.database, common, route, read);
    if (env.officeHours) this.scheduleTools(env, env.officeHours);
  }

  /**
   * What both tools share: the cluster, subnets, namespace and log retention; the file system only
   * where a tool keeps SQLite on it (pgAdmin, Grafana without PostgreSQL).
   */
  private toolCommon(env: ResolvedEnvironment, removalPolicy: RemovalPolicy) {
    const network = new ImportedNetwork(this, 'Network', env, { subnets: ['workload'] });
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: this.resources.cluster,
      vpc: network.vpc,
    });
    const sqlite =
      (env.pgadmin.enabled && env.database !== undefined) ||
      (env.grafana.enabled && env.grafana.database === 'sqlite');
    const files = sqlite
      ? new ToolFileSystem(this, 'ToolFiles', {
          vpc: network.vpc,
          subnets: network.workloadSubnets,
          removalPolicy,
        })
      : undefined;
    return {
      cluster,
      subnets: network.workloadSubnets,
      assignPublicIp: network.assignPublicIp,
      fileSystem: files,
      removalPolicy,
      logRetentionDays: env.service.logRetentionDays,
      namespace: this.importNamespace(env),
    };
  }

  /** The database's security group, imported once for both tools (each adds its own ingress). */
  private databaseSecurityGroup(env: ResolvedEnvironment): ec2.ISecurityGroup {
    const found = this.node.tryFindChild('DatabaseSecurityGroup') as ec2.ISecurityGroup | undefined;
    return (
      found ??
      ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'DatabaseSecurityGroup',
        readParameter(this, env, PARAMETERS.dbSecurityGroupId),
        { allowAllOutbound: false, mutable: true },
      )
    );
  }

  /** A route on the service's listener for a tool, or none when no CIDR may reach it. */
  private toolRouter(env: ResolvedEnvironment) {
    let listener: { listener: elbv2.IApplicationListener; securityGroup: ec2.ISecurityGroup } | undefined;
    const route = (
      tool: keyof typeof TOOL_RULE_PRIORITIES,
      allowedCidrs: string[],
    ): ToolRoute | undefined => {
      if (allowedCidrs.length === 0) return undefined;
      listener ??= this.importListener(env);
      return {
        listener: listener.listener,
        loadBalancerSecurityGroup: listener.securityGroup,
        priority: TOOL_RULE_PRIORITIES[tool],
        allowedCidrs,
      };
    };
    return route;
  }

  private createGrafana(
    env: ResolvedEnvironment,
    registry: ObservabilityStackProps['registry'],
    common: ReturnType<ObservabilityStack['toolCommon']>,
    route: ReturnType<ObservabilityStack['toolRouter']>,
    read: (key: string) => string,
  ): GrafanaService {
    const grafanaRoute = route('grafana', env.grafana.allowedCidrs);
    const g = env.grafana;
    // The replica in the environment's own account and region when images are replicated, as the
    // app's services pull theirs.
    const from = pullRegistry(registry, env);
    const repository = ecr.Repository.fromRepositoryArn(
      this,
      'GrafanaRepository',
      `arn:${this.partition}:ecr:${from.region}:${from.account}:repository/${grafanaRepositoryName(env.app.name)}`,
    );
    const tag = g.imageTag ?? grafanaImageTag(fileURLToPath(GRAFANA_ROOT));
    const postgres = g.database === 'postgres';
    return new GrafanaService(this, 'Grafana', {
      ...common,
      fileSystem: postgres ? undefined : common.fileSystem,
      database: postgres
        ? {
            host: read(PARAMETERS.dbEndpoint),
            port: 5432,
            name: GRAFANA_DATABASE.database,
            secret: secretsmanager.Secret.fromSecretCompleteArn(
              this,
              'GrafanaDatabaseSecret',
              read(PARAMETERS.grafanaDbSecretArn),
            ),
            securityGroup: this.databaseSecurityGroup(env),
          }
        : undefined,
      image: ecs.ContainerImage.fromEcrRepository(repository, tag),
      tasks: { min: g.minTasks, max: g.maxTasks },
      cpu: g.cpu,
      memoryMiB: g.memoryMiB,
      capacity: g.capacity,
      region: env.region,
      resources: this.resources,
      services: this.services,
      logGroupPrefixes: [`/${env.app.name}/${env.name}/`],
      logGroupName: `/${env.app.name}/${env.name}/grafana`,
      adminSecretName: `${env.prefix}/grafana/admin-password`,
      secretKeyName: `${env.prefix}/grafana/secret-key`,
      route: grafanaRoute,
      publicUrl: grafanaRoute ? read(PARAMETERS.url) : undefined,
    });
  }

  private createPgAdmin(
    env: ResolvedEnvironment,
    database: NonNullable<ResolvedEnvironment['database']>,
    common: ReturnType<ObservabilityStack['toolCommon']>,
    route: ReturnType<ObservabilityStack['toolRouter']>,
    read: (key: string) => string,
  ): PgAdminService {
    if (!common.fileSystem) throw new Error('ObservabilityStack: pgAdmin needs the tool file system');
    return new PgAdminService(this, 'PgAdmin', {
      ...common,
      fileSystem: common.fileSystem,
      version: env.pgadmin.version,
      cpu: env.pgadmin.cpu,
      memoryMiB: env.pgadmin.memoryMiB,
      email: env.pgadmin.email,
      serverName: env.prefix,
      database: {
        host: read(PARAMETERS.dbEndpoint),
        databaseName: database.name,
        username: 'app_admin',
        securityGroup: this.databaseSecurityGroup(env),
      },
      logGroupName: `/${env.app.name}/${env.name}/pgadmin`,
      loginSecretName: `${env.prefix}/pgadmin/login-password`,
      route: route('pgadmin', env.pgadmin.allowedCidrs),
    });
  }

  /**
   * Office hours: the tools' tasks stop with the service. A tool's own scalable target (Grafana
   * scaling on PostgreSQL) takes the scheduled actions; a tool without one gets a target of exactly
   * its task count (one with SQLite, so it keeps one writer).
   */
  private scheduleTools(
    env: ResolvedEnvironment,
    officeHours: NonNullable<ResolvedEnvironment['officeHours']>,
  ): void {
    const tools = [
      { name: 'Grafana', tool: this.grafana?.tool },
      { name: 'PgAdmin', tool: this.pgadmin?.tool },
    ];
    const services: ScheduledService[] = tools.flatMap(({ name, tool }) =>
      tool
        ? [
            {
              name,
              scaling:
                tool.scaling ??
                tool.service.autoScaleTaskCount({ minCapacity: tool.tasks.min, maxCapacity: tool.tasks.max }),
              minTasks: tool.tasks.min,
              maxTasks: tool.tasks.max,
            },
          ]
        : [],
    );
    new OfficeHours(this, 'OfficeHours', { ...officeHours, services, label: env.prefix });
  }

  /**
   * The environment's Cloud Map namespace, from its id alone: registering a service needs no more,
   * and reading the ARN parameter too would leave an unused template parameter.
   */
  private importNamespace(env: ResolvedEnvironment) {
    const namespaceId = readParameter(
      this,
      { parameterPath: env.network.parameterPath },
      PARAMETERS.namespaceId,
    );
    return servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {
      namespaceId,
      namespaceName: env.network.namespaceName,
      namespaceArn: this.formatArn({
        service: 'servicediscovery',
        resource: 'namespace',
        resourceName: namespaceId,
      }),
    });
  }

  private importListener(env: ResolvedEnvironment) {
    const securityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'LoadBalancerSecurityGroup',
      readParameter(this, env, PARAMETERS.loadBalancerSecurityGroupId),
      { allowAllOutbound: false, mutable: true },
    );
    const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
      listenerArn: readParameter(this, env, PARAMETERS.listenerArn),
      securityGroup,
    });
    return { listener, securityGroup };
  }
}

/**
 * Every service but the default web service (which keeps the single-service parameters), with the
 * dimension values its own stack writes under `services/<name>/` (`jobs/<name>/` for a job). Web
 * services share the environment's load balancer and every ECS service its cluster.
 */
function monitoredServices(
  env: ResolvedEnvironment,
  shared: MonitoredResources,
  read: (key: string) => string,
): MonitoredService[] {
  const { cluster, loadBalancer } = shared;
  return env.services
    .filter((s) => !(s.type === 'web' && s.route === undefined))
    .map((s): MonitoredService => {
      const p = serviceParameters(s.name);
      switch (s.type) {
        case 'web':
          return {
            name: s.name,
            type: s.type,
            resources: {
              loadBalancer,
              cluster,
              service: read(p.serviceName),
              blueTargetGroup: read(p.blueTargetGroupFullName),
              greenTargetGroup: read(p.greenTargetGroupFullName),
            },
          };
        case 'backend':
          return { name: s.name, type: s.type, resources: { cluster, service: read(p.serviceName) } };
        case 'worker':
          return {
            name: s.name,
            type: s.type,
            resources: {
              cluster,
              service: read(p.serviceName),
              queue: read(p.queueName),
              deadLetterQueue: read(p.deadLetterQueueName),
            },
          };
        default:
          return {
            name: s.name,
            type: s.type,
            resources: { stateMachine: read(jobParameters(s.name).stateMachineArn) },
          };
      }
    });
}
