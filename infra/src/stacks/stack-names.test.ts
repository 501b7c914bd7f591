/*
 * The CDK app names its stacks as the contract says, so the CLI and the workflows' scripts (which
 * take the names from `resolveTarget` without building the app) find the stacks it deploys:
 *   - every environment of the shipped config: one stack per layer, the same names, the same order
 *   - a pull-request preview: its service stack alone
 *   - the account-level stacks: registry, CI access per account, audit per account
 */
import {
  accountStackName,
  ciAccessStackName,
  registryReplicaStackName,
  registryStackName,
  resolveTarget,
} from '@slipway/config/contract';
import { ENVIRONMENTS, shippedConfig } from '@slipway/testing/synth';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';

let built: ReturnType<typeof buildApp>;
let config: Awaited<ReturnType<typeof shippedConfig>>;
beforeAll(async () => {
  config = await shippedConfig();
  // Built, not synthesized: the names exist once the stacks are constructed; no asset is bundled.
  built = buildApp(config, {
    environments: [...ENVIRONMENTS, 'pr-3'],
    appProps: { context: { 'aws:cdk:bundling-stacks': [] } },
  });
});

const names = (stacks: object) =>
  Object.entries(stacks)
    .filter(([key, value]) => key !== 'environment' && value !== undefined)
    .map(([, stack]) => (stack as { stackName: string }).stackName);

describe('stack names', () => {
  it.each([...ENVIRONMENTS, 'pr-3'])('of %s are the ones resolveTarget gives', (env) => {
    const stacks = built.stacks[env];
    if (!stacks) throw new Error(`${env} was not built`);
    expect(names(stacks)).toEqual(Object.values(resolveTarget(config, env).stacks));
  });

  it('of the account-level stacks come from the contract', () => {
    const account = config.environments.prod?.account ?? '';
    const accountStacks = built.accountStacks.map((s) => s.stackName);
    expect(accountStacks).toEqual(
      expect.arrayContaining([
        registryStackName('slipway'),
        registryReplicaStackName('slipway', account, 'af-south-1'),
        ciAccessStackName('slipway'),
        accountStackName('slipway', account, 'audit'),
      ]),
    );
  });
});
