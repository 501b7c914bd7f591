/*
 * Stack names and construct ids. The CDK app creates stacks under these names, and the CLI,
 * the workflows' scripts and the docs find them by the same names. Stack names are a contract
 * from the first deploy on: renaming one makes CloudFormation create a new stack.
 */

/** The layers deployed once per environment, in dependency order. */
export type Layer = 'network' | 'data' | 'service' | 'observability';

export const LAYERS: readonly Layer[] = ['network', 'data', 'service', 'observability'];

/** Stacks deployed once per AWS account (in its home region), not per environment. */
export type AccountLayer = 'audit';

/** An environment's stack: `<app>-<env>-<layer>`, e.g. `slipway-dev-network`. */
export function stackName(env: { readonly prefix: string }, layer: Layer): string {
  return `${env.prefix}-${layer}`;
}

/** An account-level stack: `<app>-<layer>-<account>`, e.g. `slipway-audit-111111111111`. */
export function accountStackName(appName: string, account: string, layer: AccountLayer): string {
  return `${appName}-${layer}-${account}`;
}

/** The registry stack: one per app, in the registry account and region, e.g. `slipway-registry`. */
export function registryStackName(appName: string): string {
  return `${appName}-registry`;
}

/** The CI access stack's name in every account (construct ids add the account: see `ciAccessStackId`). */
export function ciAccessStackName(appName: string): string {
  return `${appName}-ci-access`;
}

/** The CDK construct id (and `cdk deploy` selector) of one account's CI access stack. */
export function ciAccessStackId(appName: string, account: string): string {
  return `${ciAccessStackName(appName)}-${account}`;
}
