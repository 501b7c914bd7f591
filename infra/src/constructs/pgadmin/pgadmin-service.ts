import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import type { ToolFileSystem } from '../efs/tool-file-system.ts';
import { type ToolRoute, ToolService } from '../grafana/tool-service.ts';

// The official image's user (dpage/pgadmin4 Dockerfile: user pgadmin, uid 5050, group root).
export const PGADMIN_UID = 5050;
export const PGADMIN_GID = 0;
export const PGADMIN_PORT = 5050;
/**
 * Seconds pgAdmin may take to answer /misc/ping after its container starts. Not measured (no container
 * runtime was available where it was set); the community pgAdmin Helm chart waits 30 s, then
 * probes every 60 s with a 15 s timeout and tolerates 3 failures, about 210 s in all
 * (rowanruseler/helm-charts charts/pgadmin4/values.yaml, 2026-12). The first start here creates
 * pgAdmin's SQLite database on EFS and loads the server entry before gunicorn imports the app, at
 * 0.25 vCPU; 210 s stays inside ECS's 300 s limit on a start period.
 */
export const PGADMIN_START_SECONDS = 210;
const DATA_PATH = '/var/lib/pgadmin';
const SERVERS_FILE = `${DATA_PATH}/servers.json`;

export interface PgAdminDatabase {
  /** Endpoint address of the PostgreSQL instance (a token from SSM). */
  readonly host: string;
  /** Database to open first. */
  readonly databaseName: string;
  /** Login user name shown in the server entry (the password stays in Secrets Manager). */
  readonly username: string;
  /** The database's security group: it admits pgAdmin on 5432. */
  readonly securityGroup: ec2.ISecurityGroup;
}

export interface PgAdminServiceProps {
  /** The environment's ECS cluster. */
  readonly cluster: ecs.ICluster;
  /** Subnets for the task. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give the task a public IP (environments without NAT).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** Tag of the official `dpage/pgadmin4` image, e.g. `9.8`. */
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
  /** Login email of the pgAdmin admin user. */
  readonly email: string;
  /** The environment's database, preconfigured as a server entry. */
  readonly database: PgAdminDatabase;
  /** Server entry name and group shown in pgAdmin, e.g. `slipway-prod`. */
  readonly serverName: string;
  /** The file system for pgAdmin's SQLite database. */
  readonly fileSystem: ToolFileSystem;
  /** Name of pgAdmin's log group. */
  readonly logGroupName: string;
  /**
   * Days to keep pgAdmin's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log group and the login secret when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Name of the login password secret, e.g. `slipway-prod/pgadmin/login-password`.
   * @default a generated name
   */
  readonly loginSecretName?: string;
  /**
   * Register as `pgadmin.<namespace>`.
   * @default no service discovery
   */
  readonly namespace?: servicediscovery.INamespace;
  /**
   * Route `/pgadmin/*` on the load balancer from these CIDRs.
   * @default no route (ECS Exec port forwarding)
   */
  readonly route?: ToolRoute;
}

/**
 * pgAdmin as a one-task Fargate service, off unless enabled: state on EFS, the login
 * password generated in Secrets Manager, a server entry for the environment's PostgreSQL (TLS
 * required) replaced on every start, reachable only through allowed CIDRs or port forwarding.
 * The database password is not stored in pgAdmin: take it from the database secret when asked.
 */
export class PgAdminService extends Construct {
  readonly tool: ToolService;
  readonly loginSecret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: PgAdminServiceProps) {
    super(scope, id);
    if (!/^\d+\.\d+(\.\d+)?$/.test(props.version)) {
      throw new Error(`PgAdminService: version must be an exact tag like 9.8, got "${props.version}"`);
    }
    this.loginSecret = new secretsmanager.Secret(this, 'LoginPassword', {
      secretName: props.loginSecretName,
      description: `pgAdmin login password (${props.email})`,
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.loginSecret,
      'AwsSolutions-SMG4',
      'pgAdmin reads the initial login password only when it creates its database; rotating the secret would not change the login.',
    );

    const servers = JSON.stringify({
      Servers: {
        '1': {
          Name: props.serverName,
          Group: 'Slipway',
          Host: props.database.host,
          Port: 5432,
          MaintenanceDB: props.database.databaseName,
          Username: props.database.username,
          SSLMode: 'require',
        },
      },
    });

    this.tool = new ToolService(this, 'PgAdmin', {
      name: 'pgadmin',
      cluster: props.cluster,
      subnets: props.subnets,
      assignPublicIp: props.assignPublicIp,
      image: ecs.ContainerImage.fromRegistry(`dpage/pgadmin4:${props.version}`),
      port: PGADMIN_PORT,
      healthPath: '/pgadmin/misc/ping',
      // The image is python:3-alpine based and installs no curl; BusyBox provides wget. Source:
      // pgadmin-org/pgadmin4 Dockerfile, 2026-12.
      healthProbe: 'wget',
      startSeconds: PGADMIN_START_SECONDS,
      // pgAdmin answers from one gunicorn worker; a ping queued behind a long query can take seconds.
      healthTimeoutSeconds: 15,
      cpu: props.cpu ?? 256,
      memoryMiB: props.memoryMiB ?? 512,
      capacity: 'on-demand',
      fileSystem: props.fileSystem,
      dataPath: DATA_PATH,
      uid: PGADMIN_UID,
      gid: PGADMIN_GID,
      // The image's entrypoint writes its own configuration into the image at start.
      readonlyRootFilesystem: false,
      entryPoint: ['/bin/sh', '-c'],
      command: [`set -eu\nprintf '%s\\n' "$SLIPWAY_SERVERS_JSON" > '${SERVERS_FILE}'\nexec /entrypoint.sh`],
      environment: {
        SLIPWAY_SERVERS_JSON: servers,
        PGADMIN_DEFAULT_EMAIL: props.email,
        PGADMIN_LISTEN_PORT: String(PGADMIN_PORT),
        PGADMIN_SERVER_JSON_FILE: SERVERS_FILE,
        PGADMIN_REPLACE_SERVERS_ON_STARTUP: 'True',
        PGADMIN_DISABLE_POSTFIX: 'true',
        // Served under /pgadmin/ behind the load balancer.
        SCRIPT_NAME: '/pgadmin',
        PGADMIN_CONFIG_UPGRADE_CHECK_ENABLED: 'False',
      },
      secrets: { PGADMIN_DEFAULT_PASSWORD: ecs.Secret.fromSecretsManager(this.loginSecret) },
      logGroupName: props.logGroupName,
      logRetentionDays: props.logRetentionDays,
      logRemovalPolicy: props.removalPolicy,
      namespace: props.namespace,
      route: props.route,
    });
    this.tool.securityGroup.connections.allowTo(
      props.database.securityGroup,
      ec2.Port.tcp(5432),
      'pgAdmin to PostgreSQL',
    );
  }
}
