import { MAX_SHUTDOWN_TIMEOUT_MS } from '@slipway/config/contract';
import type { CfnCondition, RemovalPolicy } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { DEPLOY_STRATEGIES, type WebServiceDeployment } from '../service/web-service-props.ts';
import { type CapacityShare, validateCapacity } from '../task/index.ts';

export interface BackendServiceProps {
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
  /**
   * The command the container runs, in exec form.
   * @default the image's own `CMD`
   */
  readonly command?: readonly string[];
  /** The non-root user the container runs as (`uid:gid`). @default the image's own `USER` */
  readonly user?: string;
  /** Port the container listens on (passed as `PORT`); callers reach it on the same port. */
  readonly port: number;
  /** Liveness path the container health check asks (there is no load balancer). */
  readonly healthPath: string;
  /**
   * The container health check: `'node'` probes `healthPath` with Node's http module; a list is a
   * command run without a shell, healthy on exit 0; `false`, none.
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
   * Seconds the container needs after SIGTERM to finish in-flight requests (`SHUTDOWN_TIMEOUT_MS`);
   * ECS waits this plus 5 s before SIGKILL.
   * @default 10
   */
  readonly shutdownSeconds?: number;
  /** The Cloud Map namespace Service Connect registers the service in (the environment's `<env>.internal`). */
  readonly namespace: servicediscovery.INamespace;
  /** The service's name in the namespace (Cloud Map service name). */
  readonly discoveryName: string;
  /** The name callers use, `<service>.<env>.internal` (the Service Connect client alias). */
  readonly dnsName: string;
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
   * Deployment strategy: blue/green, canary and linear shift Service Connect traffic between the
   * old and the new revision (no load balancer involved).
   * @default rolling with circuit breaker
   */
  readonly deployment?: WebServiceDeployment;
  /**
   * When given, the service runs tasks only while this condition holds, and none otherwise (an
   * environment whose first image has not been pushed yet).
   * @default always runs `minTasks`
   */
  readonly runWhen?: CfnCondition;
}

/** Every out-of-range prop, each naming the prop, the value and what is allowed; throws them at once. */
export function validate(props: BackendServiceProps): void {
  const errors: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) errors.push(message);
  };
  const strategy = props.deployment?.strategy ?? 'rolling';
  check(
    DEPLOY_STRATEGIES.includes(strategy),
    `deployment.strategy must be one of ${DEPLOY_STRATEGIES.join(', ')}, got "${strategy}"`,
  );
  check(
    Number.isInteger(props.minTasks) &&
      Number.isInteger(props.maxTasks) &&
      props.minTasks >= 0 &&
      props.maxTasks >= 1 &&
      props.minTasks <= props.maxTasks,
    `minTasks must be 0..maxTasks and maxTasks ≥ 1, got minTasks ${props.minTasks}, maxTasks ${props.maxTasks}`,
  );
  check(
    Number.isInteger(props.port) && props.port >= 1 && props.port <= 65_535,
    `port must be 1-65535, got ${props.port}`,
  );
  check(props.healthPath.startsWith('/'), `healthPath must start with "/", got "${props.healthPath}"`);
  check(
    /^[a-z0-9]([a-z0-9.-]{0,252}[a-z0-9])?$/.test(props.dnsName),
    `dnsName must be a lower-case DNS name such as api.dev.internal, got "${props.dnsName}"`,
  );
  const shutdown = props.shutdownSeconds ?? 10;
  const maxShutdown = MAX_SHUTDOWN_TIMEOUT_MS / 1000;
  check(
    shutdown >= 1 && shutdown <= maxShutdown,
    `shutdownSeconds must be 1-${maxShutdown}, got ${shutdown}`,
  );
  try {
    validateCapacity('BackendService', props.capacity);
  } catch (error) {
    errors.push((error as Error).message.replace(/^BackendService: /, ''));
  }
  if (errors.length > 0) throw new Error(`BackendService ${props.discoveryName}: ${errors.join('; ')}`);
}
