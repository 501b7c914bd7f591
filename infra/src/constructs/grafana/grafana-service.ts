import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import type { ToolFileSystem } from '../efs/tool-file-system.ts';
import type { MonitoredResources } from '../monitoring/metrics.ts';
import type { MonitoredService } from '../monitoring/service-metrics.ts';
import { GRAFANA_DATA_PATH, type ProvisionedFile, renderProvisioning, startScript } from './provisioning.ts';
import { renderServiceProvisioning, type ServiceProvisioning } from './service-provisioning.ts';
import { type ToolRoute, ToolService } from './tool-service.ts';

// The official image's user and group (grafana/grafana Dockerfile: GF_UID 472, GF_GID 0).
export const GRAFANA_UID = 472;
export const GRAFANA_GID = 0;
export const GRAFANA_PORT = 3000;
/** Grafana Alerting's gossip port between instances (TCP and UDP), Grafana's default. */
export const GRAFANA_ALERTING_PORT = 9094;
/**
 * Seconds Grafana may take to answer /api/health after its container starts. Not measured (no container
 * runtime was available where it was set); Grafana's own Helm chart lets a start take 60 s
 * before its liveness probe begins and tolerates 10 failures 10 s apart after that (grafana/helm-charts
 * charts/grafana/values.yaml, 2026-12). The first start here is slower than that chart's case: it
 * runs every migration of a new database (PostgreSQL, or SQLite over EFS with network round trips
 * per commit) at 0.25 vCPU.
 * 180 s stays inside ECS's 300 s limit on a start period.
 */
export const GRAFANA_START_SECONDS = 180;
// Largest the provisioning may make the container definition; ECS caps a task definition at 64 KiB.
export const MAX_PROVISIONING_BYTES = 48 * 1024;

export interface GrafanaServiceProps {
  /** The environment's ECS cluster. */
  readonly cluster: ecs.ICluster;
  /** Subnets for the task. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give the task a public IP (environments without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** Grafana's image: built from grafana/Dockerfile, pulled from the app's `<app>-grafana` repository. */
  readonly image: ecs.ContainerImage;
  /**
   * Task CPU units.
   * @default 256
   */
  readonly cpu?: number;
  /**
   * Task memory in MiB.
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Fargate capacity of the tasks.
   * @default 'on-demand'
   */
  readonly capacity?: 'on-demand' | 'spot';
  /**
   * Grafana's own database on the environment's PostgreSQL; give this or `fileSystem`.
   * @default - none: SQLite on `fileSystem`
   */
  readonly database?: GrafanaDatabaseConnection;
  /**
   * The file system for Grafana's SQLite database (exactly one task); give this or `database`.
   * @default - none: the state is in `database`
   */
  readonly fileSystem?: ToolFileSystem;
  /**
   * Fewest and most tasks (more than one needs `database` and `namespace`).
   * @default exactly one task
   */
  readonly tasks?: { readonly min: number; readonly max: number };
  /** The environment's region: the CloudWatch data source's default region. */
  readonly region: string;
  /** The environment's resources, filled into the dashboards' variables. */
  readonly resources: MonitoredResources;
  /**
   * The services other than the default web service: a dashboard each, from its type's template.
   * @default - none: only the default web service's dashboards
   */
  readonly services?: readonly MonitoredService[];
  /** Log groups (name prefixes) Grafana may run Logs Insights queries on, e.g. `/slipway/dev/`. */
  readonly logGroupPrefixes: string[];
  /** Name of Grafana's own log group. */
  readonly logGroupName: string;
  /**
   * Days to keep Grafana's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log group and the admin secret when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the admin password secret, e.g. `slipway-prod/grafana/admin-password`.
   * @default a generated name
   */
  readonly adminSecretName?: string;
  /**
   * Name of the secret key secret (`GF_SECURITY_SECRET_KEY`), e.g. `slipway-prod/grafana/secret-key`.
   * @default a generated name
   */
  readonly secretKeyName?: string;
  /**
   * Register as `grafana.<namespace>`; with more than one task the alerting peers find each other by that name.
   * @default no service discovery
   */
  readonly namespace?: servicediscovery.INamespace;
  /**
   * Route `/grafana/*` on the load balancer from these CIDRs.
   * @default no route (ECS Exec port forwarding)
   */
  readonly route?: ToolRoute;
  /**
   * The URL the load balancer serves (`http://<dns>` or `https://<domain>`); Grafana lives at `<url>/grafana/`.
   * @default http://localhost:3000 (port forwarding)
   */
  readonly publicUrl?: string;
}

/** Where Grafana's PostgreSQL database is and how to log in (credentials from a JSON secret). */
export interface GrafanaDatabaseConnection {
  /** Endpoint address of the instance (a token from SSM). */
  readonly host: string;
  /** Port of the instance. */
  readonly port: number;
  /** Grafana's database. */
  readonly name: string;
  /** Grafana's own credentials: JSON `username` and `password`. */
  readonly secret: secretsmanager.ISecret;
  /** The instance's security group: it admits Grafana's tasks on the port. */
  readonly securityGroup: ec2.ISecurityGroup;
}

/**
 * Grafana as its own Fargate service: the image built from grafana/Dockerfile (the data source and
 * the dashboard provider baked in) from the app's ECR repository; its state in its own PostgreSQL
 * database (several tasks, scaled on CPU and memory, alerting notifications de-duplicated between
 * them by gossip over the Cloud Map name) or, without one, in SQLite on EFS with exactly one task;
 * the environment's dashboards written at start from the task definition; the admin password and
 * the secret key generated in Secrets Manager; served under `/grafana/`, reading CloudWatch with
 * the task role only (access-key authentication is disabled).
 */
export class GrafanaService extends Construct {
  readonly tool: ToolService;
  readonly adminSecret: secretsmanager.Secret;
  /** `GF_SECURITY_SECRET_KEY`: the same for every task. */
  readonly secretKey: secretsmanager.Secret;
  /** The files written into the container at start. */
  readonly provisioning: ProvisionedFile[];
  /** The services' dashboards, written from their type's template at start. */
  readonly serviceDashboards: ServiceProvisioning;

  constructor(scope: Construct, id: string, props: GrafanaServiceProps) {
    super(scope, id);
    const tasks = props.tasks ?? { min: 1, max: 1 };
    if ((props.database === undefined) === (props.fileSystem === undefined))
      throw new Error('GrafanaService: give exactly one of database (PostgreSQL) and fileSystem (SQLite)');
    if (tasks.max > 1 && !(props.database && props.namespace))
      throw new Error(
        `GrafanaService: ${tasks.max} tasks need database (one shared state) and namespace (alerting peers), got ${props.database ? 'no namespace' : 'SQLite'}`,
      );
    [this.adminSecret, this.secretKey] = this.createSecrets(props);

    this.provisioning = renderProvisioning({ resources: props.resources });
    this.serviceDashboards = renderServiceProvisioning(props.services ?? []);
    const provisioningBytes =
      this.provisioning.reduce((n, f) => n + f.content.length, 0) + this.serviceDashboards.templateBytes;
    if (provisioningBytes > MAX_PROVISIONING_BYTES) {
      throw new Error(
        `GrafanaService: the grafana/ provisioning files take ${provisioningBytes} bytes; at most ${MAX_PROVISIONING_BYTES} fit a task definition`,
      );
    }

    this.tool = new ToolService(this, 'Grafana', {
      name: 'grafana',
      cluster: props.cluster,
      subnets: props.subnets,
      assignPublicIp: props.assignPublicIp,
      image: props.image,
      port: GRAFANA_PORT,
      healthPath: '/grafana/api/health',
      // The image installs curl on both of its bases (Alpine, the default tags, and Ubuntu); wget
      // exists only in the Alpine one (BusyBox). Source: grafana/grafana Dockerfile, 2026-12.
      healthProbe: 'curl',
      startSeconds: GRAFANA_START_SECONDS,
      cpu: props.cpu ?? 256,
      memoryMiB: props.memoryMiB ?? 512,
      capacity: props.capacity,
      tasks,
      fileSystem: props.fileSystem,
      dataPath: GRAFANA_DATA_PATH,
      uid: GRAFANA_UID,
      gid: GRAFANA_GID,
      entryPoint: ['/bin/sh', '-c'],
      command: [startScript(this.provisioning, '/run.sh', this.serviceDashboards.dashboards)],
      environment: this.environment(props, tasks.max > 1),
      secrets: this.secrets(props.database),
      logGroupName: props.logGroupName,
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.removalPolicy,
      namespace: props.namespace,
      route: props.route,
    });
    this.connect(props.database, tasks.max > 1);
    this.grantCloudWatchRead(props.logGroupPrefixes);
    const executionRole = this.tool.taskDefinition.executionRole;
    if (executionRole)
      acknowledge(
        executionRole,
        'AwsSolutions-IAM5[Resource::*]',
        'ecr:GetAuthorizationToken has no resource-level permissions; pulling the Grafana image itself is scoped to its repository.',
      );
  }

  /** The admin password and the secret key, generated; kept with the stack unless removable. */
  private createSecrets(props: GrafanaServiceProps): [secretsmanager.Secret, secretsmanager.Secret] {
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const adminSecret = new secretsmanager.Secret(this, 'AdminPassword', {
      secretName: props.adminSecretName,
      description: 'Grafana admin password (user "admin")',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy,
    });
    const secretKey = new secretsmanager.Secret(this, 'SecretKey', {
      secretName: props.secretKeyName,
      description:
        'Grafana secret key (GF_SECURITY_SECRET_KEY): encrypts data source secrets; every task needs the same',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy,
    });
    acknowledge(
      adminSecret,
      'AwsSolutions-SMG4',
      'Grafana reads the admin password only when it creates its database; rotating the secret would not change the login.',
    );
    acknowledge(
      secretKey,
      'AwsSolutions-SMG4',
      'Grafana encrypts stored data source secrets with this key; a rotated key would leave them unreadable (Grafana re-encrypts only through its own key management).',
    );
    return [adminSecret, secretKey];
  }

  /** Plain settings: nothing secret (passwords and keys come from Secrets Manager). */
  private environment(props: GrafanaServiceProps, peers: boolean): Record<string, string> {
    const rootUrl = `${props.publicUrl ?? `http://localhost:${GRAFANA_PORT}`}/grafana/`;
    const db = props.database;
    return {
      ...Object.fromEntries(this.provisioning.map((f) => [f.variable, f.content])),
      ...this.serviceDashboards.variables,
      // Also the data source's default region: the baked-in provisioning file reads ${AWS_REGION}.
      AWS_REGION: props.region,
      TMPDIR: `${GRAFANA_DATA_PATH}/tmp`,
      GF_SERVER_ROOT_URL: rootUrl,
      GF_SERVER_SERVE_FROM_SUB_PATH: 'true',
      GF_SECURITY_ADMIN_USER: 'admin',
      GF_SECURITY_COOKIE_SECURE: String(rootUrl.startsWith('https://')),
      GF_SECURITY_DISABLE_GRAVATAR: 'true',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      // The task role only: no access keys or shared credential files can be configured.
      GF_AWS_ALLOWED_AUTH_PROVIDERS: 'default',
      GF_ANALYTICS_REPORTING_ENABLED: 'false',
      GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
      GF_LOG_MODE: 'console',
      ...(db && {
        GF_DATABASE_TYPE: 'postgres',
        GF_DATABASE_HOST: `${db.host}:${db.port}`,
        GF_DATABASE_NAME: db.name,
        // The instance forces TLS (rds.force_ssl); `require` encrypts without a CA bundle in the image.
        GF_DATABASE_SSL_MODE: 'require',
      }),
      // Alerting HA (Grafana's "Enable alerting high availability"): every task evaluates the rules,
      // the Alertmanagers gossip so each notification is sent once. The Cloud Map name resolves to
      // every task, as the headless service does in Grafana's Kubernetes instructions.
      ...(peers &&
        props.namespace && {
          GF_UNIFIED_ALERTING_HA_PEERS: `grafana.${props.namespace.namespaceName}:${GRAFANA_ALERTING_PORT}`,
          GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS: `0.0.0.0:${GRAFANA_ALERTING_PORT}`,
        }),
    };
  }

  /** Resolved by ECS at task start from Secrets Manager: never in the task definition. */
  private secrets(db: GrafanaDatabaseConnection | undefined): Record<string, ecs.Secret> {
    return {
      GF_SECURITY_ADMIN_PASSWORD: ecs.Secret.fromSecretsManager(this.adminSecret),
      GF_SECURITY_SECRET_KEY: ecs.Secret.fromSecretsManager(this.secretKey),
      ...(db && {
        GF_DATABASE_USER: ecs.Secret.fromSecretsManager(db.secret, 'username'),
        GF_DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(db.secret, 'password'),
      }),
    };
  }

  /** The database port to the instance only; the gossip port between Grafana's own tasks. */
  private connect(db: GrafanaDatabaseConnection | undefined, peers: boolean) {
    const sg = this.tool.securityGroup;
    if (db)
      sg.connections.allowTo(db.securityGroup, ec2.Port.tcp(db.port), 'Grafana to its PostgreSQL database');
    if (!peers) return;
    for (const port of [ec2.Port.tcp(GRAFANA_ALERTING_PORT), ec2.Port.udp(GRAFANA_ALERTING_PORT)]) {
      sg.addIngressRule(sg, port, 'Grafana alerting gossip between Grafana tasks');
      sg.addEgressRule(sg, port, 'Grafana alerting gossip between Grafana tasks');
    }
  }

  /** What Grafana's CloudWatch data source needs (its documented policy), as narrow as IAM allows. */
  private grantCloudWatchRead(logGroupPrefixes: string[]) {
    const role = this.tool.taskDefinition.taskRole;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchRead',
        actions: [
          'cloudwatch:DescribeAlarmsForMetric',
          'cloudwatch:DescribeAlarmHistory',
          'cloudwatch:DescribeAlarms',
          'cloudwatch:ListMetrics',
          'cloudwatch:GetMetricData',
          'cloudwatch:GetInsightRuleReport',
          'logs:DescribeLogGroups',
          'logs:GetQueryResults',
          'logs:StopQuery',
          'ec2:DescribeRegions',
          'tag:GetResources',
        ],
        resources: ['*'],
      }),
    );
    const stack = Stack.of(this);
    const logGroups = logGroupPrefixes.map((prefix) =>
      stack.formatArn({
        service: 'logs',
        resource: 'log-group',
        resourceName: `${prefix}*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'LogsQuery',
        actions: ['logs:StartQuery', 'logs:GetLogGroupFields', 'logs:GetLogEvents'],
        resources: logGroups,
      }),
    );
    for (const arn of logGroups) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${arn}]`,
        "Logs Insights queries on the environment's own log groups (a name prefix), not the account's.",
      );
    }
    // The statements above land in the same default policy as ECS Exec's; the ToolService
    // acknowledgement of Resource::* covers both, with this reason added.
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch GetMetricData/ListMetrics/DescribeAlarms and Logs DescribeLogGroups/GetQueryResults have no resource-level permissions (Grafana CloudWatch data source policy); ssmmessages for ECS Exec likewise.',
    );
  }
}
