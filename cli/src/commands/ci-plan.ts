/*
 * What one run of the app workflow `slipway init` writes deploys, from slipway.config.ts (the same
 * model as Slipway's own pipeline, scripts/ci/triggers.ts): a push deploys the environments of its
 * branch in promotion order with the commit's image; a workflow_dispatch deploys the environment
 * asked for (after those it is promoted from, when an image tag is given); anything else nothing.
 */
import type { SlipwayConfig } from '@slipway/config';
import { IMAGE_TAG } from '@slipway/config/contract';
import { CliError } from '../errors.ts';

export interface CiPlan {
  /** Environments to deploy, in order. */
  readonly environments: string[];
  /** Image tag to deploy; '' deploys the infrastructure only. */
  readonly imageTag: string;
}

/** `name` after every environment it is promoted from (prod: staging, prod). */
export function promotionChain(config: SlipwayConfig, name: string): string[] {
  const chain: string[] = [];
  let current: string | undefined = name;
  while (current !== undefined && config.environments[current] && !chain.includes(current)) {
    chain.unshift(current);
    current = config.environments[current]?.promoteFrom;
  }
  return chain;
}

/** The environments a push to `branch` deploys, each after the one it is promoted from. */
export function pushPlan(config: SlipwayConfig, branch: string, sha: string): CiPlan {
  const names = Object.entries(config.environments)
    .filter(([, env]) => env.branch !== undefined && env.branch === branch)
    .map(([name]) => name);
  const ordered: string[] = [];
  for (const name of names)
    for (const step of promotionChain(config, name))
      if (names.includes(step) && !ordered.includes(step)) ordered.push(step);
  return { environments: ordered, imageTag: ordered.length > 0 ? sha : '' };
}

/** The plan of a workflow_dispatch; SW257 for a name the config does not have, SW258 for a bad tag. */
export function dispatchPlan(config: SlipwayConfig, environment: string, imageTag: string): CiPlan {
  const names = Object.keys(config.environments);
  if (!names.includes(environment))
    throw new CliError(
      'SW257',
      `"${environment}" is not an environment of slipway.config.ts (${names.join(', ')})`,
      `run the workflow again with one of: ${names.join(', ')}`,
    );
  if (imageTag !== '' && !IMAGE_TAG.test(imageTag))
    throw new CliError(
      'SW258',
      `image tag "${imageTag}" is not a tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -`,
      'run the workflow again with a tag that is in the registry, or none (infrastructure only)',
    );
  return {
    environments: imageTag === '' ? [environment] : promotionChain(config, environment),
    imageTag,
  };
}
