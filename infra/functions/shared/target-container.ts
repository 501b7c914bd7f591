/**
 * The one lookup both deployment hooks need: target service revision → task definition →
 * the application container (its image, environment and log settings).
 *
 * DescribeServiceRevisions gives the revision's task definition ARN and, per container, the
 * image and the digest ECS resolved it to (`containerImages`); DescribeTaskDefinition gives the
 * container's environment and log configuration. Both calls sit behind {@link EcsTaskDefinitionReader}
 * so handlers are tested with fakes.
 */
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  type ECSClient,
} from '@aws-sdk/client-ecs';

export interface ServiceRevisionInfo {
  serviceRevisionArn: string;
  clusterArn: string | undefined;
  taskDefinitionArn: string;
  /** Image and resolved digest per container, as recorded by ECS for this revision. */
  containerImages: { containerName: string; image: string | undefined; imageDigest: string | undefined }[];
}

export interface ContainerDefinitionInfo {
  name: string;
  image: string;
  environment: Record<string, string>;
  logConfiguration: { logDriver: string; options: Record<string, string> } | undefined;
}

export interface TaskDefinitionInfo {
  taskDefinitionArn: string;
  family: string;
  containers: ContainerDefinitionInfo[];
}

export interface EcsTaskDefinitionReader {
  /** Throws {@link TargetLookupError} when ECS reports the revision as a failure. */
  describeServiceRevision(serviceRevisionArn: string): Promise<ServiceRevisionInfo>;
  describeTaskDefinition(taskDefinition: string): Promise<TaskDefinitionInfo>;
}

export class TargetLookupError extends Error {
  override name = 'TargetLookupError';
}

export interface TargetContainer {
  serviceRevisionArn: string;
  clusterArn: string | undefined;
  taskDefinitionArn: string;
  family: string;
  container: ContainerDefinitionInfo;
  /** The digest ECS resolved the container image to for this revision, when it recorded one. */
  resolvedImageDigest: string | undefined;
}

export async function resolveTargetContainer(
  reader: EcsTaskDefinitionReader,
  serviceRevisionArn: string,
  containerName: string,
): Promise<TargetContainer> {
  const revision = await reader.describeServiceRevision(serviceRevisionArn);
  const taskDefinition = await reader.describeTaskDefinition(revision.taskDefinitionArn);
  const container = taskDefinition.containers.find((c) => c.name === containerName);
  if (container === undefined) {
    const names = taskDefinition.containers.map((c) => c.name).join(', ') || 'none';
    throw new TargetLookupError(
      `task definition ${taskDefinition.taskDefinitionArn} has no container named "${containerName}" (it has: ${names}); set CONTAINER_NAME to the application container's name`,
    );
  }
  return {
    serviceRevisionArn,
    clusterArn: revision.clusterArn,
    taskDefinitionArn: taskDefinition.taskDefinitionArn,
    family: taskDefinition.family,
    container,
    resolvedImageDigest: revision.containerImages.find((c) => c.containerName === containerName)?.imageDigest,
  };
}

/** The SDK-backed reader. */
export function createEcsTaskDefinitionReader(ecs: ECSClient): EcsTaskDefinitionReader {
  return {
    async describeServiceRevision(serviceRevisionArn) {
      const out = await ecs.send(
        new DescribeServiceRevisionsCommand({ serviceRevisionArns: [serviceRevisionArn] }),
      );
      const revision =
        out.serviceRevisions?.find((r) => r.serviceRevisionArn === serviceRevisionArn) ??
        out.serviceRevisions?.[0];
      if (revision === undefined || revision.taskDefinition === undefined) {
        const failure = out.failures?.[0];
        const why = failure
          ? `${failure.reason ?? 'failure'}${failure.detail ? `: ${failure.detail}` : ''}`
          : 'not returned';
        throw new TargetLookupError(`service revision ${serviceRevisionArn} could not be described (${why})`);
      }
      return {
        serviceRevisionArn,
        clusterArn: revision.clusterArn,
        taskDefinitionArn: revision.taskDefinition,
        containerImages: (revision.containerImages ?? []).map((c) => ({
          containerName: c.containerName ?? '',
          image: c.image,
          imageDigest: c.imageDigest,
        })),
      };
    },
    async describeTaskDefinition(taskDefinition) {
      const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      const td = out.taskDefinition;
      if (td?.taskDefinitionArn === undefined) {
        throw new TargetLookupError(`task definition ${taskDefinition} could not be described`);
      }
      return {
        taskDefinitionArn: td.taskDefinitionArn,
        family: td.family ?? '',
        containers: (td.containerDefinitions ?? []).map((c) => ({
          name: c.name ?? '',
          image: c.image ?? '',
          environment: Object.fromEntries(
            (c.environment ?? []).flatMap((e) => (e.name === undefined ? [] : [[e.name, e.value ?? '']])),
          ),
          logConfiguration:
            c.logConfiguration?.logDriver === undefined
              ? undefined
              : {
                  logDriver: c.logConfiguration.logDriver,
                  options: { ...(c.logConfiguration.options ?? {}) },
                },
        })),
      };
    },
  };
}
