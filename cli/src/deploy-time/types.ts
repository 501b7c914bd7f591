import type { ServiceOwner } from '../services/owners.ts';

/**
 * The settings of one ECS service that decide how long a deployment takes, as synthesized.
 * Every field is read from the template; ECS's own default applies where the template sets none.
 */
export interface DeploySettings {
  /** `ROLLING`, `BLUE_GREEN`, `CANARY` or `LINEAR`. */
  readonly strategy: string;
  /** Tasks at steady state (the desired count once an image is deployed). */
  readonly tasks: number;
  /** Upper limit of running tasks during a deployment, percent of desired. @default 200 */
  readonly maximumPercent: number;
  /** Target group health check interval, seconds. @default 30 (ECS/ELB default) */
  readonly healthCheckIntervalSeconds: number;
  /** Consecutive successful checks before a target is healthy. @default 5 */
  readonly healthyThresholdCount: number;
  /** Target group deregistration delay (connection draining), seconds. @default 300 */
  readonly deregistrationDelaySeconds: number;
  /** Longest container `stopTimeout` (SIGTERM → SIGKILL), seconds. @default 30 */
  readonly stopTimeoutSeconds: number;
  /** ECS ignores failing load balancer health checks for this long after a task starts. @default 0 */
  readonly healthCheckGracePeriodSeconds: number;
  /** Wait after all traffic moved before the old tasks go (BakeTimeInMinutes), minutes. @default 0 */
  readonly bakeMinutes: number;
  /** Canary: share of traffic in the first step, percent. */
  readonly canaryPercent?: number;
  /** Canary: wait after the canary step, minutes. */
  readonly canaryBakeMinutes?: number;
  /** Linear: traffic moved per step, percent. */
  readonly linearStepPercent?: number;
  /** Linear: wait after each step, minutes. */
  readonly linearStepBakeMinutes?: number;
  /** Lifecycle hooks (migration, smoke test) the deployment waits on, the migrate hook included. */
  readonly lifecycleHooks: number;
  /**
   * The migrate hook (infra/functions/migrate-hook), when one of the lifecycle hooks is it: it runs
   * a one-off Fargate task of the new task definition at PRE_SCALE_UP and answers IN_PROGRESS until
   * the task stops; ECS calls it again every `callBackDelaySeconds`. Undefined: no migrate hook.
   */
  readonly migrateHook?: { readonly callBackDelaySeconds: number };
  /**
   * Whether an image comes from outside the stack's region (ECR of another region, or a registry
   * outside AWS such as Docker Hub): the pull then uses `crossRegionImagePullSeconds`. @default false
   */
  readonly crossRegionPull?: boolean;
  /** Where the images come from and where the tasks run, for the output (`ECR us-east-1 → af-south-1`). */
  readonly imageSource?: string;
  /** Whether the service sits behind a load balancer (health checks and draining apply). */
  readonly loadBalanced: boolean;
  /**
   * Rolling with early success criteria and deferred cleanup (`EarlySuccessCriteria`): the
   * deployment completes once the new tasks are healthy; the old ones drain and stop after it,
   * off the critical path. @default false
   */
  readonly earlySuccess?: boolean;
}

/** ECS's defaults, for comparison: what the same service would take without Slipway's tuning. */
export const ECS_DEFAULTS = {
  healthCheckIntervalSeconds: 30,
  healthyThresholdCount: 5,
  deregistrationDelaySeconds: 300,
  stopTimeoutSeconds: 30,
} as const;

/** Durations the templates cannot tell (measured on typical small services; stated in the output). */
export interface DeployTimeAssumptions {
  /** Fargate capacity and ENI attachment until the task is PENDING, seconds. */
  readonly provisionSeconds: number;
  /** Image pull from ECR in the same region (a ~100 MB image), seconds. */
  readonly imagePullSeconds: number;
  /**
   * The same pull from outside the stack's region: ECR in another region (layers cross the
   * inter-region link, e.g. us-east-1 → af-south-1) or a registry outside AWS, seconds.
   */
  readonly crossRegionImagePullSeconds: number;
  /** Container start until the app listens, seconds. */
  readonly containerStartSeconds: number;
  /**
   * Whether the images carry a SOCI index (lazy loading): Fargate then starts the container
   * before the whole image is pulled, and the pull phases use `lazyImagePullSeconds` and
   * `lazyCrossRegionImagePullSeconds`. Off: Slipway's CI builds no index, and its image is small.
   */
  readonly lazyLoading: boolean;
  /** The same-region pull with a SOCI index: the layers the start reads first, seconds. */
  readonly lazyImagePullSeconds: number;
  /** The cross-region pull with a SOCI index, seconds. */
  readonly lazyCrossRegionImagePullSeconds: number;
  /**
   * Whether the deployed image brings a migration the environment has not applied. Without one
   * (the image's migrations digest equals the last applied one) the migrate hook answers at its
   * first call and starts no task. On: the model shows the longer case.
   */
  readonly pendingMigration: boolean;
  /** One lifecycle hook (a Lambda invocation and ECS acting on its answer), seconds. */
  readonly hookSeconds: number;
  /** The migration itself inside the migrate hook's task, once the container runs, seconds. */
  readonly migrationSeconds: number;
  /** ACM issuing a DNS-validated certificate once its CNAME is in Route 53 (first create), seconds. */
  readonly certificateValidationSeconds: number;
  /** CloudFront creating a VPC origin (AWS documents "up to 15 minutes"), seconds. */
  readonly vpcOriginCreateSeconds: number;
  /** CloudFront creating a distribution until CloudFormation sees it deployed, seconds. */
  readonly distributionCreateSeconds: number;
  /** Route 53 alias records until in sync, seconds. */
  readonly aliasRecordSeconds: number;
  /**
   * A job's part of a deploy: CloudFormation registers a new task definition revision and points
   * the state machine at it; nothing running is replaced, so it runs beside the services, seconds.
   */
  readonly jobUpdateSeconds: number;
}

export const DEFAULT_DEPLOY_TIME_ASSUMPTIONS: DeployTimeAssumptions = {
  provisionSeconds: 30,
  imagePullSeconds: 15,
  crossRegionImagePullSeconds: 45,
  containerStartSeconds: 5,
  lazyLoading: false,
  lazyImagePullSeconds: 5,
  lazyCrossRegionImagePullSeconds: 15,
  pendingMigration: true,
  hookSeconds: 15,
  migrationSeconds: 5,
  certificateValidationSeconds: 240,
  vpcOriginCreateSeconds: 600,
  distributionCreateSeconds: 300,
  aliasRecordSeconds: 60,
  jobUpdateSeconds: 15,
};

/**
 * The migrate hook's own default `CALLBACK_DELAY_SECONDS` (MIGRATE_HOOK_DEFAULTS in
 * infra/functions/migrate-hook/config.ts; model.test.ts keeps the two equal), used when the
 * template does not set the variable on the hook function.
 */
export const MIGRATE_HOOK_CALLBACK_DELAY_SECONDS = 15;

export interface Phase {
  readonly name: string;
  readonly seconds: number;
  /** `template`: from a synthesized setting; `assumption`: from `DeployTimeAssumptions`. */
  readonly source: 'template' | 'assumption';
  readonly detail: string;
}

export interface DeployTimeModel {
  readonly service: string;
  /** The app's service this ECS service runs (by construct path); undefined: a tool (Grafana, pgAdmin). */
  readonly owner?: ServiceOwner;
  readonly strategy: string;
  readonly settings: DeploySettings;
  /** The critical path of one deployment, in order. */
  readonly phases: Phase[];
  readonly totalSeconds: number;
  /** The same deployment with ECS's default health check, draining and stop timeout. */
  readonly ecsDefaultsTotalSeconds: number;
  /** Not on the success path: the grace period bounds how soon a failing new task is replaced. */
  readonly notes: string[];
  /** The assumptions the phases used (the JSON output carries them; a note lists them). */
  readonly assumptions: DeployTimeAssumptions;
}

/** A job's part of a deploy: a new task definition revision, which the next run uses. */
export interface JobDeployTime {
  readonly job: string;
  readonly seconds: number;
  readonly source: 'assumption';
  readonly detail: string;
}
