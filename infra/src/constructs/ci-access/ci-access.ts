import {
  CDK_DEFAULT_QUALIFIER,
  ciRoleArn,
  ciRoleName,
  GITHUB_OIDC,
  githubSubject,
  PREVIEW_GITHUB_ENVIRONMENT,
  PREVIEW_NAME_GLOB,
} from '@slipway/config/contract';
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { AccountArns, type DeployTarget, unique } from './arns.ts';
import { grantDeploy } from './deploy-policy.ts';
import { grantPlan } from './plan-policy.ts';
import { type CiAccessProps, type CiAccessPush, validate } from './props.ts';
import { grantPush } from './push-policy.ts';

export { DRIFT_READ_ACTIONS } from './drift-read-actions.ts';
export type { CiAccessEnvironment, CiAccessProps, CiAccessPush, CiAccessRegistry } from './props.ts';

/**
 * Everything GitHub Actions needs in one AWS account, without a long-lived key: the GitHub OIDC
 * provider and the CI roles.
 *
 * - **plan** (`<app>-ci-plan`): read-only. Pull requests (and `planBranches`) may assume it. It
 *   may assume the CDK lookup role, read the app's stacks and parameters, and run CloudFormation
 *   drift detection (which reads each resource with the caller's rights, hence the describe list).
 * - **deploy** (`<app>-ci-deploy`): only from the GitHub Environment named like an environment of
 *   this account. It holds no broad rights: it assumes the CDK bootstrap roles (which deploy) and
 *   makes the few direct calls `slipway deploy` needs, scoped to its environments.
 * - **push** (`<app>-ci-push`, registry account only): pushes images from the deploy branches'
 *   builds; the other accounts' deploy roles may assume it to move `deployed-<env>` tags.
 *
 * Every trust policy has `StringEquals` on both `aud` and `sub`: no wildcard subject, no other
 * repository, no fork.
 */
export class CiAccess extends Construct {
  /** The OIDC provider (created or imported). */
  readonly provider: iam.IOidcProvider;
  readonly planRole: iam.Role;
  readonly deployRole: iam.Role | undefined;
  readonly pushRole: iam.Role | undefined;

  private readonly account: string;
  private readonly arns: AccountArns;

  constructor(scope: Construct, id: string, props: CiAccessProps) {
    super(scope, id);
    validate(props);
    const stack = Stack.of(this);
    this.account = stack.account;
    this.arns = new AccountArns(this.account, props.bootstrapQualifier ?? CDK_DEFAULT_QUALIFIER);
    const environments = props.environments ?? [];

    this.provider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubProvider', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubProvider', {
          url: GITHUB_OIDC.url,
          clientIds: [GITHUB_OIDC.audience],
        });

    const regions = unique([
      ...environments.map((e) => e.region),
      ...(props.edgeRegions ?? []),
      ...(props.previewRegion ? [props.previewRegion] : []),
      // The registry's own stack lives in the registry account: plan and drift-check it too.
      ...(props.push ? [props.registry.region] : []),
    ]);
    this.planRole = this.createPlanRole(props, regions);
    if (environments.length > 0 || props.previewRegion)
      this.deployRole = this.createDeployRole(props, regions);
    if (props.push) this.pushRole = this.createPushRole(props, props.push);
  }

  /** Read-only, from pull requests (and `planBranches`). */
  private createPlanRole(props: CiAccessProps, regions: string[]): iam.Role {
    const gh = props.github;
    const role = new iam.Role(this, 'PlanRole', {
      roleName: ciRoleName(props.appName, 'plan'),
      description: `Slipway CI: read-only plan, diff and drift for ${gh.owner}/${gh.repository}`,
      assumedBy: this.githubPrincipal([
        githubSubject.pullRequest(gh),
        ...unique(props.planBranches ?? []).map((b) => githubSubject.branch(gh, b)),
      ]),
      maxSessionDuration: Duration.hours(1),
    });
    grantPlan(role, this.arns, props.appName, regions);
    return role;
  }

  /** Only from this account's GitHub Environments (and `preview` when previews live here). */
  private createDeployRole(props: CiAccessProps, regions: string[]): iam.Role {
    const gh = props.github;
    const environments = props.environments ?? [];
    const subjects = environments.map((e) => githubSubject.environment(gh, e.name));
    if (props.previewRegion) subjects.push(githubSubject.environment(gh, PREVIEW_GITHUB_ENVIRONMENT));
    const role = new iam.Role(this, 'DeployRole', {
      roleName: ciRoleName(props.appName, 'deploy'),
      description: `Slipway CI: deploy ${environments.map((e) => e.name).join(', ') || 'previews'} via the CDK bootstrap roles`,
      assumedBy: this.githubPrincipal(subjects),
      maxSessionDuration: Duration.hours(props.deploySessionHours ?? 2),
    });
    const targets: DeployTarget[] = environments.map((e) => ({ prefix: `${props.appName}-${e.name}`, ...e }));
    if (props.previewRegion) {
      targets.push({
        name: PREVIEW_NAME_GLOB,
        prefix: `${props.appName}-${PREVIEW_NAME_GLOB}`,
        region: props.previewRegion,
        officeHours: props.previewOfficeHours,
      });
    }
    grantDeploy(role, this.arns, regions, targets, props);
    return role;
  }

  /** Registry account only: the deploy branches' builds, and the other accounts' deploy roles. */
  private createPushRole(props: CiAccessProps, push: CiAccessPush): iam.Role {
    const gh = props.github;
    const subjects = unique(push.branches).map((b) => githubSubject.branch(gh, b));
    if (push.preview) subjects.push(githubSubject.environment(gh, PREVIEW_GITHUB_ENVIRONMENT));
    const principals: iam.IPrincipal[] = [this.githubPrincipal(subjects)];
    for (const account of unique(push.deployAccounts ?? []).filter((a) => a !== this.account)) {
      // The account root plus aws:PrincipalArn, not the role ARN itself: a role principal must
      // exist when this policy is saved, and the other account's stack may be deployed later.
      principals.push(
        new iam.AccountPrincipal(account).withConditions({
          ArnEquals: { 'aws:PrincipalArn': ciRoleArn(account, props.appName, 'deploy', Aws.PARTITION) },
        }),
      );
    }
    const role = new iam.Role(this, 'PushRole', {
      roleName: ciRoleName(props.appName, 'push'),
      description: `Slipway CI: push images to ${props.registry.repositoryNames.join(', ')} and move deploy tags`,
      assumedBy: new iam.CompositePrincipal(...principals),
      maxSessionDuration: Duration.hours(1),
    });
    grantPush(role, props.registry);
    return role;
  }

  /** Web identity from GitHub's OIDC provider, for exactly these subjects and our audience. */
  private githubPrincipal(subjects: string[]): iam.IPrincipal {
    return new iam.OpenIdConnectPrincipal(this.provider, {
      StringEquals: {
        [`${GITHUB_OIDC.host}:aud`]: GITHUB_OIDC.audience,
        [`${GITHUB_OIDC.host}:sub`]: subjects.length === 1 ? subjects[0] : subjects,
      },
    });
  }
}
