import {
  DescribeCapacityProvidersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type ECSClient,
  ExecuteCommandCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { EcsApi } from '../api.ts';

/** One service as `status` and the deploy checks read it; undefined when missing or deleted. */
async function describeService(ecs: ECSClient, cluster: string, service: string) {
  const out = await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }));
  const s = out.services?.[0];
  if (!s || s.status === 'INACTIVE') return undefined;
  const tgs = (s.loadBalancers ?? []).flatMap((lb) => [
    lb.targetGroupArn ?? '',
    lb.advancedConfiguration?.alternateTargetGroupArn ?? '',
  ]);
  return {
    name: s.serviceName ?? service,
    status: s.status ?? 'UNKNOWN',
    desired: s.desiredCount ?? 0,
    running: s.runningCount ?? 0,
    pending: s.pendingCount ?? 0,
    taskDefinition: s.taskDefinition,
    deployments: (s.deployments ?? []).map((d) => ({
      id: d.id ?? '',
      status: d.status ?? '',
      rolloutState: d.rolloutState,
      taskDefinition: d.taskDefinition,
      desired: d.desiredCount ?? 0,
      running: d.runningCount ?? 0,
      pending: d.pendingCount ?? 0,
      createdAt: d.createdAt,
    })),
    targetGroupArns: tgs.filter(Boolean),
    events: (s.events ?? []).map((e) => ({ time: e.createdAt ?? new Date(0), message: e.message ?? '' })),
  };
}

/** Services, tasks, task definitions and ECS Exec sessions. */
export function ecsApi(ecs: ECSClient): EcsApi {
  return {
    describeService: (cluster, service) => describeService(ecs, cluster, service),
    async capacityProviderAvailable(name) {
      const out = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [name] }));
      return (out.capacityProviders ?? []).some((c) => c.name === name && c.status !== 'INACTIVE');
    },
    async runningTasks(cluster, service) {
      const out = await ecs.send(
        new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'RUNNING' }),
      );
      return out.taskArns ?? [];
    },
    async taskDefinitionImages(taskDefinition) {
      const out = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
      return Object.fromEntries(
        (out.taskDefinition?.containerDefinitions ?? []).map((c) => [c.name ?? '', c.image ?? '']),
      );
    },
    async taskDefinitionRevisions(family, limit) {
      const out = await ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: family, sort: 'DESC', maxResults: limit }),
      );
      // familyPrefix also matches longer families (`web` matches `web-admin`): keep this family only.
      return (out.taskDefinitionArns ?? []).filter((arn) => arn.split('/').pop()?.split(':')[0] === family);
    },
    async updateService(cluster, service, taskDefinition) {
      await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition }));
    },
    async executeCommand({ cluster, task, container, command }) {
      const out = await ecs.send(
        new ExecuteCommandCommand({ cluster, task, container, command, interactive: true }),
      );
      const s = out.session;
      if (!s?.sessionId || !s.streamUrl || !s.tokenValue)
        throw new Error('ECS ExecuteCommand returned no session');
      // session-manager-plugin's target: ecs:<cluster>_<task id>_<container runtime id>.
      const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] }));
      const containers = tasks.tasks?.[0]?.containers ?? [];
      const runtimeId = (containers.find((c) => c.name === (out.containerName ?? container)) ?? containers[0])
        ?.runtimeId;
      const taskId = task.split('/').pop() ?? task;
      const clusterName = cluster.split('/').pop() ?? cluster;
      return {
        session: { sessionId: s.sessionId, streamUrl: s.streamUrl, tokenValue: s.tokenValue },
        target: `ecs:${clusterName}_${taskId}_${runtimeId ?? ''}`,
      };
    },
  };
}
