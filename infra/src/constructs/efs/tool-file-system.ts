import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export interface ToolFileSystemProps {
  /** The VPC; mount targets go into `subnets`. */
  readonly vpc: ec2.IVpc;
  /** Subnets for the mount targets (where the tasks run). */
  readonly subnets: ec2.SubnetSelection;
  /**
   * What happens to the file system (and the tools' state on it) when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

export interface ToolAccessPointOptions {
  /** Directory at the root of the file system the access point confines clients to, e.g. `/grafana`. */
  readonly path: string;
  /** POSIX user id every client of this access point acts as (and owner of `path`). */
  readonly uid: number;
  /** POSIX group id every client acts as. */
  readonly gid: number;
}

/**
 * An EFS file system for the tools' SQLite state (pgAdmin's; Grafana's only without PostgreSQL): encrypted
 * at rest, automatic AWS Backup, files moved to Infrequent Access after 7 days unused (and back
 * on first access), and a file system policy that admits only TLS clients authorized by IAM
 * through an access point. Each tool gets its own access point (directory, uid/gid) and only that.
 */
export class ToolFileSystem extends Construct {
  readonly fileSystem: efs.FileSystem;
  readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: ToolFileSystemProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Tool file system: NFS only from the tool tasks',
      allowAllOutbound: false,
    });
    this.fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroup: this.securityGroup,
      encrypted: true,
      enableAutomaticBackups: true,
      lifecyclePolicy: efs.LifecyclePolicy.AFTER_7_DAYS,
      outOfInfrequentAccessPolicy: efs.OutOfInfrequentAccessPolicy.AFTER_1_ACCESS,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.BURSTING,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      // Clients must authenticate with IAM (no anonymous mounts) ...
      allowAnonymousAccess: false,
    });
    // ... and use TLS.
    this.fileSystem.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenyWithoutTls',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['*'],
        resources: ['*'],
        conditions: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  }

  /** An access point confining its clients to `path` as `uid:gid`, created with mode 750. */
  addAccessPoint(id: string, options: ToolAccessPointOptions): efs.AccessPoint {
    if (!/^\/[\w-]+$/.test(options.path)) {
      throw new Error(
        `ToolFileSystem: access point path must be one directory like "/grafana", got "${options.path}"`,
      );
    }
    for (const [key, value] of [
      ['uid', options.uid],
      ['gid', options.gid],
    ] as const) {
      if (!(Number.isInteger(value) && value >= 0 && value <= 4294967295))
        throw new Error(`ToolFileSystem: ${key} must be a POSIX id (0-4294967295), got ${value}`);
    }
    return this.fileSystem.addAccessPoint(id, {
      path: options.path,
      posixUser: { uid: String(options.uid), gid: String(options.gid) },
      createAcl: { ownerUid: String(options.uid), ownerGid: String(options.gid), permissions: '750' },
    });
  }

  /**
   * Lets a task role mount `accessPoint` read-write over TLS, and the task's security group reach
   * NFS. Mounting through any other access point stays denied by IAM.
   */
  grantMount(
    role: iam.IGrantable,
    accessPoint: efs.IAccessPoint,
    peer: ec2.IConnectable,
    description: string,
  ) {
    this.fileSystem.grant(role, 'elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite');
    // Narrow the identity grant to this access point.
    role.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        effect: iam.Effect.DENY,
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [this.fileSystem.fileSystemArn],
        conditions: { StringNotEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
      }),
    );
    this.fileSystem.connections.allowDefaultPortFrom(peer, description);
  }
}
