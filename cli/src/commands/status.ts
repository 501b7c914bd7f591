import type { ResolvedService, SlipwayConfig } from '@slipway/config';
import { PARAMETERS, parameterName } from '@slipway/config/contract';
import type { EcsServiceState, StackEvent, StackSummary, TargetHealth } from '../aws/api.ts';
import { deployStacks } from '../deploy/deploy.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import { indent, table } from '../format.ts';
import type { Io } from '../io.ts';
import { call, defaultReadDeps, type OnlineTarget, onlineTarget, type ReadDeps } from '../online.ts';
import { isDefaultWeb, selectServices, serviceParameterNames } from '../services/select.ts';

/** A long-running service's ECS state. */
export type EcsStatus = NonNullable<Awaited<ReturnType<typeof serviceStatus>>>;

/** One service of the environment: a long-running one's ECS state, a job's schedule and last runs. */
export type ServiceStatus =
  | {
      readonly name: string;
      readonly type: 'web' | 'backend' | 'worker';
      readonly deployed: boolean;
      /** The ECS service, once deployed. */
      readonly ecs?: EcsStatus;
    }
  | {
      readonly name: string;
      readonly type: 'job';
      readonly deployed: boolean;
      readonly schedule: string;
      /** False: the schedule is off in this environment (the job still runs with `slipway run`). */
      readonly scheduleEnabled: boolean;
      /** The newest runs first. */
      readonly runs: { name: string; status: string; startedAt?: string; stoppedAt?: string }[];
    };

/** How many runs of a job `status` lists. */
const JOB_RUNS = 5;

export interface EnvironmentStatus {
  readonly version: 1;
  readonly environment: string;
  readonly stacks: { name: string; status: string; reason?: string; updatedAt?: string }[];
  /** The release parameter: the image tag CloudFormation deploys. */
  readonly releaseTag?: string;
  readonly url?: string;
  /** The default web service (what `status` showed before an app had several services). */
  readonly service?: {
    readonly cluster: string;
    readonly name: string;
    readonly running: number;
    readonly desired: number;
    readonly pending: number;
    /** Image tag (commit sha) of the running task definition. */
    readonly image?: string;
    readonly deploymentsInProgress: number;
    readonly deployments: EcsServiceState['deployments'];
    readonly targets: { targetGroup: string; targets: TargetHealth[] }[];
    readonly events: { time: string; message: string }[];
  };
  /** Every service (or the one `--service` names), in declaration order. */
  readonly services: ServiceStatus[];
  readonly stackEvents: (Omit<StackEvent, 'time'> & { time: string; stack: string })[];
}

/** `slipway status <env> [--service <name>] [--json]` */
export async function statusCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { json?: boolean; service?: string },
  io: Io,
  deps: ReadDeps = defaultReadDeps,
): Promise<ExitCode> {
  // A mistyped service is named before any AWS call.
  const selected = selectServices(
    resolveEnvironmentName(config, envArg, 'status').environment,
    options.service,
    'status',
  );
  const target = await onlineTarget(config, envArg, 'status', deps.factory);
  const { env, aws, where } = target;
  const name = env.name;
  io.progress.start(`Reading the state of ${name}`);
  const stacks = deployStacks(deps.synth(config, name), name, target.kind).filter(
    (s) => s.environment === name,
  );
  const summaries = await Promise.all(
    stacks.map(async (s) => ({
      name: s.stackName,
      summary: await call(() => aws.cloudFormation.describeStack(s.stackName), 'status', name, where),
    })),
  );
  const get = (key: string) => call(() => aws.ssm.get(parameterName(env, key)), 'status', name, where);
  const [releaseTag, url, cluster] = await Promise.all([
    get(PARAMETERS.imageTag),
    get(PARAMETERS.url),
    get(PARAMETERS.clusterName),
  ]);
  const services = await Promise.all(selected.map((s) => oneService(target, cluster, s)));
  const web = selected.findIndex((s) => isDefaultWeb(env, s));
  const webStatus = services[web];
  const service = webStatus?.type === 'web' ? webStatus.ecs : undefined;
  const existing = summaries.filter((s) => s.summary !== undefined);
  const stackEvents = (
    await Promise.all(
      existing.map(async (s) =>
        (
          await call(() => aws.cloudFormation.stackEvents(s.name, 3), 'status', name, where)
        ).map((e) => ({
          ...e,
          time: e.time.toISOString(),
          stack: s.name,
        })),
      ),
    )
  ).flat();
  const status: EnvironmentStatus = {
    version: 1,
    environment: name,
    stacks: summaries.map(({ name: stack, summary }) => toStack(stack, summary)),
    releaseTag,
    url,
    service,
    services,
    stackEvents,
  };
  io.progress.succeed(`State of ${name} read`);
  io.out(options.json ? `${JSON.stringify(status, null, 2)}\n` : renderStatus(status));
  return EXIT.ok;
}

/** One service: its ECS state (long-running) or its schedule and last runs (job). */
async function oneService(
  target: OnlineTarget,
  cluster: string | undefined,
  s: ResolvedService,
): Promise<ServiceStatus> {
  const { env, aws, where } = target;
  const names = serviceParameterNames(env, s);
  if (s.type === 'job') {
    const arn = await call(() => aws.ssm.get(names.stateMachineArn as string), 'status', env.name, where);
    const runs = arn
      ? await call(() => aws.stepFunctions.listExecutions(arn, JOB_RUNS), 'status', env.name, where)
      : [];
    return {
      name: s.name,
      type: 'job',
      deployed: arn !== undefined,
      schedule: s.schedule,
      scheduleEnabled: s.enabled,
      runs: runs.map((r) => ({
        name: r.name,
        status: r.status,
        startedAt: r.startedAt?.toISOString(),
        stoppedAt: r.stoppedAt?.toISOString(),
      })),
    };
  }
  const serviceName = await call(() => aws.ssm.get(names.serviceName), 'status', env.name, where);
  const state = cluster && serviceName ? await serviceStatus(target, cluster, serviceName) : undefined;
  return { name: s.name, type: s.type, deployed: state !== undefined, ecs: state };
}

/** The ECS service: tasks, image, deployments, target health and its last events. */
async function serviceStatus(target: OnlineTarget, cluster: string, serviceName: string) {
  const { env, aws, where } = target;
  const name = env.name;
  const state = await call(() => aws.ecs.describeService(cluster, serviceName), 'status', name, where);
  if (!state) return undefined;
  const images = state.taskDefinition
    ? await call(() => aws.ecs.taskDefinitionImages(state.taskDefinition as string), 'status', name, where)
    : {};
  const image = Object.values(images)[0];
  const targets = await Promise.all(
    state.targetGroupArns.map(async (tg) => ({
      targetGroup: tg.split(':').pop() ?? tg,
      targets: await call(() => aws.elbv2.targetHealth(tg), 'status', name, where),
    })),
  );
  return {
    cluster,
    name: serviceName,
    running: state.running,
    desired: state.desired,
    pending: state.pending,
    image: image?.split(':').pop(),
    deploymentsInProgress: state.deployments.filter((d) => d.rolloutState === 'IN_PROGRESS').length,
    deployments: state.deployments,
    targets,
    events: state.events.slice(0, 5).map((e) => ({ time: e.time.toISOString(), message: e.message })),
  };
}

function toStack(name: string, s: StackSummary | undefined) {
  return s
    ? { name, status: s.status, reason: s.reason, updatedAt: s.updatedAt?.toISOString() }
    : { name, status: 'NOT_DEPLOYED' };
}

export function renderStatus(s: EnvironmentStatus): string {
  const lines = [
    `${s.environment}: release ${s.releaseTag ?? '(none)'}${s.url ? `, ${s.url}` : ''}`,
    '',
    'Stacks:',
    indent(table(s.stacks.map((x) => [x.name, x.status, x.updatedAt ?? '', x.reason ?? '']))),
  ];
  for (const sv of s.services) lines.push('', ...renderService(sv));
  if (s.stackEvents.length > 0) {
    lines.push(
      'Last stack events:',
      ...s.stackEvents.map((e) =>
        indent(`${e.time} ${e.stack} ${e.logicalId} ${e.status}${e.reason ? ` ${e.reason}` : ''}`),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderService(s: ServiceStatus): string[] {
  if (s.type === 'job') {
    const schedule = `${s.schedule}${s.scheduleEnabled ? '' : ' (off in this environment)'}`;
    if (!s.deployed) return [`Job ${s.name}: not deployed yet; schedule ${schedule}`];
    return [
      `Job ${s.name}: schedule ${schedule}`,
      s.runs.length === 0
        ? indent('no runs yet')
        : indent(table(s.runs.map((r) => [r.startedAt ?? '', r.status, r.stoppedAt ?? '', r.name]))),
    ];
  }
  const title = `${s.type === 'worker' ? 'Worker' : 'Service'} ${s.name}`;
  const sv = s.ecs;
  if (!sv) return [`${title}: not deployed yet`];
  return [
    `${title} (${sv.name}): ${sv.running}/${sv.desired} running${sv.pending ? `, ${sv.pending} pending` : ''}, image ${sv.image ?? '?'}, ${sv.deploymentsInProgress} deployment(s) in progress`,
    indent(
      table(
        sv.deployments.map((d) => [
          d.status,
          d.rolloutState ?? '',
          `${d.running}/${d.desired}`,
          d.taskDefinition?.split('/').pop() ?? '',
        ]),
      ),
    ),
    ...(sv.targets.length > 0
      ? [
          'Targets:',
          ...sv.targets.map((t) =>
            indent(
              `${t.targetGroup}: ${t.targets.map((x) => `${x.id}:${x.port ?? ''} ${x.state}${x.reason ? ` (${x.reason})` : ''}`).join(', ') || 'no targets'}`,
            ),
          ),
        ]
      : []),
    'Last service events:',
    ...sv.events.map((e) => indent(`${e.time} ${e.message}`)),
  ];
}
