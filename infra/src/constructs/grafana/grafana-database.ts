import { GRAFANA_DATABASE } from '@slipway/config/contract';
import { type CfnResource, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';
import { HandlerFunction } from '../deployment/hook-function.ts';

/** The instance's port (PostgresDatabase keeps PostgreSQL's default). */
export const POSTGRES_PORT = 5432;
/** Where the Lambda runtime keeps the Amazon CA bundle with the RDS CAs (Node.js 20+ loads it only when asked). */
const RUNTIME_CA_BUNDLE = '/var/runtime/ca-cert.pem';

export interface GrafanaDatabaseProps {
  /** The VPC of the instance. */
  readonly vpc: ec2.IVpc;
  /** Subnets the bootstrap function runs in: they reach the instance, and Secrets Manager through NAT. */
  readonly subnets: ec2.SubnetSelection;
  /** The environment's PostgreSQL instance (with its generated master secret). */
  readonly instance: rds.DatabaseInstance;
  /** The instance's security group: it admits the bootstrap function on the instance port. */
  readonly securityGroup: ec2.ISecurityGroup;
  /** A database that exists on the instance, to connect to (the app's). */
  readonly connectDatabase: string;
  /**
   * Name of Grafana's credentials secret, e.g. `slipway-prod/grafana/database`.
   * @default a generated name
   */
  readonly secretName?: string;
  /**
   * What happens to the credentials secret when the stack is deleted (the role and database stay).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Days to keep the bootstrap function's logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * Grafana's own role and database on the environment's PostgreSQL: its credentials generated in
 * Secrets Manager (JSON `username`/`password`), and a deploy-time custom resource whose function
 * runs in the VPC, logs in with the master secret and creates the role and database idempotently
 * (infra/functions/grafana-db). The role owns only its database; nothing is dropped on delete.
 */
export class GrafanaDatabase extends Construct {
  /** Grafana's credentials. */
  readonly secret: secretsmanager.Secret;
  /** The database's name. */
  readonly databaseName: string;
  readonly function: HandlerFunction;

  constructor(scope: Construct, id: string, props: GrafanaDatabaseProps) {
    super(scope, id);
    const { role, database } = GRAFANA_DATABASE;
    this.databaseName = database;
    const master = props.instance.secret;
    if (!master) throw new Error('GrafanaDatabase: the instance has no generated master secret');
    this.secret = new secretsmanager.Secret(this, 'Credentials', {
      secretName: props.secretName,
      description: `Grafana's PostgreSQL login (role ${role}, database ${database})`,
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ username: role }),
        generateStringKey: 'password',
        passwordLength: 32,
        excludePunctuation: true,
      },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'Grafana database bootstrap: PostgreSQL and HTTPS to Secrets Manager only',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to Secrets Manager');
    securityGroup.connections.allowTo(
      props.securityGroup,
      ec2.Port.tcp(POSTGRES_PORT),
      'Grafana database bootstrap to PostgreSQL',
    );

    this.function = new HandlerFunction(this, 'Bootstrap', {
      handler: 'grafana-db',
      timeout: Duration.seconds(60),
      logRetentionDays: props.logRetentionDays,
      vpc: { vpc: props.vpc, subnets: props.subnets, securityGroup },
      environment: {
        DB_HOST: props.instance.dbInstanceEndpointAddress,
        DB_PORT: props.instance.dbInstanceEndpointPort,
        DB_NAME: props.connectDatabase,
        ADMIN_SECRET_ARN: master.secretArn,
        TOOL_SECRET_ARN: this.secret.secretArn,
        NODE_EXTRA_CA_CERTS: RUNTIME_CA_BUNDLE,
      },
    });
    master.grantRead(this.function.function);
    this.secret.grantRead(this.function.function);

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function.function });
    const resource = new CustomResource(this, 'Database', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::GrafanaDatabase',
      // The host: a replaced instance gets the role and database again on the next deploy.
      properties: { Role: role, Database: database, Host: props.instance.dbInstanceEndpointAddress },
    });
    // The instance, and the rules that let the function reach it, before the first invocation.
    resource.node.addDependency(props.instance, props.securityGroup, securityGroup);
    this.acknowledgeFindings(provider);
  }

  private acknowledgeFindings(provider: cr.Provider) {
    const fn = this.function.function;
    acknowledge(
      this.secret,
      'AwsSolutions-SMG4',
      "Grafana's tasks read the password only when they start and the bootstrap sets it only at deploy: rotation would lock Grafana out until both ran again. Change it by putting a new value, redeploying the data stack's bootstrap and then Grafana (docs/observability.md).",
    );
    for (const scope of [provider, fn])
      acknowledge(
        scope,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'The AWS managed basic execution role only lets the function write its own logs.',
      );
    acknowledge(
      fn,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
      'The AWS managed VPC access role only lets the function manage the network interfaces it runs in the VPC with.',
    );
    const functionId = Stack.of(this).resolve(
      Stack.of(this).getLogicalId(fn.node.defaultChild as CfnResource),
    );
    acknowledge(
      provider,
      `AwsSolutions-IAM5[Resource::<${functionId}.Arn>:*]`,
      "CDK's custom-resource provider framework may invoke the bootstrap function and its versions, nothing else.",
    );
  }
}
