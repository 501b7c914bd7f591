import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { denyGrantsOutsideAwsServices } from '../guardrails/index.ts';

export const POSTGRES_MAJOR_VERSIONS = ['16', '17', '18'] as const;
// Construct id CDK gives the LogRetention singleton function (aws-cdk-lib aws-logs).
const LOG_RETENTION_SINGLETON = 'LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a';

export type PostgresMajorVersion = (typeof POSTGRES_MAJOR_VERSIONS)[number];

export interface PostgresDatabaseProps {
  /** The VPC; the instance goes into its isolated subnets. */
  readonly vpc: ec2.IVpc;
  /** Subnets that can reach the instance (used only for the rotation function). */
  readonly workloadSubnets: ec2.SubnetSelection;
  /** Name of the database created in the instance. */
  readonly databaseName: string;
  /**
   * PostgreSQL major version; RDS picks the current minor and upgrades minors automatically.
   * @default '18'
   */
  readonly engineVersion?: PostgresMajorVersion;
  /**
   * Instance class without the `db.` prefix.
   * @default 't4g.micro'
   */
  readonly instanceClass?: string;
  /**
   * A synchronous standby in a second zone with automatic failover.
   * @default false
   */
  readonly multiAz?: boolean;
  /**
   * Days of automated backups (1-35).
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Refuse deletion of the instance.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Take a final snapshot when the instance is removed (otherwise it is deleted with its data).
   * @default true
   */
  readonly snapshotOnRemoval?: boolean;
  /**
   * Initial gp3 storage in GiB.
   * @default 20
   */
  readonly allocatedStorageGiB?: number;
  /**
   * Storage autoscaling ceiling in GiB.
   * @default 100
   */
  readonly maxAllocatedStorageGiB?: number;
  /**
   * Rotate the master password every this many days; `false` disables rotation.
   * @default false
   */
  readonly rotationDays?: number | false;
  /** RDS Enhanced Monitoring interval in seconds; 0 turns it off. @default off */
  readonly monitoringIntervalSeconds?: number;
  /**
   * The key that encrypts the storage, snapshots and backups: RDS's AWS-managed `aws/rds` key, or
   * a customer-managed key of this construct (rotated yearly, $1 a month). Only a
   * customer-managed key lets a snapshot be shared with or copied to another account. Fixed when
   * the instance is created: changing it replaces the database.
   * @default 'aws-managed'
   */
  readonly encryptionKey?: 'aws-managed' | 'customer-managed';
  /**
   * Days to keep the PostgreSQL logs exported to CloudWatch Logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * RDS PostgreSQL for one environment: isolated subnets, encrypted gp3 storage, TLS enforced by the
 * parameter group (`rds.force_ssl`), generated master credentials in Secrets Manager, backups,
 * optional Multi-AZ, deletion protection and rotation. Its security group starts closed: the
 * service layer opens 5432 to the service's security group only.
 */
export class PostgresDatabase extends Construct {
  readonly instance: rds.DatabaseInstance;
  readonly securityGroup: ec2.SecurityGroup;
  readonly secret: rds.DatabaseSecret | undefined;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    const version = props.engineVersion ?? '18';
    if (!POSTGRES_MAJOR_VERSIONS.includes(version)) {
      throw new Error(
        `PostgresDatabase: engineVersion must be one of ${POSTGRES_MAJOR_VERSIONS.join(', ')}, got "${version}"`,
      );
    }
    const backupRetentionDays = props.backupRetentionDays ?? 7;
    if (!(backupRetentionDays >= 1 && backupRetentionDays <= 35)) {
      throw new Error(`PostgresDatabase: backupRetentionDays must be 1-35, got ${backupRetentionDays}`);
    }
    const engine = rds.DatabaseInstanceEngine.postgres({
      version: rds.PostgresEngineVersion.of(version, version),
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'PostgreSQL: ingress only from the service security group',
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'Slipway PostgreSQL: TLS required, slow statements logged',
      parameters: {
        'rds.force_ssl': '1',
        password_encryption: 'scram-sha-256',
        log_min_duration_statement: '1000',
      },
    });

    const snapshot = props.snapshotOnRemoval ?? true;
    this.instance = new rds.DatabaseInstance(this, 'Instance', {
      engine,
      instanceType: new ec2.InstanceType(props.instanceClass ?? 't4g.micro'),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [this.securityGroup],
      databaseName: props.databaseName,
      credentials: rds.Credentials.fromGeneratedSecret('app_admin'),
      parameterGroup,
      storageType: rds.StorageType.GP3,
      allocatedStorage: props.allocatedStorageGiB ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGiB ?? 100,
      storageEncrypted: true,
      storageEncryptionKey: props.encryptionKey === 'customer-managed' ? this.storageKey(props) : undefined,
      multiAz: props.multiAz ?? false,
      backupRetention: Duration.days(backupRetentionDays),
      deleteAutomatedBackups: !snapshot,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: snapshot ? RemovalPolicy.SNAPSHOT : RemovalPolicy.DESTROY,
      autoMinorVersionUpgrade: true,
      iamAuthentication: true,
      caCertificate: rds.CaCertificate.RDS_CA_RSA2048_G1,
      cloudwatchLogsExports: ['postgresql', 'upgrade'],
      cloudwatchLogsRetention: props.logRetentionDays ?? 30,
      publiclyAccessible: false,
      copyTagsToSnapshot: true,
      monitoringInterval: props.monitoringIntervalSeconds
        ? Duration.seconds(props.monitoringIntervalSeconds)
        : undefined,
    });
    this.secret = this.instance.secret as rds.DatabaseSecret | undefined;

    if (props.rotationDays) {
      this.instance.addRotationSingleUser({
        automaticallyAfter: Duration.days(props.rotationDays),
        vpcSubnets: props.workloadSubnets,
      });
    } else {
      acknowledge(
        this.instance.node.findChild('Secret'),
        'AwsSolutions-SMG4',
        'Rotation is off by configuration (database.rotationDays: false), the default for non-production environments.',
      );
    }
    this.acknowledgeChoices(props);
  }

  /** The customer-managed key of the storage; retained with a snapshot, like the instance. */
  private storageKey(props: PostgresDatabaseProps): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.databaseName} PostgreSQL storage, snapshots and backups`,
      enableKeyRotation: true,
      removalPolicy: (props.snapshotOnRemoval ?? true) ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    denyGrantsOutsideAwsServices(key);
    return key;
  }

  private acknowledgeChoices(props: PostgresDatabaseProps) {
    if (!(props.multiAz ?? false)) {
      acknowledge(
        this.instance,
        'AwsSolutions-RDS3',
        'Single-AZ by configuration (database.multiAz: false), the default for non-production environments.',
      );
    }
    if (!(props.deletionProtection ?? true)) {
      acknowledge(
        this.instance,
        'AwsSolutions-RDS10',
        'Deletion protection off by configuration; protected environments cannot turn it off without a written waiver.',
      );
    }
    acknowledge(
      this.instance,
      'AwsSolutions-RDS11',
      'A non-default port adds no security here: only the service security group and the isolated-subnet NACL admit 5432.',
    );
    const monitoringRole = this.instance.node.tryFindChild('MonitoringRole');
    if (monitoringRole) {
      acknowledge(
        monitoringRole,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        'The role RDS Enhanced Monitoring assumes; the AWS policy only lets it write the RDSOSMetrics log group.',
      );
    }
    // cloudwatchLogsRetention runs on CDK's LogRetention singleton function at the stack root.
    const logRetention = Stack.of(this).node.tryFindChild(LOG_RETENTION_SINGLETON);
    if (logRetention) {
      acknowledge(
        logRetention,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK-managed LogRetention function: the basic execution policy only lets it write its own logs.',
      );
      acknowledge(
        logRetention,
        'AwsSolutions-IAM5[Resource::*]',
        'CDK-managed LogRetention function sets retention on log groups RDS creates at run time, whose ARNs are unknown here.',
      );
    }
  }
}
