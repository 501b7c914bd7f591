import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import type { ToolFileSystem } from '../efs/tool-file-system.ts';
import type { MonitoredResources } from '../monitoring/metrics.ts';
import type { MonitoredService } from '../monitoring/service-metrics.ts';
import {
  CONTAINER_PROVISIONING_PATH,
  GRAFANA_DATA_PATH,
  type ProvisionedFile,
  renderProvisioning,
  startScript,
} from './provisioning.ts';
import { renderServiceProvisioning, type ServiceProvisioning } from './service-provisioning.ts';
import { type ToolRoute, ToolService } from './tool-service.ts';

// The official image's user and group (grafana/grafana Dockerfile: GF_UID 472, GF_GID 0).
export const GRAFANA_UID = 472;
export const GRAFANA_GID = 0;
export const GRAFANA_PORT = 3000;
/**
 * Seconds Grafana may take to answer /api/health after its container starts. Not measured (no container
 * runtime was available where it was set); Grafana's own Helm chart lets a start take 60 s
 * before its liveness probe begins and tolerates 10 failures 10 s apart after that (grafana/helm-charts
 * charts/grafana/values.yaml, 2026-12). The first start here is slower than that chart's case: it
 * runs every migration of a new SQLite database over EFS (network round trips per commit) at 0.25 vCPU.
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
  /** Tag of the official `grafana/grafana` image, e.g. `12.2.1`. */
  readonly version: string;
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
   * Fargate capacity of the one task.
   * @default 'on-demand'
   */
  readonly capacity?: 'on-demand' | 'spot';
  /** The file system for Grafana's SQLite database and plugins. */
  readonly fileSystem: ToolFileSystem;
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
   * Register as `grafana.<namespace>`.
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

/**
 * Grafana as its own one-task Fargate service: the official image pinned by tag, state
 * on EFS through an access point as Grafana's uid/gid with IAM and TLS, the CloudWatch data source
 * and the dashboards provisioned from the repository's grafana/ folder, the admin password
 * generated in Secrets Manager, served under `/grafana/`, and reading CloudWatch with the task role
 * only (access-key authentication is disabled).
 */
export class GrafanaService extends Construct {
  readonly tool: ToolService;
  readonly adminSecret: secretsmanager.Secret;
  /** The files written into the container at start. */
  readonly provisioning: ProvisionedFile[];
  /** The services' dashboards, written from their type's template at start. */
  readonly serviceDashboards: ServiceProvisioning;

  constructor(scope: Construct, id: string, props: GrafanaServiceProps) {
    super(scope, id);
    if (!/^\d+\.\d+\.\d+$/.test(props.version)) {
      throw new Error(`GrafanaService: version must be an exact tag like 12.2.1, got "${props.version}"`);
    }
    this.adminSecret = new secretsmanager.Secret(this, 'AdminPassword', {
      secretName: props.adminSecretName,
      description: 'Grafana admin password (user "admin")',
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.adminSecret,
      'AwsSolutions-SMG4',
      'Grafana reads the admin password only when it creates its database; rotating the secret would not change the login.',
    );

    this.provisioning = renderProvisioning({ region: props.region, resources: props.resources });
    this.serviceDashboards = renderServiceProvisioning(props.services ?? []);
    const provisioningBytes =
      this.provisioning.reduce((n, f) => n + f.content.length, 0) + this.serviceDashboards.templateBytes;
    if (provisioningBytes > MAX_PROVISIONING_BYTES) {
      throw new Error(
        `GrafanaService: the grafana/ provisioning files take ${provisioningBytes} bytes; at most ${MAX_PROVISIONING_BYTES} fit a task definition`,
      );
    }
    const rootUrl = `${props.publicUrl ?? `http://localhost:${GRAFANA_PORT}`}/grafana/`;

    this.tool = new ToolService(this, 'Grafana', {
      name: 'grafana',
      cluster: props.cluster,
      subnets: props.subnets,
      assignPublicIp: props.assignPublicIp,
      image: ecs.ContainerImage.fromRegistry(`grafana/grafana:${props.version}`),
      port: GRAFANA_PORT,
      healthPath: '/grafana/api/health',
      // The image installs curl on both of its bases (Alpine, the default tags, and Ubuntu); wget
      // exists only in the Alpine one (BusyBox). Source: grafana/grafana Dockerfile, 2026-12.
      healthProbe: 'curl',
      startSeconds: GRAFANA_START_SECONDS,
      cpu: props.cpu ?? 256,
      memoryMiB: props.memoryMiB ?? 512,
      capacity: props.capacity,
      fileSystem: props.fileSystem,
      dataPath: GRAFANA_DATA_PATH,
      uid: GRAFANA_UID,
      gid: GRAFANA_GID,
      entryPoint: ['/bin/sh', '-c'],
      command: [startScript(this.provisioning, '/run.sh', this.serviceDashboards.dashboards)],
      environment: {
        ...Object.fromEntries(this.provisioning.map((f) => [f.variable, f.content])),
        ...this.serviceDashboards.variables,
        AWS_REGION: props.region,
        GF_PATHS_PROVISIONING: CONTAINER_PROVISIONING_PATH,
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
      },
      secrets: { GF_SECURITY_ADMIN_PASSWORD: ecs.Secret.fromSecretsManager(this.adminSecret) },
      logGroupName: props.logGroupName,
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.removalPolicy,
      namespace: props.namespace,
      route: props.route,
    });
    this.grantCloudWatchRead(props.logGroupPrefixes);
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
