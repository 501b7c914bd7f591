/**
 * Which images environments run, read from ECS in the function's own account and region.
 *
 * Services come from ECS_SERVICES (named) and ECS_CLUSTERS (every service a cluster has at run
 * time: ListServices, so names CloudFormation generates need not be known when the function is
 * deployed). A cluster that does not exist runs nothing: it is reported in `notes`, not an error,
 * so an environment that is not deployed yet (or was destroyed) does not stop the cleanup.
 *
 * For each service: every task definition the service refers to (the service's own,
 * each deployment's, each task set's — so a deployment in flight and the revision it would roll
 * back to are both covered) and every running task's containers (`image` and the `imageDigest`
 * ECS actually pulled, which stays right even after a mutable tag has moved on).
 *
 * Fail closed: if any lookup fails (a missing service, AccessDenied, throttling past retries),
 * the provider throws and the cleanup deletes nothing.
 */
import {
  ClusterNotFoundException,
  DescribeServicesCommand,
  DescribeTasksCommand,
  type ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  type Service,
} from '@aws-sdk/client-ecs';
import type { EcsTaskDefinitionReader } from '../shared/target-container.ts';
import type { EcsClusterTarget, EcsServiceTarget } from './config.ts';

export interface ImageReference {
  /** Where the reference came from, for the report, e.g. `prod: task definition app:42`. */
  source: string;
  /** The image as written, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:3f2c1ab`. */
  image: string;
  /** The digest ECS resolved it to, when known (running tasks). */
  digest?: string | undefined;
}

export interface DeployedImages {
  references: ImageReference[];
  /** ECS services examined. */
  services: number;
  /** What was not looked at and why (e.g. `dev: cluster slipway-dev not found; it runs nothing`). */
  notes: string[];
}

export interface DeployedImagesProvider {
  listReferences(): Promise<DeployedImages>;
}

/** For a registry that serves no environment in its own account: nothing to read. */
export const noDeployedImages: DeployedImagesProvider = {
  listReferences: async () => ({ references: [], services: 0, notes: [] }),
};

const DESCRIBE_SERVICES_LIMIT = 10;
const DESCRIBE_TASKS_LIMIT = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function taskDefinitionsOf(service: Service): string[] {
  const arns = [
    service.taskDefinition,
    ...(service.deployments ?? []).map((d) => d.taskDefinition),
    ...(service.taskSets ?? []).map((t) => t.taskDefinition),
  ];
  return [...new Set(arns.filter((a): a is string => typeof a === 'string' && a !== ''))];
}

const LIST_SERVICES_PAGE = 100;

/** Every service ARN of a cluster; `undefined` when the cluster does not exist. */
async function listClusterServices(ecs: ECSClient, cluster: string): Promise<string[] | undefined> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const out = await ecs.send(
        new ListServicesCommand({ cluster, nextToken, maxResults: LIST_SERVICES_PAGE }),
      );
      arns.push(...(out.serviceArns ?? []));
      nextToken = out.nextToken;
    } while (nextToken !== undefined);
  } catch (error) {
    if (error instanceof ClusterNotFoundException) return undefined;
    throw error;
  }
  return arns;
}

export function createEcsDeployedImagesProvider(
  ecs: ECSClient,
  taskDefinitions: EcsTaskDefinitionReader,
  services: readonly EcsServiceTarget[],
  clusters: readonly EcsClusterTarget[] = [],
): DeployedImagesProvider {
  return {
    async listReferences() {
      const references: ImageReference[] = [];
      const notes: string[] = [];
      const targets = [...services];
      for (const c of clusters) {
        const arns = await listClusterServices(ecs, c.cluster);
        if (arns === undefined) {
          notes.push(`${c.environment}: cluster ${c.cluster} not found; it runs nothing`);
          continue;
        }
        const named = new Set(targets.filter((t) => t.cluster === c.cluster).map((t) => t.service));
        for (const arn of arns) {
          if (!named.has(arn)) targets.push({ environment: c.environment, cluster: c.cluster, service: arn });
        }
      }
      const byCluster = new Map<string, EcsServiceTarget[]>();
      for (const t of targets) byCluster.set(t.cluster, [...(byCluster.get(t.cluster) ?? []), t]);

      for (const [cluster, clusterTargets] of byCluster) {
        for (const batch of chunks(clusterTargets, DESCRIBE_SERVICES_LIMIT)) {
          const out = await ecs.send(
            new DescribeServicesCommand({ cluster, services: batch.map((t) => t.service) }),
          );
          const failure = out.failures?.[0];
          if (failure !== undefined) {
            throw new Error(
              `ECS_SERVICES: cannot describe service ${failure.arn ?? '?'} in cluster ${cluster}: ${failure.reason ?? 'failure'}${failure.detail ? ` (${failure.detail})` : ''}; fix ECS_SERVICES or the function's permissions — nothing was deleted`,
            );
          }
          for (const target of batch) {
            const service = (out.services ?? []).find(
              (s) => s.serviceName === target.service || s.serviceArn === target.service,
            );
            if (service === undefined) {
              throw new Error(
                `ECS_SERVICES: service ${target.service} not returned for cluster ${cluster}; nothing was deleted`,
              );
            }
            for (const arn of taskDefinitionsOf(service)) {
              const td = await taskDefinitions.describeTaskDefinition(arn);
              for (const c of td.containers) {
                if (c.image !== '') {
                  references.push({
                    source: `${target.environment}: task definition ${arn}`,
                    image: c.image,
                  });
                }
              }
            }
            // ListTasks filters by service name; the target may hold the ARN (from ListServices).
            const serviceName = service.serviceName ?? target.service;
            references.push(...(await runningTaskReferences(ecs, cluster, target.environment, serviceName)));
          }
        }
      }
      return { references, services: targets.length, notes };
    },
  };
}

async function runningTaskReferences(
  ecs: ECSClient,
  cluster: string,
  environment: string,
  serviceName: string,
): Promise<ImageReference[]> {
  const taskArns: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ecs.send(new ListTasksCommand({ cluster, serviceName, nextToken }));
    taskArns.push(...(out.taskArns ?? []));
    nextToken = out.nextToken;
  } while (nextToken !== undefined);

  const references: ImageReference[] = [];
  for (const batch of chunks(taskArns, DESCRIBE_TASKS_LIMIT)) {
    const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    for (const task of out.tasks ?? []) {
      for (const c of task.containers ?? []) {
        if (c.image === undefined) continue;
        references.push({
          source: `${environment}: task ${task.taskArn ?? '?'}`,
          image: c.image,
          digest: c.imageDigest,
        });
      }
    }
  }
  return references;
}
