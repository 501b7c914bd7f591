/**
 * Hand-written fakes of the ECS calls the deployment hooks make (moto cannot run Fargate tasks:
 * RunTask returns HTTP 500, and ECS deployments never progress there).
 */
import type {
  MigrationTasks,
  RunTaskResult,
  TaskState,
} from '@slipway/infra/functions/migrate-hook/tasks.ts';
import type {
  EcsTaskDefinitionReader,
  ServiceRevisionInfo,
  TaskDefinitionInfo,
} from '@slipway/infra/functions/shared/target-container.ts';
import { TargetLookupError } from '@slipway/infra/functions/shared/target-container.ts';

export const REGION = 'eu-west-1';
export const ACCOUNT = '111122223333';
export const CLUSTER_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/slipway-prod`;
export const SERVICE_ARN = `arn:aws:ecs:${REGION}:${ACCOUNT}:service/slipway-prod/app`;
export const revisionArn = (id: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service-revision/slipway-prod/app/${id}`;
export const deploymentArn = (id: string) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:service-deployment/slipway-prod/app/${id}`;
export const taskDefinitionArn = (revision: number) =>
  `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/app:${revision}`;
export const IMAGE_REPO = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/slipway/app`;

/** A lifecycle hook payload as documented (ECS Developer Guide, lambda-lifecycle-hooks). */
export function hookEvent(
  opts: {
    stage?: string;
    target?: string;
    deployment?: string;
    hookDetails?: Record<string, unknown>;
    productionTrafficWeights?: Record<string, number>;
  } = {},
): Record<string, unknown> {
  const event: Record<string, unknown> = {
    executionId: 'e8d5a28f-eb01-4f3c-9454-a30ba6dc54bc',
    lifecycleStage: opts.stage ?? 'PRE_SCALE_UP',
    resourceArn: opts.deployment ?? deploymentArn('EZe5RNVLH6PPzHXINuP28'),
    executionDetails: {
      serviceArn: SERVICE_ARN,
      targetServiceRevisionArn: opts.target ?? revisionArn('9313423515462893900'),
      testTrafficWeights: {},
      productionTrafficWeights: opts.productionTrafficWeights ?? {},
    },
  };
  if (opts.hookDetails !== undefined) event.hookDetails = opts.hookDetails;
  return event;
}

export class FakeTaskDefinitions implements EcsTaskDefinitionReader {
  readonly revisions = new Map<string, ServiceRevisionInfo>();
  readonly taskDefinitions = new Map<string, TaskDefinitionInfo>();
  calls = 0;

  /** Registers a revision whose task definition has one container `containerName` running `image`. */
  addRevision(opts: {
    revisionArn: string;
    revision: number;
    image: string;
    containerName?: string;
    environment?: Record<string, string>;
    imageDigest?: string;
  }): void {
    const name = opts.containerName ?? 'app';
    const tdArn = taskDefinitionArn(opts.revision);
    this.revisions.set(opts.revisionArn, {
      serviceRevisionArn: opts.revisionArn,
      clusterArn: CLUSTER_ARN,
      taskDefinitionArn: tdArn,
      containerImages: [{ containerName: name, image: opts.image, imageDigest: opts.imageDigest }],
    });
    this.taskDefinitions.set(tdArn, {
      taskDefinitionArn: tdArn,
      family: 'app',
      containers: [
        {
          name,
          image: opts.image,
          environment: opts.environment ?? {},
          logConfiguration: {
            logDriver: 'awslogs',
            options: {
              'awslogs-group': '/slipway/prod/app',
              'awslogs-stream-prefix': 'app',
              'awslogs-region': REGION,
            },
          },
        },
      ],
    });
  }

  async describeServiceRevision(arn: string): Promise<ServiceRevisionInfo> {
    this.calls += 1;
    const revision = this.revisions.get(arn);
    if (revision === undefined)
      throw new TargetLookupError(`service revision ${arn} could not be described (MISSING)`);
    return revision;
  }

  async describeTaskDefinition(arn: string): Promise<TaskDefinitionInfo> {
    this.calls += 1;
    const td = this.taskDefinitions.get(arn);
    if (td === undefined) throw new TargetLookupError(`task definition ${arn} could not be described`);
    return td;
  }
}

export class FakeMigrationTasks implements MigrationTasks {
  readonly tasks = new Map<string, TaskState & { startedBy: string }>();
  readonly runs: Parameters<MigrationTasks['runTask']>[0][] = [];
  readonly stops: { taskArn: string; reason: string }[] = [];
  /** When set, the next runTask returns this instead of starting a task. */
  nextRunResult: RunTaskResult | undefined;
  /** When set, describeTask throws it. */
  describeError: Error | undefined;
  private counter = 0;

  private readonly clock: () => Date;

  constructor(clock: () => Date) {
    this.clock = clock;
  }

  async runTask(input: Parameters<MigrationTasks['runTask']>[0]): Promise<RunTaskResult> {
    this.runs.push(input);
    if (this.nextRunResult !== undefined) return this.nextRunResult;
    this.counter += 1;
    const taskArn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/slipway-prod/0000000000000000000000000000000${this.counter}`;
    this.tasks.set(taskArn, {
      taskArn,
      startedBy: input.startedBy,
      taskDefinitionArn: input.taskDefinitionArn,
      lastStatus: 'PROVISIONING',
      createdAt: this.clock(),
      startedAt: undefined,
      stoppedReason: undefined,
      stopCode: undefined,
      containers: [
        { name: input.containerName, lastStatus: 'PENDING', exitCode: undefined, reason: undefined },
      ],
    });
    return { taskArn, failures: [] };
  }

  async findTasks(startedBy: string): Promise<string[]> {
    return [...this.tasks.values()].filter((t) => t.startedBy === startedBy).map((t) => t.taskArn);
  }

  async describeTask(taskArn: string): Promise<TaskState | undefined> {
    if (this.describeError !== undefined) throw this.describeError;
    const task = this.tasks.get(taskArn);
    return task === undefined ? undefined : structuredClone(task);
  }

  async stopTask(taskArn: string, reason: string): Promise<void> {
    this.stops.push({ taskArn, reason });
    this.update(taskArn, { lastStatus: 'STOPPED', stoppedReason: reason, stopCode: 'UserInitiated' });
  }

  /** Moves a task on, e.g. to RUNNING or STOPPED with an exit code. */
  update(taskArn: string, patch: Partial<TaskState> & { exitCode?: number; containerReason?: string }): void {
    const task = this.tasks.get(taskArn);
    if (task === undefined) throw new Error(`no such fake task ${taskArn}`);
    const { exitCode, containerReason, ...rest } = patch;
    Object.assign(task, rest);
    for (const c of task.containers) {
      if (exitCode !== undefined) c.exitCode = exitCode;
      if (containerReason !== undefined) c.reason = containerReason;
      if (patch.lastStatus !== undefined) c.lastStatus = patch.lastStatus;
    }
  }

  only(): TaskState & { startedBy: string } {
    if (this.tasks.size !== 1) throw new Error(`expected exactly one task, have ${this.tasks.size}`);
    return [...this.tasks.values()][0] as TaskState & { startedBy: string };
  }
}
