// Kept free of zod: the contract (loaded by the CLI's fast paths and the service) reaches it
// through resolve.ts.

/** The deployment strategies (`deploy.strategy`). */
export type DeployStrategyName = 'rolling' | 'blue-green' | 'canary' | 'linear';

/**
 * The load balancer and deployment timings each strategy starts from (data, not a branch on the
 * environment's name); an environment's `deploy` and `service` keys override them one by one.
 *
 * - Health check every 5 s (the load balancer's fastest). Rolling calls a new task healthy after 2
 *   passes, as before; the native strategies ask 3 (15 s instead of 20 s), one check more before
 *   the test listener and then production reach the new tasks.
 * - Drain: under rolling the old tasks serve live traffic until they are deregistered, so the
 *   drain covers a request in flight for the service's own 10 s shutdown bound. Under blue/green,
 *   canary and linear the old tasks have had no production traffic since the last shift, at least
 *   the bake time before they are deregistered: 5 s is enough.
 * - Early success (rolling only): the deployment, and with it CloudFormation's update, completes
 *   once every new task is healthy; the old tasks drain and stop after it.
 */
export const STRATEGY_TIMING: Readonly<
  Record<
    DeployStrategyName,
    {
      readonly healthCheckIntervalSeconds: number;
      readonly healthyThresholdCount: number;
      readonly deregistrationDelaySeconds: number;
      readonly earlySuccess: boolean;
    }
  >
> = {
  rolling: {
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 2,
    deregistrationDelaySeconds: 10,
    earlySuccess: true,
  },
  'blue-green': {
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 3,
    deregistrationDelaySeconds: 5,
    earlySuccess: false,
  },
  canary: {
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 3,
    deregistrationDelaySeconds: 5,
    earlySuccess: false,
  },
  linear: {
    healthCheckIntervalSeconds: 5,
    healthyThresholdCount: 3,
    deregistrationDelaySeconds: 5,
    earlySuccess: false,
  },
};
