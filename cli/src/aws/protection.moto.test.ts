/**
 * The SDK implementation of `ProtectionApi` against moto_server (5.2):
 * 1. termination protection is read from DescribeStacks (a stack created with it reads true, one
 *    without false, a missing stack undefined);
 * 2. the RDS instance of a stack is found through ListStackResources by type;
 * 3. deletion protection: read, refused deletion while on (as RDS refuses it), switched off with
 *    ModifyDBInstance (waiting until DescribeDBInstances shows it), after which the deletion with a
 *    final snapshot succeeds and the snapshot exists; a missing instance reads undefined.
 * Not here: UpdateTerminationProtection, which moto 5.2.1 does not implement (it answers with an
 * HTML page); destroy.test.ts covers that step with the in-memory fake.
 */
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import {
  CreateDBInstanceCommand,
  DeleteDBInstanceCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { type MotoServer, motoServerAvailability, startMotoServer } from '@slipway/testing/moto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ProtectionApi, sdkProtection } from './protection.ts';

const moto = motoServerAvailability();
const REGION = 'af-south-1';

describe.skipIf(!moto.available)('ProtectionApi (AWS SDK) against moto_server', () => {
  let server: MotoServer;
  let api: ProtectionApi;
  let cfn: CloudFormationClient;
  let rds: RDSClient;
  beforeAll(async () => {
    server = await startMotoServer({ region: REGION });
    const clientConfig = { endpoint: server.endpoint, credentials: server.clientConfig.credentials };
    api = sdkProtection({ clientConfig, intervalMs: 10 })(REGION);
    cfn = new CloudFormationClient({ ...clientConfig, region: REGION });
    rds = new RDSClient({ ...clientConfig, region: REGION });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(async () => {
    await server.reset();
  });

  const template = {
    Resources: {
      DatabaseInstance: {
        Type: 'AWS::RDS::DBInstance',
        DeletionPolicy: 'Snapshot',
        Properties: {
          DBInstanceClass: 'db.t4g.small',
          Engine: 'postgres',
          AllocatedStorage: '20',
          MasterUsername: 'app_admin',
          MasterUserPassword: 'not-a-secret-moto-only',
        },
      },
    },
  };

  it('reads termination protection from the stack', async () => {
    const body = JSON.stringify(template);
    await cfn.send(
      new CreateStackCommand({
        StackName: 'slipway-prod-data',
        TemplateBody: body,
        EnableTerminationProtection: true,
      }),
    );
    await cfn.send(new CreateStackCommand({ StackName: 'slipway-dev-data', TemplateBody: body }));
    expect(await api.terminationProtection('slipway-prod-data')).toBe(true);
    expect(await api.terminationProtection('slipway-dev-data')).toBe(false);
    expect(await api.terminationProtection('slipway-missing-data')).toBeUndefined();
  });

  it("finds the stack's RDS instance by resource type", async () => {
    await cfn.send(
      new CreateStackCommand({ StackName: 'slipway-prod-data', TemplateBody: JSON.stringify(template) }),
    );
    const ids = await api.stackResourceIds('slipway-prod-data', 'AWS::RDS::DBInstance');
    expect(ids).toHaveLength(1);
    expect(await api.database(ids[0] ?? '')).toEqual({ status: 'available', deletionProtection: false });
    expect(await api.stackResourceIds('slipway-prod-data', 'AWS::EFS::FileSystem')).toEqual([]);
  });

  it('switches deletion protection off, after which the deletion with a final snapshot goes through', async () => {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'slipway-prod-db',
        DBInstanceClass: 'db.t4g.small',
        Engine: 'postgres',
        AllocatedStorage: 20,
        MasterUsername: 'app_admin',
        MasterUserPassword: 'not-a-secret-moto-only',
        DeletionProtection: true,
      }),
    );
    expect(await api.database('slipway-prod-db')).toEqual({ status: 'available', deletionProtection: true });
    const remove = () =>
      rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: 'slipway-prod-db',
          FinalDBSnapshotIdentifier: 'slipway-prod-db-final',
        }),
      );
    await expect(remove()).rejects.toThrow(/protected/i);

    await api.setDeletionProtection('slipway-prod-db', false);
    expect(await api.database('slipway-prod-db')).toEqual({ status: 'available', deletionProtection: false });
    await remove();
    const snapshots = await rds.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'slipway-prod-db-final' }),
    );
    expect(snapshots.DBSnapshots?.map((s) => s.DBInstanceIdentifier)).toEqual(['slipway-prod-db']);
    expect(await api.database('slipway-prod-db')).toBeUndefined();
    await expect(api.setDeletionProtection('slipway-prod-db', false)).rejects.toThrow(/not found/i);
  });
});
