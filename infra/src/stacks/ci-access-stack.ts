import { type ResolvedRegistry, resolveEnvironment, type SlipwayConfig } from '@slipway/config';
import {
  ciAccessStackId,
  ciAccessStackName,
  EDGE_REGION,
  edgeStackNeeded,
  type GitHubRepository,
} from '@slipway/config/contract';
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { CiAccess, type CiAccessEnvironment } from '../constructs/ci-access/ci-access.ts';

export interface CiAccessStackProps extends StackProps {
  /** App name (role and resource prefix). */
  readonly appName: string;
  /** The repository whose workflows may assume the roles. */
  readonly github: GitHubRepository;
  /** Environments in this stack's account. */
  readonly environments: CiAccessEnvironment[];
  /** Branches that may assume the plan role besides pull requests (scheduled drift runs on the default branch). */
  readonly planBranches: string[];
  /** The image repository. */
  readonly registry: ResolvedRegistry;
  /** In the registry account: branches whose builds push, and the accounts whose deploy roles tag images. */
  readonly push?: { branches: string[]; deployAccounts: string[]; preview: boolean };
  /** Regions of the edge stacks (us-east-1) of this account's environments and previews. */
  readonly edgeRegions: string[];
  /** Region of pull-request previews in this account, if they are deployed here. */
  readonly previewRegion?: string;
  /** Previews inherit office hours from their base environment. */
  readonly previewOfficeHours?: boolean;
}

/**
 * One per AWS account, in the account's home region (IAM is global): the GitHub OIDC provider and
 * the plan, deploy and (registry account) push roles. Deploy it once per account with
 * administrator credentials before the first pipeline run (docs/pipelines.md); after that the
 * pipelines need no long-lived key.
 */
export class CiAccessStack extends Stack {
  readonly access: CiAccess;

  constructor(scope: Construct, id: string, props: CiAccessStackProps) {
    super(scope, id, props);
    this.access = new CiAccess(this, 'CiAccess', {
      appName: props.appName,
      github: props.github,
      environments: props.environments,
      edgeRegions: props.edgeRegions,
      planBranches: props.planBranches,
      previewRegion: props.previewRegion,
      previewOfficeHours: props.previewOfficeHours,
      registry: {
        account: props.registry.account,
        region: props.registry.region,
        repositoryNames: [
          ...props.registry.repositories.map((r) => r.name),
          // The app workflow pushes Grafana's image too.
          ...(props.registry.grafanaRepository ? [props.registry.grafanaRepository] : []),
        ],
        replicated: props.registry.replication,
      },
      push: props.push,
    });
  }
}

export interface CiAccessAccount {
  readonly account: string;
  /** Where the stack goes: the account's home region (or the registry's region for a registry-only account). */
  readonly region: string;
}

/**
 * The CI access stacks of an app: one per account that holds a selected environment, plus the
 * registry account when no environment lives there. Trust and scope come from every environment
 * of the config, so synthesizing a subset of environments yields the same roles.
 *
 * @param previewBase the environment pull-request previews derive from (its account and region
 *   host them), if previews are on
 */
export function addCiAccessStacks(
  scope: Construct,
  config: SlipwayConfig,
  accounts: CiAccessAccount[],
  registry: ResolvedRegistry,
  previewBase?: string,
): CiAccessStack[] {
  const github = config.github;
  if (!github) return []; // no repository to trust: nothing to create
  const all = Object.entries(config.environments);
  const branches = [...new Set(all.map(([, e]) => e.branch).filter((b): b is string => !!b))];
  const base = previewBase ? config.environments[previewBase] : undefined;
  if (previewBase && !base) {
    throw new Error(`previews: base environment "${previewBase}" is not in slipway.config.ts`);
  }
  const homes = [...accounts];
  if (!homes.some((a) => a.account === registry.account)) {
    homes.push({ account: registry.account, region: registry.region });
  }
  return homes.map(
    (home) =>
      new CiAccessStack(scope, ciAccessStackId(config.app.name, home.account), {
        stackName: ciAccessStackName(config.app.name),
        env: { account: home.account, region: home.region },
        description: `Slipway ${config.app.name}: CI access for ${github.owner}/${github.repository} (GitHub OIDC provider, plan/deploy/push roles)`,
        appName: config.app.name,
        github,
        environments: all
          .filter(([, e]) => e.account === home.account)
          .map(([name, e]) => ({ name, region: e.region, officeHours: e.officeHours !== undefined })),
        edgeRegions: edgeRegions(config, home.account, previewBase),
        planBranches: branches,
        registry,
        previewRegion: base?.account === home.account ? base.region : undefined,
        previewOfficeHours: base?.account === home.account && base.officeHours !== undefined,
        push:
          home.account === registry.account
            ? {
                branches,
                deployAccounts: [...new Set(all.map(([, e]) => e.account))],
                preview: base !== undefined,
              }
            : undefined,
      }),
  );
}

/**
 * us-east-1 when an environment of the account (or a preview of one) has an edge stack there. A
 * preview needs one when its base, outside us-east-1, has a domain in a zone: the preview's own
 * certificate is created there.
 */
function edgeRegions(config: SlipwayConfig, account: string, previewBase: string | undefined): string[] {
  const needs = Object.entries(config.environments).some(([name, e]) => {
    if (e.account !== account) return false;
    const resolved = resolveEnvironment(name, e, config);
    const previewNeeds = name === previewBase && resolved.domain?.zone !== undefined;
    return edgeStackNeeded(resolved) || (previewNeeds && resolved.region !== EDGE_REGION);
  });
  return needs ? [EDGE_REGION] : [];
}
