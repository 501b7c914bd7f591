/**
 * Lambda entry point of the migrate hook (wire with NodejsFunction: entry this file, handler
 * `handler`; register it as an ECS deployment lifecycle hook at PRE_SCALE_UP). Configuration is
 * validated once, at cold start; the ECS client is created here and reused.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { stdoutLogger } from '../shared/log.ts';
import { createEcsTaskDefinitionReader } from '../shared/target-container.ts';
import { loadMigrateHookConfig } from './config.ts';
import { createMigrationDigests } from './digests.ts';
import { createHandler } from './handler.ts';
import { createMigrationTasks } from './tasks.ts';

const config = loadMigrateHookConfig(process.env);
const ecs = new ECSClient({});

export const handler = createHandler({
  config,
  tasks: createMigrationTasks(ecs, config),
  taskDefinitions: createEcsTaskDefinitionReader(ecs),
  now: () => new Date(),
  log: stdoutLogger,
  digests: config.digestParameters
    ? createMigrationDigests(new SSMClient({}), config.digestParameters)
    : undefined,
});
