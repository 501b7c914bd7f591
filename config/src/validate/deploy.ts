import type { ConfigError } from '../errors.ts';
import type { ResolvedEnvironment } from '../resolve.ts';
import { err } from './util.ts';

// ECS-native deployments: CloudFormation caps a canary/linear deployment at 33 hours in total
// (AWS::ECS::Service DeploymentConfiguration, checked 2026-11); bake times are 0-1440 minutes.
const MAX_DEPLOYMENT_MINUTES = 33 * 60;

export function deployErrors(
  deploy: ResolvedEnvironment['deploy'],
  at: (key: string) => string,
): ConfigError[] {
  const errors: ConfigError[] = [];
  const { strategy, stepPercent, stepBakeMinutes, bakeMinutes } = deploy;
  if (
    (strategy === 'linear' || strategy === 'canary') &&
    Math.abs(stepPercent * 10 - Math.round(stepPercent * 10)) > 1e-9
  )
    errors.push(
      err(at('deploy.stepPercent'), 'SW121', `got ${stepPercent}; ECS takes multiples of 0.1 percent`),
    );
  if (strategy === 'linear') {
    // ECS linear deployments shift between 3% and 100% of traffic per step.
    if (stepPercent < 3)
      errors.push(
        err(at('deploy.stepPercent'), 'SW121', `got ${stepPercent}; a linear step must shift 3-100 percent`),
      );
    const steps = Math.ceil(100 / Math.max(stepPercent, 3));
    const total = steps * stepBakeMinutes + bakeMinutes;
    if (total > MAX_DEPLOYMENT_MINUTES)
      errors.push(
        err(
          at('deploy.stepBakeMinutes'),
          'SW121',
          `${steps} steps × ${stepBakeMinutes} min + bake ${bakeMinutes} min = ${total} min; ECS allows at most ${MAX_DEPLOYMENT_MINUTES} min (33 h) in total`,
        ),
      );
  }
  if (strategy === 'canary') {
    const total = stepBakeMinutes + bakeMinutes;
    if (total > MAX_DEPLOYMENT_MINUTES)
      errors.push(
        err(
          at('deploy.stepBakeMinutes'),
          'SW121',
          `canary bake ${stepBakeMinutes} min + bake ${bakeMinutes} min = ${total} min; ECS allows at most ${MAX_DEPLOYMENT_MINUTES} min (33 h) in total`,
        ),
      );
  }
  return errors;
}

/** A blue/green, canary or linear deployment's smoke test runs in a function that needs the ECS API. */
export function smokeTestErrors(r: ResolvedEnvironment, at: (key: string) => string): ConfigError[] {
  if (r.deploy.strategy === 'rolling' || !r.deploy.smokeTest || r.network.nat !== 'none') return [];
  return [
    err(
      at('deploy.smokeTest'),
      'SW125',
      `a ${r.deploy.strategy} deployment's smoke test runs in a function that needs outbound access to the ECS API, and network.nat is "none"; choose a NAT mode or set deploy.smokeTest: false`,
    ),
  ];
}
