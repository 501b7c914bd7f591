/*
 * Stack names and construct ids. The CDK app creates stacks under these names, and the CLI,
 * the workflows' scripts and the docs find them by the same names. Stack names are a contract
 * from the first deploy on: renaming one makes CloudFormation create a new stack.
 */

/**
 * The layers deployed once per environment, in dependency order. `edge` is the environment's
 * small us-east-1 stack (CloudFront's certificate and web ACL), present only when the environment
 * lives elsewhere and needs one of them: see `edgeStackNeeded`.
 */
export type Layer = 'network' | 'data' | 'edge' | 'service' | 'observability';

export const LAYERS: readonly Layer[] = ['network', 'data', 'edge', 'service', 'observability'];

/** CloudFront reads viewer certificates and web ACLs from this region only. */
export const EDGE_REGION = 'us-east-1';

/** What decides whether an environment has an edge stack. */
export interface EdgeNeeds {
  readonly region: string;
  readonly domain:
    | { readonly zone: string | undefined; readonly certificateArn: string | undefined }
    | undefined;
  readonly waf: { readonly enabled: boolean };
}

/** Slipway creates the environment's CloudFront certificate (it has a domain in a zone and no certificate of its own). */
export function createsCertificate(env: EdgeNeeds): boolean {
  return env.domain !== undefined && env.domain.certificateArn === undefined && env.domain.zone !== undefined;
}

/**
 * The environment needs resources in us-east-1 (a certificate Slipway creates, or a web ACL) but
 * lives in another region: they go in its edge stack, `<app>-<env>-edge`, deployed before its
 * service stack. In us-east-1 they sit in the service stack itself.
 */
export function edgeStackNeeded(env: EdgeNeeds): boolean {
  return env.region !== EDGE_REGION && (createsCertificate(env) || env.waf.enabled);
}

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

/**
 * The registry replica stack of one account and region that receives replicated images, e.g.
 * `slipway-registry-replica-333333333333-af-south-1` (also its construct id): the account and
 * region in the name keep the names of an app's stacks distinct, as the CLI lists them by name.
 */
export function registryReplicaStackName(appName: string, account: string, region: string): string {
  return `${appName}-registry-replica-${account}-${region}`;
}

/** The CI access stack's name in every account (construct ids add the account: see `ciAccessStackId`). */
export function ciAccessStackName(appName: string): string {
  return `${appName}-ci-access`;
}

/** The CDK construct id (and `cdk deploy` selector) of one account's CI access stack. */
export function ciAccessStackId(appName: string, account: string): string {
  return `${ciAccessStackName(appName)}-${account}`;
}
