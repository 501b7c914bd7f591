import type { AppConfig, ResolvedEnvironment, ResolvedRegistry } from '@slipway/config';
import { capacityProviderStrategy, resolveHealthCheck } from '@slipway/config';
import { CONTAINER_VARIABLES, OUTPUTS, PARAMETERS, parameterName } from '@slipway/config/contract';
import { CfnCondition, CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { DeploymentSafety } from '../constructs/deployment/deployment-safety.ts';
import { EdgeDistribution } from '../constructs/edge/index.ts';
import { ImportedNetwork } from '../constructs/network/imported-network.ts';
import { OfficeHours } from '../constructs/office-hours/index.ts';
import { readParameter, writeParameter } from '../constructs/parameters/index.ts';
import { BOOTSTRAP_IMAGE_TAG } from '../constructs/release/image-tag-parameter.ts';
import { ORIGIN_PORT, OriginLoadBalancer } from '../constructs/service/origin-load-balancer.ts';
import { WebService } from '../constructs/service/web-service.ts';
import { addEdgeResources, type EdgeResources } from './edge-stack.ts';

export interface ServiceStackProps extends StackProps {
  /** The environment, with every default applied. */
  readonly environment: ResolvedEnvironment;
  /** Where the app's image repository lives. */
  readonly registry: ResolvedRegistry;
  /**
   * The certificate and web ACL from the environment's edge stack (us-east-1).
   * @default created in this stack (an environment in us-east-1), or none
   */
  readonly edge?: EdgeResources;
}

/**
 * The service layer: ECS cluster, the internal load balancer behind a CloudFront distribution (the
 * environment's HTTPS URL) and the Fargate service. The network and
 * the database come from SSM; the running image tag too, resolved by CloudFormation at deploy
 * time, so an infrastructure-only deploy keeps whatever image `slipway deploy` last released.
 */
export class ServiceStack extends Stack {
  readonly cluster: ecs.Cluster;
  readonly loadBalancer: OriginLoadBalancer;
  readonly edge: EdgeDistribution;
  readonly web: WebService;
  /** True while the environment has a released image (false on the first deploy of an empty account). */
  readonly hasImage: CfnCondition | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    // Cross-region references carry the edge stack's ARNs here (SSM parameters CDK manages).
    super(scope, id, { ...props, crossRegionReferences: props.edge !== undefined });
    const env = props.environment;
    const app = env.app;
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

    const { image, tag, hasImage } = this.resolveImage(env, app, props.registry);
    this.hasImage = hasImage;

    const { secrets, environment, dbSecret } = this.containerSettings(env, tag, nativeDeploy);

    this.web = this.createWeb(env, network, image, environment, secrets, hasImage);
    dbSecret?.grantRead(this.web.taskDefinition.taskRole);

    new DeploymentSafety(this, 'Deployment', {
      web: this.web,
      loadBalancer: this.loadBalancer,
      subnets: network.workloadSubnets,
      assignPublicIp: network.assignPublicIp,
      // Rolling deployments have no lifecycle hooks: their tasks migrate at start (MIGRATE_ON_START).
      migrate: nativeDeploy && env.deploy.migrate ? { command: app.migrateCommand } : undefined,
      smoke: nativeDeploy && env.deploy.smokeTest ? { readyPath: app.readyPath } : undefined,
      rollbackOn5xxPercent: env.deploy.rollbackOn5xxPercent,
      rollbackOnP99Milliseconds: env.deploy.rollbackOnP99Milliseconds,
      alarmPrefix: env.prefix,
      logRetentionDays: env.service.logRetentionDays,
    });

    if (env.database) {
      const dbSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
        this,
        'DatabaseSecurityGroup',
        readParameter(this, env, PARAMETERS.dbSecurityGroupId),
        { allowAllOutbound: false, mutable: true },
      );
      this.web.allowTo(dbSecurityGroup, 5432, 'Service tasks to PostgreSQL');
    }

    this.writeParameters(env);

    this.addOfficeHours(env, hasImage);
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

  /** The service's office hours. */
  private addOfficeHours(env: ResolvedEnvironment, hasImage: CfnCondition | undefined): void {
    // Office hours: zero tasks outside them, the configured bounds inside (still zero before the
    // first image). The load balancer stays and answers 503 meanwhile.
    if (env.officeHours) {
      new OfficeHours(this, 'OfficeHours', {
        ...env.officeHours,
        label: env.prefix,
        services: [
          {
            name: 'Web',
            scaling: this.web.scaling,
            minTasks: env.service.minTasks,
            maxTasks: env.service.maxTasks,
            runWhen: hasImage,
          },
        ],
      });
    }
  }

  /**
   * The app container's variables and secrets: the app's own, the environment's identity, and the
   * database (discrete secret fields from RDS) or the embedded PostgreSQL when there is none.
   */
  private containerSettings(env: ResolvedEnvironment, tag: string, nativeDeploy: boolean) {
    const app = env.app;
    const secrets: Record<string, ecs.Secret> = {};
    const environment: Record<string, string> = {
      ...app.environment,
      [CONTAINER_VARIABLES.APP_ENV]: env.name,
      [CONTAINER_VARIABLES.AWS_REGION]: this.region,
      // The tag is the commit sha the pipeline built; /info reports it and smoke tests compare it.
      [CONTAINER_VARIABLES.GIT_SHA]: tag,
    };
    let dbSecret: secretsmanager.ISecret | undefined;
    if (env.database) {
      dbSecret = secretsmanager.Secret.fromSecretCompleteArn(
        this,
        'DatabaseSecret',
        readParameter(this, env, PARAMETERS.dbSecretArn),
      );
      // Discrete variables from the RDS secret's JSON fields: never plain values in the task definition.
      for (const [variable, field] of [
        [CONTAINER_VARIABLES.DB_HOST, 'host'],
        [CONTAINER_VARIABLES.DB_PORT, 'port'],
        [CONTAINER_VARIABLES.DB_NAME, 'dbname'],
        [CONTAINER_VARIABLES.DB_USER, 'username'],
        [CONTAINER_VARIABLES.DB_PASSWORD, 'password'],
      ] as const) {
        secrets[variable] = ecs.Secret.fromSecretsManager(dbSecret, field);
      }
      environment[CONTAINER_VARIABLES.DB_SSL] = 'require';
      // Not the secret, its ARN: with rotation on, the service re-reads the password at new logins
      // (app/src/db/secret-password.ts) instead of failing until the task is replaced.
      environment[CONTAINER_VARIABLES.DB_SECRET_ARN] = dbSecret.secretArn;
      // Rolling deployments have no lifecycle hooks: the tasks migrate at start (an advisory lock
      // makes concurrent starts apply each migration once). Other strategies migrate in a hook.
      environment[CONTAINER_VARIABLES.MIGRATE_ON_START] = String(env.deploy.migrate && !nativeDeploy);
    } else {
      // No RDS (app.database false, or a pull-request preview): the service's embedded PostgreSQL,
      // in memory, since a task's disk is gone when the task is.
      environment[CONTAINER_VARIABLES.DB_EMBEDDED] = 'memory';
    }
    for (const [variable, ref] of Object.entries(app.secrets)) {
      secrets[variable] = this.appSecret(variable, ref);
    }
    return { secrets, environment, dbSecret };
  }

  private createWeb(
    env: ResolvedEnvironment,
    network: ImportedNetwork,
    image: ecs.ContainerImage,
    environment: Record<string, string>,
    secrets: Record<string, ecs.Secret>,
    hasImage: CfnCondition | undefined,
  ): WebService {
    const app = env.app;
    return new WebService(this, 'Web', {
      cluster: this.cluster,
      subnets: network.workloadSubnets,
      assignPublicIp: network.assignPublicIp,
      image,
      port: app.port,
      user: app.user,
      healthPath: app.healthPath,
      healthCheck: resolveHealthCheck(app),
      cpu: env.service.cpu,
      memoryMiB: env.service.memoryMiB,
      environment,
      secrets,
      minTasks: env.service.minTasks,
      maxTasks: env.service.maxTasks,
      capacity: capacityProviderStrategy(env.service.capacity),
      scaleOnCpuPercent: env.service.scaleOnCpuPercent,
      scaleOnMemoryPercent: env.service.scaleOnMemoryPercent,
      scaleOnRequestsPerTarget: env.service.scaleOnRequestsPerTarget,
      productionListener: this.loadBalancer.productionListener,
      testListener: this.loadBalancer.testListener,
      deregistrationDelaySeconds: env.service.deregistrationDelaySeconds,
      shutdownSeconds: app.shutdownSeconds,
      // Served over HTTPS only with a domain (the load balancer redirects HTTP there): HSTS then only.
      hstsMaxAgeSeconds: app.hstsMaxAgeSeconds, // every environment is HTTPS behind CloudFront
      logRetentionDays: env.service.logRetentionDays,
      logRemovalPolicy: env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      logGroupName: `/${app.name}/${env.name}/service`,
      deployment: {
        strategy: env.deploy.strategy,
        stepPercent: env.deploy.stepPercent,
        stepBakeMinutes: env.deploy.stepBakeMinutes,
        bakeMinutes: env.deploy.bakeMinutes,
      },
      runWhen: hasImage,
      discovery: { namespace: network.namespace, name: env.service.discoveryName },
    });
  }

  /** What the other layers and the CLI read of this one, as SSM parameters. */
  private writeParameters(env: ResolvedEnvironment): void {
    const write = (key: string, value: string, description: string) =>
      writeParameter(this, env, key, value, description);
    const lb = this.loadBalancer.loadBalancer;
    write(PARAMETERS.clusterName, this.cluster.clusterName, 'ECS cluster name');
    write(PARAMETERS.serviceName, this.web.service.serviceName, 'ECS service name');
    write(PARAMETERS.serviceArn, this.web.service.serviceArn, 'ECS service ARN');
    write(PARAMETERS.loadBalancerArn, lb.loadBalancerArn, 'Load balancer ARN');
    write(PARAMETERS.loadBalancerDns, lb.loadBalancerDnsName, 'Load balancer DNS name');
    write(
      PARAMETERS.loadBalancerFullName,
      lb.loadBalancerFullName,
      'Load balancer full name (metrics dimension)',
    );
    write(
      PARAMETERS.listenerArn,
      this.loadBalancer.productionListener.listenerArn,
      'Production listener ARN',
    );
    write(
      PARAMETERS.loadBalancerSecurityGroupId,
      this.loadBalancer.securityGroup.securityGroupId,
      'ALB security group',
    );
    write(
      PARAMETERS.serviceSecurityGroupId,
      this.web.securityGroup.securityGroupId,
      'Service security group',
    );
    write(PARAMETERS.logGroupName, this.web.logGroup.logGroupName, 'Service log group');
    write(PARAMETERS.url, this.edge.url, 'HTTPS URL of the service (CloudFront)');
    write(PARAMETERS.distributionId, this.edge.distribution.distributionId, 'CloudFront distribution id');
    new CfnOutput(this, OUTPUTS.url, { value: this.edge.url, description: 'HTTPS URL of the service' });
    // Metrics dimensions for the observability layer's dashboards and alarms.
    write(
      PARAMETERS.blueTargetGroupFullName,
      this.web.blueTargetGroup.targetGroupFullName,
      'Blue target group full name (metrics dimension)',
    );
    write(
      PARAMETERS.greenTargetGroupFullName,
      this.web.greenTargetGroup.targetGroupFullName,
      'Green target group full name (metrics dimension)',
    );
  }

  /**
   * The container image: built images come from the registry at the tag the deployer released
   * (an SSM parameter, resolved at deploy time); an external image is used as configured.
   */
  private resolveImage(env: ResolvedEnvironment, app: AppConfig, registry: ResolvedRegistry) {
    if ('uri' in app.image) {
      const uri = app.image.uri;
      return {
        image: ecs.ContainerImage.fromRegistry(uri),
        tag: uri.split(/[:@]/).pop() ?? uri,
        hasImage: undefined,
      };
    }
    const repository = ecr.Repository.fromRepositoryArn(
      this,
      'Repository',
      `arn:${this.partition}:ecr:${registry.region}:${registry.account}:repository/${registry.repositoryName}`,
    );
    const tag = ssm.StringParameter.valueForStringParameter(this, parameterName(env, PARAMETERS.imageTag));
    const hasImage = new CfnCondition(this, 'HasImage', {
      expression: Fn.conditionNot(Fn.conditionEquals(tag, BOOTSTRAP_IMAGE_TAG)),
    });
    return { image: ecs.ContainerImage.fromEcrRepository(repository, tag), tag, hasImage };
  }

  private appSecret(variable: string, ref: AppConfig['secrets'][string]): ecs.Secret {
    if ('ssmParameter' in ref) {
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(this, `Secret-${variable}`, {
        parameterName: ref.ssmParameter,
      });
      return ecs.Secret.fromSsmParameter(parameter);
    }
    const secret = ref.secretsManager.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretCompleteArn(this, `Secret-${variable}`, ref.secretsManager)
      : secretsmanager.Secret.fromSecretNameV2(this, `Secret-${variable}`, ref.secretsManager);
    return ecs.Secret.fromSecretsManager(secret, ref.field);
  }
}
