import type { ResolvedEnvironment } from '@slipway/config';
import { PARAMETERS } from '@slipway/config/contract';
import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PostgresDatabase } from '../constructs/database/postgres-database.ts';
import { GrafanaDatabase } from '../constructs/grafana/grafana-database.ts';
import { ImportedNetwork } from '../constructs/network/imported-network.ts';
import { OfficeHours } from '../constructs/office-hours/index.ts';
import { writeParameter } from '../constructs/parameters/index.ts';

export interface DataStackProps extends StackProps {
  /** The environment, with every default applied; it must have a database. */
  readonly environment: ResolvedEnvironment;
}

/**
 * The data layer: the environment's PostgreSQL, and Grafana's own role and database on it when
 * Grafana keeps its state there. Reads the network from SSM, publishes its endpoint there.
 */
export class DataStack extends Stack {
  readonly database: PostgresDatabase;
  readonly grafana: GrafanaDatabase | undefined;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    const env = props.environment;
    const db = env.database;
    if (!db) throw new Error(`DataStack: environment "${env.name}" has no database (app.database is false)`);
    const grafanaOnPostgres = env.grafana.enabled && env.grafana.database === 'postgres';
    // Functions that reach the instance (rotation, Grafana's bootstrap) run in the workload subnets.
    const network = new ImportedNetwork(this, 'Network', env, {
      subnets: db.rotationDays || grafanaOnPostgres ? ['isolated', 'workload'] : ['isolated'],
    });

    this.database = new PostgresDatabase(this, 'Database', {
      vpc: network.vpc,
      workloadSubnets: network.workloadSubnets,
      databaseName: db.name,
      engineVersion: db.engineVersion,
      instanceClass: db.instanceClass,
      multiAz: db.multiAz,
      backupRetentionDays: db.backupRetentionDays,
      deletionProtection: db.deletionProtection,
      snapshotOnRemoval: db.snapshotOnRemoval,
      allocatedStorageGiB: db.allocatedStorageGiB,
      maxAllocatedStorageGiB: db.maxAllocatedStorageGiB,
      rotationDays: db.rotationDays,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      encryptionKey: db.encryptionKey,
      logRetentionDays: env.service.logRetentionDays,
    });
    const instance = this.database.instance;
    const secret = instance.secret;
    if (!secret) throw new Error('DataStack: the database instance has no generated secret');

    const write = (key: string, value: string, description: string) =>
      writeParameter(this, env, key, value, description);
    write(PARAMETERS.dbEndpoint, instance.dbInstanceEndpointAddress, 'PostgreSQL endpoint address');
    write(PARAMETERS.dbPort, instance.dbInstanceEndpointPort, 'PostgreSQL port');
    write(PARAMETERS.dbSecretArn, secret.secretArn, 'ARN of the Secrets Manager secret with the credentials');
    write(
      PARAMETERS.dbSecurityGroupId,
      this.database.securityGroup.securityGroupId,
      'Database security group id',
    );
    write(PARAMETERS.dbInstanceId, instance.instanceIdentifier, 'RDS instance identifier');

    if (grafanaOnPostgres) {
      this.grafana = new GrafanaDatabase(this, 'GrafanaDatabase', {
        vpc: network.vpc,
        subnets: network.workloadSubnets,
        instance,
        securityGroup: this.database.securityGroup,
        connectDatabase: db.name,
        secretName: `${env.prefix}/grafana/database`,
        removalPolicy: env.protected ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        logRetentionDays: env.service.logRetentionDays,
      });
      write(
        PARAMETERS.grafanaDbSecretArn,
        this.grafana.secret.secretArn,
        "ARN of Grafana's database credentials",
      );
    }

    // Office hours: the instance stops outside them (its storage stays, and is billed). RDS starts
    // a stopped instance by itself after seven days; any weekly schedule starts it sooner.
    if (env.officeHours) {
      new OfficeHours(this, 'OfficeHours', { ...env.officeHours, databases: [instance], label: env.prefix });
    }
  }
}
