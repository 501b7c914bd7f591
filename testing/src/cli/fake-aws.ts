import type {
  AwsApis,
  AwsFactory,
  EcsServiceState,
  Execution,
  ExecutionTask,
  LogEvent,
  ScalableTargetState,
  StackSummary,
  TargetHealth,
} from '@slipway/cli/src/aws/api.ts';
import type { Template } from '@slipway/cli/src/synth/template.ts';
import { fakeReleaseRecords } from './fake-release-records.ts';

/**
 * An in-memory AWS for the CLI's tests: one state shared by every region, a call log, and
 * switches for the failures the commands must handle. Anything not set up behaves like an empty
 * account (no stacks, no parameters, no images).
 */
export interface FakeState {
  identity: { account: string; arn: string } | 'no-credentials';
  stacks: Map<string, StackSummary & { template?: Template }>;
  parameters: Map<string, string>;
  /** repository → images (tags are unique across images, as ECR enforces). */
  images: Map<string, { digest: string; tags: string[]; pushedAt?: Date; manifest: string }[]>;
  services: Map<string, EcsServiceState>;
  taskImages: Map<string, Record<string, string>>;
  targets: Map<string, TargetHealth[]>;
  logs: Map<string, LogEvent[]>;
  /** Calls made, as `service.method args` strings. */
  calls: string[];
  /** Make ECR writes fail (registry access missing). */
  ecrWriteDenied: boolean;
  /** RDS instances by id → status; a started one reads `starting` once, then `available`. */
  databases: Map<string, string>;
  /** EC2 instances by id → state; a started one reads `pending` once, then `running`. */
  instances: Map<string, string>;
  /** ECS scalable targets by resource id. */
  scalableTargets: Map<string, ScalableTargetState>;
  /** Task definition family → revision ARNs, newest first. */
  taskDefinitionRevisions: Map<string, string[]>;
  /**
   * State machine ARN → how its started executions go: the first phase at the start, then one more
   * per look (DescribeExecution), the last one repeating. A phase's log events appear when it is reached.
   */
  jobRuns: Map<string, FakeRunPhase[]>;
  /** Executions started or listed, by state machine ARN, newest first. */
  executions: Map<string, (Execution & { phases: FakeRunPhase[]; at: number })[]>;
  /** Make the release lock and audit calls fail (a role without their rights). */
  releaseRecordsDenied?: boolean;
}

/** One moment of a fake job run. */
export interface FakeRunPhase {
  readonly status: string;
  readonly tasks: ExecutionTask[];
  readonly error?: string;
  readonly cause?: string;
  /** Log events (group → events) that appear once the run reaches this phase. */
  readonly logs?: Record<string, LogEvent[]>;
}

export function fakeState(account = '111111111111'): FakeState {
  return {
    identity: { account, arn: `arn:aws:sts::${account}:assumed-role/deployer/test` },
    stacks: new Map(),
    parameters: new Map(),
    images: new Map(),
    services: new Map(),
    taskImages: new Map(),
    targets: new Map(),
    logs: new Map(),
    calls: [],
    ecrWriteDenied: false,
    databases: new Map(),
    instances: new Map(),
    scalableTargets: new Map(),
    taskDefinitionRevisions: new Map(),
    jobRuns: new Map(),
    executions: new Map(),
  };
}

function enterPhase(state: FakeState, phase: FakeRunPhase | undefined) {
  for (const [group, events] of Object.entries(phase?.logs ?? {})) {
    state.logs.set(group, [...(state.logs.get(group) ?? []), ...events]);
  }
}

export function addImage(
  state: FakeState,
  repository: string,
  digest: string,
  tags: string[],
  pushedAt = new Date(),
) {
  const list = state.images.get(repository) ?? [];
  for (const i of list) if (i.digest !== digest) i.tags = i.tags.filter((t) => !tags.includes(t));
  const existing = list.find((i) => i.digest === digest);
  if (existing) existing.tags = [...new Set([...existing.tags, ...tags])];
  else list.push({ digest, tags: [...tags], pushedAt, manifest: `{"manifest":"${digest}"}` });
  state.images.set(repository, list);
}

export function fakeAws(state: FakeState): AwsFactory {
  return (region: string): AwsApis => {
    const log = (call: string) => state.calls.push(`${call} @${region}`);
    const credentials = () => {
      if (state.identity === 'no-credentials') {
        const e = new Error('Could not load credentials from any providers');
        e.name = 'CredentialsProviderError';
        throw e;
      }
      return state.identity;
    };
    return {
      region,
      ...fakeReleaseRecords(state),
      cloudFormation: {
        async describeStack(name) {
          credentials();
          log(`cloudformation.describeStack ${name}`);
          const s = state.stacks.get(name);
          return s ? { name: s.name, status: s.status, reason: s.reason, updatedAt: s.updatedAt } : undefined;
        },
        async getTemplate(name) {
          credentials();
          log(`cloudformation.getTemplate ${name}`);
          return state.stacks.get(name)?.template;
        },
        async stackEvents(name) {
          log(`cloudformation.stackEvents ${name}`);
          return [];
        },
      },
      ssm: {
        async get(name) {
          credentials();
          log(`ssm.get ${name}`);
          return state.parameters.get(name);
        },
        async put(name, value) {
          credentials();
          log(`ssm.put ${name}=${value}`);
          state.parameters.set(name, value);
        },
      },
      ecr: {
        async describeImages(repository, tags) {
          log(`ecr.describeImages ${repository} ${tags?.join(',') ?? '*'}`);
          const list = state.images.get(repository) ?? [];
          return list
            .filter((i) => !tags || i.tags.some((t) => tags.includes(t)))
            .map(({ digest, tags: t, pushedAt }) => ({ digest, tags: [...t], pushedAt }));
        },
        async getManifest(repository, ref) {
          log(`ecr.getManifest ${repository} ${'tag' in ref ? ref.tag : ref.digest}`);
          const list = state.images.get(repository) ?? [];
          const img = list.find((i) => ('tag' in ref ? i.tags.includes(ref.tag) : i.digest === ref.digest));
          return img ? { manifest: img.manifest } : undefined;
        },
        async putTag(repository, tag, manifest) {
          log(`ecr.putTag ${repository} ${tag}`);
          if (state.ecrWriteDenied) {
            const e = new Error('User is not authorized to perform: ecr:PutImage');
            e.name = 'AccessDeniedException';
            throw e;
          }
          const list = state.images.get(repository) ?? [];
          const img = list.find((i) => i.manifest === manifest);
          if (!img) throw new Error('manifest not found');
          addImage(state, repository, img.digest, [...img.tags, tag], img.pushedAt);
        },
      },
      ecs: {
        async describeService(cluster, service) {
          log(`ecs.describeService ${cluster}/${service}`);
          return state.services.get(`${cluster}/${service}`);
        },
        async runningTasks(cluster, service) {
          log(`ecs.runningTasks ${cluster}/${service}`);
          const s = state.services.get(`${cluster}/${service}`);
          return Array.from(
            { length: s?.running ?? 0 },
            (_, i) => `arn:aws:ecs:${region}:1:task/${cluster}/task${i}`,
          );
        },
        async taskDefinitionImages(td) {
          log(`ecs.taskDefinitionImages ${td}`);
          return state.taskImages.get(td) ?? {};
        },
        async taskDefinitionRevisions(family, limit) {
          log(`ecs.taskDefinitionRevisions ${family}`);
          return (state.taskDefinitionRevisions.get(family) ?? []).slice(0, limit);
        },
        async updateService(cluster, service, taskDefinition) {
          log(`ecs.updateService ${cluster}/${service} ${taskDefinition}`);
          const s = state.services.get(`${cluster}/${service}`);
          if (s) state.services.set(`${cluster}/${service}`, { ...s, taskDefinition });
        },
        async capacityProviderAvailable(name) {
          log(`ecs.capacityProviderAvailable ${name}`);
          return true;
        },
        async executeCommand(input) {
          log(`ecs.executeCommand ${input.task} ${input.command}`);
          return {
            session: { sessionId: 's-1', streamUrl: 'wss://example', tokenValue: 'token' },
            target: `ecs:${input.cluster}_${input.task.split('/').pop()}_runtime`,
          };
        },
      },
      elbv2: {
        async targetHealth(tg) {
          log(`elbv2.targetHealth ${tg}`);
          return state.targets.get(tg) ?? [];
        },
      },
      logs: {
        async events(group, { startTime, streams }) {
          log(`logs.events ${group} ${startTime}${streams ? ` ${streams.join(',')}` : ''}`);
          return {
            events: (state.logs.get(group) ?? []).filter(
              (e) => e.time.getTime() >= startTime && (!streams || streams.includes(e.stream)),
            ),
          };
        },
      },
      stepFunctions: {
        async startExecution(stateMachineArn, input) {
          credentials();
          log(`sfn.startExecution ${stateMachineArn} ${input}`);
          const list = state.executions.get(stateMachineArn) ?? [];
          const name = `run-${list.length + 1}`;
          const phases = state.jobRuns.get(stateMachineArn) ?? [{ status: 'RUNNING', tasks: [] }];
          const startedAt = new Date();
          list.unshift({
            arn: `${stateMachineArn}:${name}`,
            name,
            status: 'RUNNING',
            startedAt,
            input,
            phases,
            at: 0,
          });
          state.executions.set(stateMachineArn, list);
          enterPhase(state, phases[0]);
          return { arn: `${stateMachineArn}:${name}`, startedAt };
        },
        async describeExecution(arn) {
          log(`sfn.describeExecution ${arn}`);
          const e = [...state.executions.values()].flat().find((x) => x.arn === arn);
          if (!e)
            throw Object.assign(new Error(`Execution does not exist: ${arn}`), {
              name: 'ExecutionDoesNotExist',
            });
          // Each look moves the run on by one phase (the last one repeats).
          if (e.at + 1 < e.phases.length) {
            e.at += 1;
            enterPhase(state, e.phases[e.at]);
          }
          const phase = e.phases[e.at];
          return { ...e, status: phase?.status ?? e.status, error: phase?.error, cause: phase?.cause };
        },
        async listExecutions(stateMachineArn, limit) {
          log(`sfn.listExecutions ${stateMachineArn}`);
          return (state.executions.get(stateMachineArn) ?? []).slice(0, limit);
        },
        async executionTasks(arn) {
          log(`sfn.executionTasks ${arn}`);
          const e = [...state.executions.values()].flat().find((x) => x.arn === arn);
          return e?.phases[e.at]?.tasks ?? [];
        },
      },
      sts: {
        async identity() {
          log('sts.identity');
          return credentials();
        },
        async assumeRole(roleArn) {
          log(`sts.assumeRole ${roleArn}`);
          return { accessKeyId: 'AKIA', secretAccessKey: 'secret', sessionToken: 'token' };
        },
      },
      account: {
        async elasticIps() {
          log('account.elasticIps');
          return { limit: 5, allocated: 4 };
        },
        async roleExists(name) {
          log(`account.roleExists ${name}`);
          return name !== 'AWSServiceRoleForECS';
        },
        async certificate() {
          return undefined;
        },
      },
      officeHours: {
        async databaseStatus(id) {
          log(`rds.describe ${id}`);
          const status = state.databases.get(id);
          // A starting instance becomes available by the next look, a stopping one stopped.
          if (status === 'starting') state.databases.set(id, 'available');
          if (status === 'stopping') state.databases.set(id, 'stopped');
          return status;
        },
        async startDatabase(id) {
          log(`rds.start ${id}`);
          if (state.databases.get(id) !== 'stopped') {
            const e = new Error(`DB instance ${id} is not in stopped state`);
            e.name = 'InvalidDBInstanceStateFault';
            throw e;
          }
          state.databases.set(id, 'starting');
        },
        async instanceState(id) {
          log(`ec2.describe ${id}`);
          const s = state.instances.get(id);
          if (s === 'pending') state.instances.set(id, 'running');
          if (s === 'stopping') state.instances.set(id, 'stopped');
          return s;
        },
        async startInstance(id) {
          log(`ec2.start ${id}`);
          state.instances.set(id, 'pending');
        },
        async scalableTargets(prefix) {
          log(`autoscaling.describe ${prefix}`);
          return [...state.scalableTargets.values()].filter((t) => t.resourceId.startsWith(prefix));
        },
        async setCapacity(resourceId, min, max) {
          log(`autoscaling.register ${resourceId} ${min}-${max}`);
          const t = state.scalableTargets.get(resourceId);
          if (t) state.scalableTargets.set(resourceId, { ...t, min, max });
        },
      },
    };
  };
}

/** A factory that fails the test if any AWS call is made (guards that must run offline). */
export const noAws: AwsFactory = () => {
  throw new Error('an AWS call was made, but this path must not call AWS');
};
