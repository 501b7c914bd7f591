import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  DescribeStacksCommand,
  ListStackResourcesCommand,
  type ListStackResourcesCommandOutput,
  UpdateTerminationProtectionCommand,
} from '@aws-sdk/client-cloudformation';
import { DescribeDBInstancesCommand, ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import type { TemporaryCredentials } from './api.ts';

/**
 * What `slipway destroy --allow-protected` switches off before it deletes a protected
 * environment: CloudFormation termination protection on the environment's stacks and RDS
 * deletion protection on its database. Beside the interfaces in `api.ts`, in the same style: the
 * SDK implementation is below, tests use a fake or moto_server.
 */
export interface ProtectionApi {
  /** Whether the stack has termination protection on; undefined when the stack does not exist. */
  terminationProtection(stack: string): Promise<boolean | undefined>;
  /** UpdateTerminationProtection. */
  setTerminationProtection(stack: string, enabled: boolean): Promise<void>;
  /** Physical ids of the stack's resources of one CloudFormation type (ListStackResources). */
  stackResourceIds(stack: string, type: string): Promise<string[]>;
  /** An RDS instance's status and deletion protection, or undefined when it does not exist. */
  database(id: string): Promise<{ status: string; deletionProtection: boolean } | undefined>;
  /**
   * ModifyDBInstance DeletionProtection with ApplyImmediately; resolves once DescribeDBInstances
   * reports the new value.
   */
  setDeletionProtection(id: string, enabled: boolean): Promise<void>;
}

export type ProtectionFactory = (region: string, credentials?: TemporaryCredentials) => ProtectionApi;

const errorName = (e: unknown) => (e as { name?: string })?.name ?? '';
const message = (e: unknown) => (e as Error)?.message ?? '';

export interface ProtectionSdkOptions {
  /** Extra client settings (moto_server's endpoint and dummy credentials in tests). */
  readonly clientConfig?: Pick<CloudFormationClientConfig, 'endpoint' | 'credentials'>;
  /** Checks of the instance after ModifyDBInstance before giving up. @default 30 */
  readonly attempts?: number;
  /** Wait between those checks, milliseconds. @default 2000 */
  readonly intervalMs?: number;
}

/** The AWS SDK v3 implementation (credentials and endpoints from the standard chain). */
export function sdkProtection(options: ProtectionSdkOptions = {}): ProtectionFactory {
  return (region, credentials) => {
    const config = { region, ...(credentials ? { credentials } : {}), ...options.clientConfig };
    const cfn = new CloudFormationClient(config);
    const rds = new RDSClient(config);
    const database = async (id: string) => {
      try {
        const out = await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }));
        const db = out.DBInstances?.[0];
        if (!db) return undefined;
        return {
          status: db.DBInstanceStatus ?? 'unknown',
          deletionProtection: db.DeletionProtection === true,
        };
      } catch (e) {
        if (errorName(e) === 'DBInstanceNotFoundFault' || errorName(e) === 'DBInstanceNotFound')
          return undefined;
        throw e;
      }
    };
    return {
      async terminationProtection(stack) {
        try {
          const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
          const s = out.Stacks?.[0];
          if (!s || s.StackStatus === 'DELETE_COMPLETE') return undefined;
          return s.EnableTerminationProtection === true;
        } catch (e) {
          if (errorName(e) === 'ValidationError' && /does not exist/i.test(message(e))) return undefined;
          throw e;
        }
      },
      async setTerminationProtection(stack, enabled) {
        await cfn.send(
          new UpdateTerminationProtectionCommand({ StackName: stack, EnableTerminationProtection: enabled }),
        );
      },
      async stackResourceIds(stack, type) {
        const ids: string[] = [];
        let token: string | undefined;
        do {
          const out: ListStackResourcesCommandOutput = await cfn.send(
            new ListStackResourcesCommand({ StackName: stack, NextToken: token }),
          );
          for (const r of out.StackResourceSummaries ?? [])
            if (r.ResourceType === type && r.PhysicalResourceId) ids.push(r.PhysicalResourceId);
          token = out.NextToken;
        } while (token);
        return ids;
      },
      database,
      async setDeletionProtection(id, enabled) {
        await rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: id,
            DeletionProtection: enabled,
            ApplyImmediately: true,
          }),
        );
        const attempts = options.attempts ?? 30;
        for (let i = 0; i < attempts; i++) {
          if ((await database(id))?.deletionProtection === enabled) return;
          await new Promise((r) => setTimeout(r, options.intervalMs ?? 2000));
        }
        throw new Error(
          `RDS instance ${id} still reports DeletionProtection=${!enabled} after ModifyDBInstance (checked ${attempts} times)`,
        );
      },
    };
  };
}
