/**
 * Lambda entry point of the image-cleanup function (wire with NodejsFunction: entry this file,
 * handler `handler`). Configuration is read and validated once, at cold start; the SDK clients
 * are created here and reused across invocations. Event: the EventBridge schedule's event, or
 * `{"dryRun": true|false}` to override DRY_RUN for one invocation. It cleans every repository of
 * REPOSITORY_NAMES in turn (./run.ts).
 */
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { stdoutLogger } from '../shared/log.ts';
import { createEcsTaskDefinitionReader } from '../shared/target-container.ts';
import { loadImageCleanupConfig } from './config.ts';
import { createEcrApi } from './ecr.ts';
import { createEcsDeployedImagesProvider, noDeployedImages } from './references.ts';
import { createRunHandler } from './run.ts';

const config = loadImageCleanupConfig(process.env);
const ecr = new ECRClient({});
const ecs = new ECSClient({});

export const handler = createRunHandler({
  settings: config,
  ecrFor: (repositoryName) => createEcrApi(ecr, repositoryName),
  deployedImages:
    config.ecsServices.length === 0 && config.ecsClusters.length === 0
      ? noDeployedImages
      : createEcsDeployedImagesProvider(
          ecs,
          createEcsTaskDefinitionReader(ecs),
          config.ecsServices,
          config.ecsClusters,
        ),
  now: () => new Date(),
  log: stdoutLogger,
});
