import type { AuditApi } from '../audit/api.ts';
import type { LockApi } from '../lock/api.ts';
import type { Template } from '../synth/template.ts';

/**
 * The small interfaces behind which every AWS call of the CLI sits. `sdk.ts` implements them
 * with the AWS SDK v3 (the only code that talks to AWS, with `toolkit.ts` for CloudFormation
 * deployments); tests use fakes or moto_server.
 */

export interface StackSummary {
  readonly name: string;
  readonly status: string;
  readonly reason?: string;
  readonly updatedAt?: Date;
}

export interface StackEvent {
  readonly time: Date;
  readonly logicalId: string;
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
}

export interface CloudFormationApi {
  /** The stack, or undefined when it does not exist. */
  describeStack(name: string): Promise<StackSummary | undefined>;
  /** The deployed template, or undefined when the stack does not exist. */
  getTemplate(name: string): Promise<Template | undefined>;
  /** Most recent events first. */
  stackEvents(name: string, limit: number): Promise<StackEvent[]>;
}

export interface SsmApi {
  /** A parameter's value, or undefined when it does not exist. */
  get(name: string): Promise<string | undefined>;
  /** Creates or overwrites a String parameter. */
  put(name: string, value: string): Promise<void>;
}

export interface ImageDetail {
  readonly digest: string;
  readonly tags: string[];
  readonly pushedAt?: Date;
  readonly sizeBytes?: number;
}

export interface EcrApi {
  /** Images carrying any of `tags` (all images when omitted); a missing tag is simply absent. */
  describeImages(repository: string, tags?: string[]): Promise<ImageDetail[]>;
  /** The manifest of an image by tag or digest (`sha256:...`), or undefined. */
  getManifest(
    repository: string,
    ref: { tag: string } | { digest: string },
  ): Promise<{ manifest: string; mediaType?: string } | undefined>;
  /** Points `tag` at the image with this manifest (a mutable tag moves). */
  putTag(repository: string, tag: string, manifest: string, mediaType?: string): Promise<void>;
}

export interface EcsDeployment {
  readonly id: string;
  readonly status: string;
  readonly rolloutState?: string;
  readonly taskDefinition?: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly createdAt?: Date;
}

export interface EcsServiceState {
  readonly name: string;
  readonly status: string;
  readonly desired: number;
  readonly running: number;
  readonly pending: number;
  readonly taskDefinition?: string;
  readonly deployments: EcsDeployment[];
  /** Target groups the service registers with (production first). */
  readonly targetGroupArns: string[];
  readonly events: { time: Date; message: string }[];
}

export interface EcsApi {
  describeService(cluster: string, service: string): Promise<EcsServiceState | undefined>;
  /** ARNs of the service's running tasks. */
  runningTasks(cluster: string, service: string): Promise<string[]>;
  /** Container images of a task definition, by container name. */
  taskDefinitionImages(taskDefinition: string): Promise<Record<string, string>>;
  /** ARNs of the newest revisions of a task definition family, newest first (at most `limit`). */
  taskDefinitionRevisions(family: string, limit: number): Promise<string[]>;
  /** Deploys a task definition to a service (with the service's own strategy, alarms and rollback). */
  updateService(cluster: string, service: string, taskDefinition: string): Promise<void>;
  /** Whether an AWS-managed capacity provider (FARGATE_SPOT) is offered in the region. */
  capacityProviderAvailable(name: string): Promise<boolean>;
  /** Starts an ECS Exec session; returns what session-manager-plugin needs. */
  executeCommand(input: {
    cluster: string;
    task: string;
    container?: string;
    command: string;
  }): Promise<{ session: { sessionId: string; streamUrl: string; tokenValue: string }; target: string }>;
}

export interface TargetHealth {
  readonly id: string;
  readonly port?: number;
  readonly state: string;
  readonly reason?: string;
}

export interface Elbv2Api {
  targetHealth(targetGroupArn: string): Promise<TargetHealth[]>;
}

export interface LogEvent {
  readonly time: Date;
  readonly stream: string;
  readonly message: string;
}

export interface LogsApi {
  /** Events of a log group from `startTime` on, one page at a time. */
  events(
    group: string,
    options: { startTime: number; nextToken?: string; streams?: readonly string[] },
  ): Promise<{ events: LogEvent[]; nextToken?: string }>;
}

/** An execution of a state machine (a job run). */
export interface Execution {
  readonly arn: string;
  readonly name: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED (or PENDING_REDRIVE). */
  readonly status: string;
  readonly startedAt?: Date;
  readonly stoppedAt?: Date;
  readonly input?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** An ECS task an execution started (one per attempt), with how it ended once it has. */
export interface ExecutionTask {
  readonly taskArn: string;
  /** Whether the task state has finished (succeeded or failed). */
  readonly ended: boolean;
  readonly exitCode?: number;
  readonly stoppedReason?: string;
}

/** Step Functions: the state machines that run jobs. */
export interface StepFunctionsApi {
  startExecution(stateMachineArn: string, input: string): Promise<{ arn: string; startedAt: Date }>;
  describeExecution(arn: string): Promise<Execution>;
  /** The newest executions first, at most `limit`. */
  listExecutions(stateMachineArn: string, limit: number): Promise<Execution[]>;
  /** The ECS tasks an execution started so far, oldest first (from its history). */
  executionTasks(arn: string): Promise<ExecutionTask[]>;
}

export interface Identity {
  readonly account: string;
  readonly arn: string;
}

export interface TemporaryCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

export interface StsApi {
  identity(): Promise<Identity>;
  assumeRole(roleArn: string, sessionName: string): Promise<TemporaryCredentials>;
}

export interface CertificateInfo {
  readonly status: string;
  readonly notAfter?: Date;
  readonly domains: string[];
}

/** Account prerequisites `doctor` checks. */
export interface AccountApi {
  /** Elastic IP addresses: the account limit in the region and how many are allocated. */
  elasticIps(): Promise<{ limit: number; allocated: number }>;
  /** Whether an IAM role exists (service-linked roles are roles too). */
  roleExists(name: string): Promise<boolean>;
  certificate(arn: string): Promise<CertificateInfo | undefined>;
}

/** An ECS service's Application Auto Scaling target, with its scheduled actions (office hours). */
export interface ScalableTargetState {
  /** `service/<cluster>/<service>` */
  readonly resourceId: string;
  readonly min: number;
  readonly max: number;
  readonly scheduledActions: { readonly name: string; readonly min?: number; readonly max?: number }[];
}

/** What `slipway deploy` needs to wake an environment that sleeps outside its office hours. */
export interface OfficeHoursApi {
  /** An RDS instance's status (`available`, `stopped`, `starting`, ...), or undefined when it does not exist. */
  databaseStatus(id: string): Promise<string | undefined>;
  startDatabase(id: string): Promise<void>;
  /** An EC2 instance's state (`running`, `stopped`, `pending`, ...), or undefined when it does not exist. */
  instanceState(id: string): Promise<string | undefined>;
  startInstance(id: string): Promise<void>;
  /** The ECS scalable targets whose resource id starts with `resourceIdPrefix` (`service/<cluster>/`). */
  scalableTargets(resourceIdPrefix: string): Promise<ScalableTargetState[]>;
  /** Sets an ECS service's autoscaling bounds (the service scales into them at once). */
  setCapacity(resourceId: string, min: number, max: number): Promise<void>;
}

/** Every API of one account and region. */
export interface AwsApis {
  readonly region: string;
  readonly cloudFormation: CloudFormationApi;
  readonly ssm: SsmApi;
  readonly ecr: EcrApi;
  readonly ecs: EcsApi;
  readonly elbv2: Elbv2Api;
  readonly logs: LogsApi;
  readonly stepFunctions: StepFunctionsApi;
  readonly sts: StsApi;
  readonly account: AccountApi;
  readonly officeHours: OfficeHoursApi;
  /** The release lock of `deploy`, `rollback` and `destroy` (an SSM parameter). */
  readonly lock: LockApi;
  /** The release audit records (a CloudWatch Logs group). */
  readonly audit: AuditApi;
}

/** Builds the APIs for a region, optionally with explicit credentials (an assumed role). */
export type AwsFactory = (region: string, credentials?: TemporaryCredentials) => AwsApis;
