import type { ResolvedEnvironment } from '@slipway/config';
import { backendUrlVariable, PARAMETERS, producerQueueVariable } from '@slipway/config/contract';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { BackendService, connectClient } from '../../constructs/backend/index.ts';
import type { ImportedNetwork } from '../../constructs/network/imported-network.ts';
import { readParameter } from '../../constructs/parameters/index.ts';
import { WorkerService } from '../../constructs/worker/index.ts';
import { type BuiltService, partsOf } from './build.ts';

/** PostgreSQL's port, which the database's security group admits the database services on. */
const POSTGRES_PORT = 5432;

/**
 * What `calls` means, service by service. A backend it calls admits its security group on the
 * backend's port (nothing else does), its URL arrives as `<BACKEND>_URL`, and the caller becomes a
 * Service Connect client (a backend already is one, as a server). A worker it calls lets it send
 * to the worker's queue, whose URL arrives as `<WORKER>_QUEUE_URL`.
 */
export function wireCalls(built: readonly BuiltService[], network: ImportedNetwork): void {
  const byName = new Map(built.map((b) => [b.resolved.name, b]));
  for (const caller of built) {
    const { securityGroup, taskDefinition, container } = partsOf(caller);
    let client = false;
    for (const name of caller.resolved.calls) {
      const callee = byName.get(name)?.construct;
      if (callee instanceof BackendService) {
        if (caller.resolved.type === 'job')
          // Validation rejects this (SW162): a RunTask task cannot be a Service Connect client.
          throw new Error(`ServiceStack: job ${caller.resolved.name} cannot call backend ${name}`);
        callee.allowFrom(securityGroup, `${caller.resolved.name} calls ${name}`);
        container.addEnvironment(backendUrlVariable(name), callee.url);
        client = true;
      } else if (callee instanceof WorkerService) {
        callee.grantSend(taskDefinition.taskRole);
        container.addEnvironment(producerQueueVariable(name), callee.queue.queueUrl);
      }
    }
    const construct = caller.construct;
    if (client && !(construct instanceof BackendService) && 'service' in construct)
      connectClient(construct.service, network.namespace.namespaceArn);
  }
}

/**
 * The database for the services that declare `database: true`, and for them only: a way through
 * the database's security group on 5432, and read access to its secret (the app re-reads the
 * password after a rotation).
 */
export function wireDatabase(
  scope: Construct,
  env: ResolvedEnvironment,
  built: readonly BuiltService[],
  secret: secretsmanager.ISecret | undefined,
): void {
  const users = built.filter((b) => b.resolved.database);
  if (!env.database || !secret || users.length === 0) return;
  const database = ec2.SecurityGroup.fromSecurityGroupId(
    scope,
    'DatabaseSecurityGroup',
    readParameter(scope, env, PARAMETERS.dbSecurityGroupId),
    { allowAllOutbound: false, mutable: true },
  );
  for (const user of users) {
    const { securityGroup, taskDefinition } = partsOf(user);
    secret.grantRead(taskDefinition.taskRole);
    const isDefault = 'isDefault' in user && user.isDefault;
    securityGroup.connections.allowTo(
      database,
      ec2.Port.tcp(POSTGRES_PORT),
      isDefault ? 'Service tasks to PostgreSQL' : `${user.resolved.name} tasks to PostgreSQL`,
    );
  }
}
