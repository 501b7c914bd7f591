import { FARGATE_MAX_STOP_TIMEOUT_SECONDS, MAX_SHUTDOWN_TIMEOUT_MS } from '@slipway/config/contract';
import type { CfnCondition, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { CapacityShare } from '../task/index.ts';

export type DeployStrategy = 'rolling' | 'blue-green' | 'canary' | 'linear';
export const DEPLOY_STRATEGIES: readonly DeployStrategy[] = ['rolling', 'blue-green', 'canary', 'linear'];

export type { CapacityShare } from '../task/index.ts';

export interface WebServiceDeployment {
  /**
   * How a new revision replaces the running one.
   * @default 'rolling'
   */
  readonly strategy?: DeployStrategy;
  /**
   * Canary: percent of production traffic shifted first; linear: percent per step (multiples of 0.1).
   * @default 10
   */
  readonly stepPercent?: number;
  /**
   * Minutes to watch each canary/linear step.
   * @default 5
   */
  readonly stepBakeMinutes?: number;
  /**
   * Minutes the new revision serves all traffic before the old tasks stop (blue/green, canary, linear).
   * @default 0
   */
  readonly bakeMinutes?: number;
  /**
   * Seconds between the load balancer's health checks of a task (its timeout is the smaller of
   * 5 s and one second less than this).
   * @default 5
   */
  readonly healthCheckIntervalSeconds?: number;
  /**
   * Consecutive passed checks before a task takes traffic (failed checks before it is unhealthy: 2).
   * @default 2
   */
  readonly healthyThresholdCount?: number;
  /**
   * Rolling: complete the deployment once every new task is healthy and stop the old tasks after
   * it (ECS early success criteria with deferred cleanup).
   * @default false
   */
  readonly earlySuccess?: boolean;
}

/** The requests a routed web service takes. */
export interface WebServiceRoute {
  /** Path patterns (`/api/*`). @default any path */
  readonly paths?: readonly string[];
  /** Host header patterns (`api.example.com`). @default any host */
  readonly hosts?: readonly string[];
}

export interface WebServiceProps {
  /** Cluster to run in (Fargate capacity providers enabled). */
  readonly cluster: ecs.ICluster;
  /** Subnets for the tasks. */
  readonly subnets: ec2.SubnetSelection;
  /**
   * Give tasks a public IP (only for environments without NAT, whose tasks run in public subnets).
   * @default false
   */
  readonly assignPublicIp?: boolean;
  /** The container image. */
  readonly image: ecs.ContainerImage;
  /** Port the container listens on (passed as `PORT`). */
  readonly port: number;
  /** The non-root user the container runs as (`uid:gid`). @default the image's own `USER` */
  readonly user?: string;
  /** Liveness path the load balancer checks. */
  readonly healthPath: string;
  /**
   * The container health check: `'node'` probes `healthPath` with Node's http module (the default
   * image's HEALTHCHECK); a list is a command run without a shell, healthy on exit 0; `false`, none.
   * @default 'node'
   */
  readonly healthCheck?: 'node' | false | readonly string[];
  /** Task CPU units (256 = 0.25 vCPU). */
  readonly cpu: number;
  /** Task memory in MiB. */
  readonly memoryMiB: number;
  /**
   * Plain environment variables (never secrets: those go in `secrets`).
   * @default - no variables beyond the image's own
   */
  readonly environment?: Record<string, string>;
  /**
   * Variables ECS resolves from Secrets Manager or SSM when the task starts.
   * @default - no secrets
   */
  readonly secrets?: Record<string, ecs.Secret>;
  /** Fewest running tasks. */
  readonly minTasks: number;
  /** Most running tasks autoscaling may start. */
  readonly maxTasks: number;
  /**
   * Fargate capacity providers and their shares.
   * @default on-demand Fargate only
   */
  readonly capacity?: CapacityShare[];
  /**
   * Target CPU utilization (percent) for autoscaling.
   * @default 70
   */
  readonly scaleOnCpuPercent?: number;
  /**
   * Target memory utilization (percent) for autoscaling.
   * @default 80
   */
  readonly scaleOnMemoryPercent?: number;
  /**
   * Target ALB requests per task per minute for autoscaling.
   * @default no request-count scaling
   */
  readonly scaleOnRequestsPerTarget?: number;
  /**
   * The command the container runs, in exec form (a service sharing another's image).
   * @default the image's own `CMD`
   */
  readonly command?: readonly string[];
  /** The listener production traffic arrives on; the service gets a rule on it (see `route`). */
  readonly productionListener: elbv2.ApplicationListener;
  /**
   * Which requests reach the service: path patterns and/or host headers (both must match when
   * both are given). The test listener gets the same conditions.
   * @default every request (`/*`): the catch-all service
   */
  readonly route?: WebServiceRoute;
  /**
   * Priority of the service's listener rules (1-50000, lower is evaluated first): a routed service
   * must come before the catch-all, which has `SERVICE_RULE_PRIORITY` (1000).
   * @default 1000
   */
  readonly rulePriority?: number;
  /**
   * The listener smoke tests reach new tasks through (needed by every strategy but rolling).
   * @default - no test listener: only rolling deployments are possible
   */
  readonly testListener?: elbv2.ApplicationListener;
  /**
   * Seconds the load balancer drains a deregistering task before ECS stops it.
   * @default 30
   */
  readonly deregistrationDelaySeconds?: number;
  /**
   * Seconds the container needs after SIGTERM to finish in-flight requests (`SHUTDOWN_TIMEOUT_MS`);
   * ECS waits this plus 5 s before SIGKILL (the container's `stopTimeout`, at most 120 s on Fargate).
   * The deregistration delay comes before SIGTERM and is not part of it.
   * @default 10
   */
  readonly shutdownSeconds?: number;
  /**
   * The environment is served over HTTPS: the service sends `Strict-Transport-Security` with this
   * max-age on requests the load balancer received over HTTPS (`HSTS_MAX_AGE`).
   * @default 0: no HSTS (plain HTTP, or HTTPS not yet in front of the service)
   */
  readonly hstsMaxAgeSeconds?: number;
  /**
   * Days to keep the container logs.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * What happens to the log group when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Name of the log group.
   * @default generated
   */
  readonly logGroupName?: string;
  /**
   * Register the tasks in a Cloud Map namespace as `<name>.<namespace>` (A records).
   * @default not registered
   */
  readonly discovery?: { readonly namespace: servicediscovery.INamespace; readonly name: string };
  /** Deployment strategy and safety nets. @default rolling with circuit breaker */
  readonly deployment?: WebServiceDeployment;
  /**
   * When given, the service runs tasks only while this condition holds, and none otherwise (an
   * environment whose first image has not been pushed yet).
   * @default always runs `minTasks`
   */
  readonly runWhen?: CfnCondition;
}

/** Throws naming the first prop that is out of range, and what it allows. */
export function validate(props: WebServiceProps, strategy: DeployStrategy) {
  const fail = (message: string) => {
    throw new Error(`WebService: ${message}`);
  };
  if (!DEPLOY_STRATEGIES.includes(strategy))
    fail(`deployment.strategy must be one of ${DEPLOY_STRATEGIES.join(', ')}, got "${strategy}"`);
  if (props.minTasks < 0 || props.maxTasks < 1 || props.minTasks > props.maxTasks)
    fail(
      `minTasks must be 0..maxTasks and maxTasks ≥ 1, got minTasks ${props.minTasks}, maxTasks ${props.maxTasks}`,
    );
  const priority = props.rulePriority;
  if (priority !== undefined && !(Number.isInteger(priority) && priority >= 1 && priority <= 50_000))
    fail(`rulePriority must be a whole number 1-50000, got ${priority}`);
  const route = props.route;
  if (route && !route.paths?.length && !route.hosts?.length)
    fail('route must give paths or hosts (or both), got neither');
  // An ALB rule takes at most five condition values in all.
  if (route && (route.paths?.length ?? 0) + (route.hosts?.length ?? 0) > 5)
    fail(
      `route may give at most 5 paths and hosts together (the load balancer's limit per rule), got ${(route.paths?.length ?? 0) + (route.hosts?.length ?? 0)}`,
    );
  if (!props.healthPath.startsWith('/')) fail(`healthPath must start with "/", got "${props.healthPath}"`);
  const step = props.deployment?.stepPercent;
  if (step !== undefined) {
    const low = strategy === 'linear' ? 3 : 0.1;
    if (step < low || step > 100 || Math.abs(step * 10 - Math.round(step * 10)) > 1e-9)
      fail(
        `deployment.stepPercent must be a multiple of 0.1 from ${low} to 100 for ${strategy}, got ${step}`,
      );
  }
  for (const [key, value] of [
    ['bakeMinutes', props.deployment?.bakeMinutes],
    ['stepBakeMinutes', props.deployment?.stepBakeMinutes],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 1440))
      fail(`deployment.${key} must be a whole number of minutes from 0 to 1440, got ${value}`);
  }
  const shutdown = props.shutdownSeconds ?? 10;
  const maxShutdown = MAX_SHUTDOWN_TIMEOUT_MS / 1000;
  if (!(shutdown >= 1 && shutdown <= maxShutdown))
    fail(
      `shutdownSeconds must be 1-${maxShutdown} (Fargate stops at ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s), got ${shutdown}`,
    );
  const hsts = props.hstsMaxAgeSeconds ?? 0;
  if (!(Number.isInteger(hsts) && hsts >= 0))
    fail(`hstsMaxAgeSeconds must be a whole number of seconds, got ${hsts}`);
}
