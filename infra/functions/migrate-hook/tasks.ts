/**
 * The ECS task calls of the migrate hook, behind {@link MigrationTasks} (bound to one cluster and
 * one network configuration).
 */
import {
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from '@aws-sdk/client-ecs';

export interface TaskState {
  taskArn: string;
  taskDefinitionArn: string | undefined;
  /** PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED */
  lastStatus: string;
  createdAt: Date | undefined;
  startedAt: Date | undefined;
  stoppedReason: string | undefined;
  stopCode: string | undefined;
  containers: {
    name: string;
    lastStatus: string | undefined;
    exitCode: number | undefined;
    reason: string | undefined;
  }[];
}

export interface RunTaskResult {
  taskArn: string | undefined;
  failures: { arn: string | undefined; reason: string; detail: string | undefined }[];
}

export interface MigrationTasks {
  runTask(input: {
    taskDefinitionArn: string;
    startedBy: string;
    containerName: string;
    command: string[];
  }): Promise<RunTaskResult>;
  /** ARNs of the tasks started with this `startedBy`, running or recently stopped. */
  findTasks(startedBy: string): Promise<string[]>;
  /** undefined when ECS no longer knows the task (stopped tasks are kept for about an hour). */
  describeTask(taskArn: string): Promise<TaskState | undefined>;
  stopTask(taskArn: string, reason: string): Promise<void>;
}

export function createMigrationTasks(
  ecs: ECSClient,
  network: { cluster: string; subnetIds: string[]; securityGroupIds: string[]; assignPublicIp?: boolean },
): MigrationTasks {
  const { cluster } = network;
  return {
    async runTask({ taskDefinitionArn, startedBy, containerName, command }) {
      const out = await ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: taskDefinitionArn,
          launchType: 'FARGATE',
          count: 1,
          startedBy,
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: network.subnetIds,
              securityGroups: network.securityGroupIds,
              assignPublicIp: network.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
          overrides: { containerOverrides: [{ name: containerName, command }] },
        }),
      );
      return {
        taskArn: out.tasks?.[0]?.taskArn,
        failures: (out.failures ?? []).map((f) => ({
          arn: f.arn,
          reason: f.reason ?? 'unknown',
          detail: f.detail,
        })),
      };
    },
    async findTasks(startedBy) {
      const arns: string[] = [];
      for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
        let nextToken: string | undefined;
        do {
          const out = await ecs.send(new ListTasksCommand({ cluster, startedBy, desiredStatus, nextToken }));
          arns.push(...(out.taskArns ?? []));
          nextToken = out.nextToken;
        } while (nextToken !== undefined);
      }
      return [...new Set(arns)];
    },
    async describeTask(taskArn) {
      const out = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      const task = out.tasks?.[0];
      if (task?.taskArn === undefined) return undefined;
      return {
        taskArn: task.taskArn,
        taskDefinitionArn: task.taskDefinitionArn,
        lastStatus: task.lastStatus ?? 'UNKNOWN',
        createdAt: task.createdAt,
        startedAt: task.startedAt,
        stoppedReason: task.stoppedReason,
        stopCode: task.stopCode,
        containers: (task.containers ?? []).map((c) => ({
          name: c.name ?? '',
          lastStatus: c.lastStatus,
          exitCode: c.exitCode,
          reason: c.reason,
        })),
      };
    },
    async stopTask(taskArn, reason) {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason: reason.slice(0, 255) }));
    },
  };
}
