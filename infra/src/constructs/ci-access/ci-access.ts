import {
  type BootstrapRoleKind,
  bootstrapRoleName,
  CDK_DEFAULT_QUALIFIER,
  ciRoleArn,
  ciRoleName,
  GITHUB_OIDC,
  type GitHubRepository,
  githubSubject,
  PREVIEW_GITHUB_ENVIRONMENT,
  PREVIEW_NAME_GLOB,
} from '@slipway/config/contract';
import { Aws, Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledge } from '../../policy/index.ts';

/** One environment that lives in this account. */
export interface CiAccessEnvironment {
  /** Environment name; also the GitHub Environment whose jobs may assume the deploy role. */
  readonly name: string;
  /** Region the environment is deployed to (its CDK bootstrap roles live there). */
  readonly region: string;
  /**
   * The environment sleeps outside office hours (`officeHours`): the deploy role may then start its
   * NAT instance and database and scale its services up, as `slipway deploy` does before deploying.
   * @default false
   */
  readonly officeHours?: boolean;
}

/** Where the image repository lives (possibly another account). */
export interface CiAccessRegistry {
  /** Account holding the repository. */
  readonly account: string;
  /** Region holding the repository. */
  readonly region: string;
  /** Repository name (the app name). */
  readonly repositoryName: string;
}

/** The push role, created only in the registry account. */
export interface CiAccessPush {
  /** Branches whose push builds may push images (`repo:<owner>/<repo>:ref:refs/heads/<branch>`). */
  readonly branches: string[];
  /**
   * Whether jobs in the `preview` GitHub Environment may push (a labelled pull request's image).
   * @default false
   */
  readonly preview?: boolean;
  /**
   * Other accounts whose deploy role may assume the push role to move `deployed-<env>` and
   * `rollback-<env>` tags (`slipway deploy` with `SLIPWAY_REGISTRY_ROLE_ARN`).
   * @default none
   */
  readonly deployAccounts?: string[];
}

export interface CiAccessProps {
  /** App name: prefixes role names, stacks, SSM paths, clusters and log groups it may touch. */
  readonly appName: string;
  /** The GitHub repository whose workflows may assume the roles (pinned in every `sub` condition). */
  readonly github: GitHubRepository;
  /**
   * The environments in this account. Each one's GitHub Environment may assume the deploy role,
   * which may reach that environment's stacks, parameters, cluster and logs only.
   * @default none: no deploy role (a registry-only account)
   */
  readonly environments?: CiAccessEnvironment[];
  /**
   * Branches (besides pull requests) that may assume the read-only plan role, e.g. the default
   * branch where the scheduled drift workflow runs.
   * @default none: pull requests only
   */
  readonly planBranches?: string[];
  /**
   * Region of the pull-request previews (`pr-<number>`) deployed into this account. Jobs in the
   * `preview` GitHub Environment may then assume the deploy role, scoped to `<app>-pr-*` resources.
   * @default no previews in this account
   */
  readonly previewRegion?: string;
  /**
   * Pull-request previews inherit office hours from their base environment: the deploy role may
   * scale their services up outside them.
   * @default false
   */
  readonly previewOfficeHours?: boolean;
  /** The image repository: the deploy role tags images there after a deploy. */
  readonly registry: CiAccessRegistry;
  /**
   * Creates the push role `<app>-ci-push`. Set it in the registry account only.
   * @default no push role (the deploy role assumes the registry account's push role to tag images)
   */
  readonly push?: CiAccessPush;
  /**
   * ARN of a GitHub OIDC provider the account already has (IAM allows one per issuer per account).
   * @default creates the provider for `token.actions.githubusercontent.com`
   */
  readonly existingOidcProviderArn?: string;
  /**
   * CDK bootstrap qualifier of the account's bootstrap stacks.
   * @default 'hnb659fds' (the default of `cdk bootstrap`)
   */
  readonly bootstrapQualifier?: string;
  /**
   * Longest session of the deploy role, in hours. A canary deploy with bakes can outlast one
   * hour; the CDK CLI refreshes its chained bootstrap-role sessions only while this one is valid.
   * @default 2
   */
  readonly deploySessionHours?: number;
}

const NAME = /^[a-z][a-z0-9-]*$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

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

  private readonly appName: string;
  private readonly account: string;
  private readonly qualifier: string;

  constructor(scope: Construct, id: string, props: CiAccessProps) {
    super(scope, id);
    validate(props);
    const stack = Stack.of(this);
    this.appName = props.appName;
    this.account = stack.account;
    this.qualifier = props.bootstrapQualifier ?? CDK_DEFAULT_QUALIFIER;
    const environments = props.environments ?? [];
    const gh = props.github;

    this.provider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubProvider', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubProvider', {
          url: GITHUB_OIDC.url,
          clientIds: [GITHUB_OIDC.audience],
        });

    // --- plan: read-only, from pull requests ------------------------------------------------
    const regions = unique([
      ...environments.map((e) => e.region),
      ...(props.previewRegion ? [props.previewRegion] : []),
      // The registry's own stack lives in the registry account: plan and drift-check it too.
      ...(props.push ? [props.registry.region] : []),
    ]);
    this.planRole = new iam.Role(this, 'PlanRole', {
      roleName: ciRoleName(props.appName, 'plan'),
      description: `Slipway CI: read-only plan, diff and drift for ${gh.owner}/${gh.repository}`,
      assumedBy: this.githubPrincipal([
        githubSubject.pullRequest(gh),
        ...unique(props.planBranches ?? []).map((b) => githubSubject.branch(gh, b)),
      ]),
      maxSessionDuration: Duration.hours(1),
    });
    this.grantPlan(this.planRole, regions);

    // --- deploy: only from this account's GitHub Environments --------------------------------
    if (environments.length > 0 || props.previewRegion) {
      const subjects = environments.map((e) => githubSubject.environment(gh, e.name));
      if (props.previewRegion) subjects.push(githubSubject.environment(gh, PREVIEW_GITHUB_ENVIRONMENT));
      this.deployRole = new iam.Role(this, 'DeployRole', {
        roleName: ciRoleName(props.appName, 'deploy'),
        description: `Slipway CI: deploy ${environments.map((e) => e.name).join(', ') || 'previews'} via the CDK bootstrap roles`,
        assumedBy: this.githubPrincipal(subjects),
        maxSessionDuration: Duration.hours(props.deploySessionHours ?? 2),
      });
      const targets = environments.map((e) => ({ prefix: `${props.appName}-${e.name}`, ...e }));
      if (props.previewRegion) {
        targets.push({
          name: PREVIEW_NAME_GLOB,
          prefix: `${props.appName}-${PREVIEW_NAME_GLOB}`,
          region: props.previewRegion,
          officeHours: props.previewOfficeHours,
        });
      }
      this.grantDeploy(this.deployRole, regions, targets, props);
    }

    // --- push: registry account only ------------------------------------------------------------
    if (props.push) {
      const push = props.push;
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
      this.pushRole = new iam.Role(this, 'PushRole', {
        roleName: ciRoleName(props.appName, 'push'),
        description: `Slipway CI: push images to ${props.registry.repositoryName} and move deploy tags`,
        assumedBy: new iam.CompositePrincipal(...principals),
        maxSessionDuration: Duration.hours(1),
      });
      this.grantPush(this.pushRole, props.registry);
    }
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

  private arn(service: string, region: string, resource: string, partition: string = Aws.PARTITION): string {
    return `arn:${partition}:${service}:${region}:${this.account}:${resource}`;
  }

  private bootstrapRoles(kinds: BootstrapRoleKind[], regions: string[]): string[] {
    return regions.flatMap((region) =>
      kinds.map(
        (kind) =>
          `arn:${Aws.PARTITION}:iam::${this.account}:role/${bootstrapRoleName(kind, this.account, region, this.qualifier)}`,
      ),
    );
  }

  private grantPlan(role: iam.Role, regions: string[]) {
    const app = this.appName;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkLookupRole',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: this.bootstrapRoles(['lookup'], regions),
      }),
    );
    const stacks = (partition?: string) =>
      regions.map((r) => this.arn('cloudformation', r, `stack/${app}-*/*`, partition));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAndDriftCheckAppStacks',
        actions: [
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResource',
          'cloudformation:DescribeStackResources',
          'cloudformation:ListStackResources',
          'cloudformation:GetTemplate',
          'cloudformation:GetTemplateSummary',
          'cloudformation:DetectStackDrift',
          'cloudformation:DetectStackResourceDrift',
          'cloudformation:DescribeStackResourceDrifts',
        ],
        resources: stacks(),
      }),
    );
    const parameters = (partition?: string) =>
      regions.map((r) => this.arn('ssm', r, `parameter/${app}/*`, partition));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadAppParameters',
        actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        resources: parameters(),
      }),
    );
    // Drift detection reads every resource with the caller's rights. These describe/get calls
    // cover the resource types Slipway's stacks create; IAM offers most of them only on "*".
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeResourcesForDriftDetection',
        actions: DRIFT_READ_ACTIONS,
        resources: ['*'],
      }),
    );
    for (const arn of [...stacks('<AWS::Partition>'), ...parameters('<AWS::Partition>')]) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${arn}]`,
        `Read-only access to this app's own stacks and parameters (prefix ${app}-, path /${app}/), for diff and drift detection.`,
      );
    }
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudFormation drift detection reads each resource with the caller rights; these read-only describe APIs have no resource-level permissions.',
    );
    for (const action of DRIFT_READ_ACTIONS.filter((a) => a.includes('*'))) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'A read-only describe/list family needed by drift detection; none of these actions changes or reads data.',
      );
    }
  }

  private grantDeploy(
    role: iam.Role,
    regions: string[],
    targets: { name: string; prefix: string; region: string; officeHours?: boolean }[],
    props: CiAccessProps,
  ) {
    const app = this.appName;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole', 'sts:TagSession'],
        resources: this.bootstrapRoles(['deploy', 'file-publishing', 'image-publishing', 'lookup'], regions),
      }),
    );

    // Each list is built twice: with the partition token for the policy, and as cdk-nag prints
    // it for the acknowledgement of the (intended, prefix-scoped) wildcard.
    const scoped = (partition?: string) => {
      const per = (f: (t: (typeof targets)[number]) => [string, string]) =>
        targets.map((t) => {
          const [service, resource] = f(t);
          return this.arn(service, t.region, resource, partition);
        });
      const path = (t: (typeof targets)[number]) => `${app}/${t.name}`;
      return {
        readParameters: per((t) => ['ssm', `parameter/${path(t)}/*`]),
        parameterPaths: per((t) => ['ssm', `parameter/${path(t)}`]),
        releaseParameters: per((t) => ['ssm', `parameter/${path(t)}/release/*`]),
        stacks: per((t) => ['cloudformation', `stack/${t.prefix}-*/*`]),
        services: per((t) => ['ecs', `service/${t.prefix}/*`]),
        deployments: per((t) => ['ecs', `service-deployment/${t.prefix}/*`]),
        revisions: per((t) => ['ecs', `service-revision/${t.prefix}/*`]),
        tasks: per((t) => ['ecs', `task/${t.prefix}/*`]),
        clusters: per((t) => ['ecs', `cluster/${t.prefix}`]),
        logs: per((t) => ['logs', `log-group:/${path(t)}/*`]),
      };
    };
    const r = scoped();

    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnvironmentParameters',
        actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
        resources: [...r.readParameters, ...r.parameterPaths],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteReleaseParameter',
        actions: ['ssm:PutParameter'],
        resources: r.releaseParameters,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnvironmentStacks',
        actions: [
          'cloudformation:DescribeStacks',
          'cloudformation:DescribeStackEvents',
          'cloudformation:DescribeStackResources',
          'cloudformation:ListStackResources',
          'cloudformation:GetTemplate',
        ],
        resources: r.stacks,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WatchEcsDeployments',
        actions: [
          'ecs:DescribeServices',
          'ecs:ListServiceDeployments',
          'ecs:DescribeServiceDeployments',
          'ecs:DescribeServiceRevisions',
          'ecs:DescribeTasks',
          'ecs:DescribeClusters',
        ],
        resources: [...r.services, ...r.deployments, ...r.revisions, ...r.tasks, ...r.clusters],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ListEnvironmentTasks',
        actions: ['ecs:ListTasks'],
        resources: ['*'],
        conditions: { ArnLike: { 'ecs:cluster': r.clusters } },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnvironmentLogs',
        actions: ['logs:FilterLogEvents', 'logs:GetLogEvents', 'logs:DescribeLogStreams'],
        resources: r.logs,
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeTaskDefinitionsAndTargets',
        actions: [
          'ecs:DescribeTaskDefinition',
          'elasticloadbalancing:DescribeLoadBalancers',
          'elasticloadbalancing:DescribeListeners',
          'elasticloadbalancing:DescribeRules',
          'elasticloadbalancing:DescribeTargetGroups',
          'elasticloadbalancing:DescribeTargetHealth',
        ],
        resources: ['*'],
      }),
    );

    const registry = props.registry;
    if (props.push) {
      // This is the registry account: tag images directly.
      role.addToPolicy(this.tagImagesStatement(registry));
    } else {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'AssumeRegistryPushRoleToTagImages',
          actions: ['sts:AssumeRole'],
          resources: [ciRoleArn(registry.account, app, 'push', Aws.PARTITION)],
        }),
      );
    }

    const wakeWildcards = this.grantWake(role, targets);
    const unprotectWildcards = this.grantUnprotect(role, targets, r.stacks);

    const printed = scoped('<AWS::Partition>');
    const wildcards = [
      ...printed.readParameters,
      ...printed.releaseParameters,
      ...printed.stacks,
      ...printed.services,
      ...printed.deployments,
      ...printed.revisions,
      ...printed.tasks,
      ...printed.logs,
      ...printed.parameterPaths.filter((a) => a.includes('*')),
      ...printed.clusters.filter((a) => a.includes('*')),
      ...wakeWildcards,
      ...unprotectWildcards,
    ];
    for (const arn of unique(wildcards)) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Resource::${arn}]`,
        'Scoped to one environment of this app (or its pr-* previews): the ids below the prefix are created at deploy time.',
      );
    }
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'DescribeTaskDefinition, the load balancer describes, ListTasks (conditioned on the cluster) and, for office hours, DescribeInstances, the Application Auto Scaling describes and RegisterScalableTarget (conditioned on ECS desired count) have no resource-level permissions.',
    );
  }

  /**
   * `slipway destroy <env> --allow-protected` (the destroy workflow, behind its approval) switches
   * off termination protection on the environment's stacks and deletion protection on its
   * database before deleting them. Both are scoped to the environment: the stacks by name prefix,
   * the database by the tag CloudFormation puts on it (its data stack). Previews own neither.
   * @returns the wildcard ARNs (as cdk-nag prints them) for the acknowledgement.
   */
  private grantUnprotect(
    role: iam.Role,
    targets: { name: string; prefix: string; region: string }[],
    stacks: string[],
  ) {
    const owned = targets.filter((t) => !t.prefix.includes('*'));
    if (owned.length === 0) return [];
    const regions = unique(owned.map((t) => t.region));
    const databases = (partition?: string) => regions.map((r) => this.arn('rds', r, 'db:*', partition));
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UnprotectEnvironmentStacksForDestroy',
        actions: ['cloudformation:UpdateTerminationProtection'],
        resources: stacks.filter((arn) => !arn.includes(`-${PREVIEW_NAME_GLOB}`)),
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'UnprotectEnvironmentDatabaseForDestroy',
        actions: ['rds:ModifyDBInstance', 'rds:DescribeDBInstances'],
        resources: databases(),
        conditions: {
          StringEquals: {
            'aws:ResourceTag/aws:cloudformation:stack-name': owned.map((t) => `${t.prefix}-data`),
          },
        },
      }),
    );
    return databases('<AWS::Partition>');
  }

  /**
   * Office hours: `slipway deploy` wakes an environment that sleeps (starts its NAT instance and
   * database, sets its services' autoscaling bounds) before deploying. The instances are scoped by
   * the stack-name tag CloudFormation puts on them, since their ids are generated; the services by
   * name; Application Auto Scaling has no resource-level permissions on RegisterScalableTarget but
   * checks the caller's ecs:UpdateService on the service it scales. Returns the wildcard ARNs (as
   * cdk-nag prints them) for the acknowledgement.
   */
  private grantWake(
    role: iam.Role,
    targets: { name: string; prefix: string; region: string; officeHours?: boolean }[],
  ) {
    const sleepy = targets.filter((t) => t.officeHours);
    if (sleepy.length === 0) return [];
    const owned = sleepy.filter((t) => !t.prefix.includes('*')); // previews own no network or database
    const regions = unique(owned.map((t) => t.region));
    const instances = (partition?: string) =>
      regions.flatMap((r) => [
        this.arn('rds', r, 'db:*', partition),
        this.arn('ec2', r, 'instance/*', partition),
      ]);
    const services = (partition?: string) =>
      sleepy.map((t) => this.arn('ecs', t.region, `service/${t.prefix}/*`, partition));
    if (owned.length > 0) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'WakeOfficeHoursInstances',
          actions: ['rds:StartDBInstance', 'ec2:StartInstances'],
          resources: instances(),
          conditions: {
            StringEquals: {
              'aws:ResourceTag/aws:cloudformation:stack-name': owned.flatMap((t) => [
                `${t.prefix}-network`,
                `${t.prefix}-data`,
              ]),
            },
          },
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadOfficeHoursDatabases',
          actions: ['rds:DescribeDBInstances'],
          resources: regions.map((r) => this.arn('rds', r, 'db:*')),
        }),
      );
    }
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DescribeOfficeHoursState',
        actions: [
          'ec2:DescribeInstances',
          'application-autoscaling:DescribeScalableTargets',
          'application-autoscaling:DescribeScheduledActions',
        ],
        resources: ['*'],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WakeOfficeHoursServices',
        actions: ['application-autoscaling:RegisterScalableTarget'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'application-autoscaling:service-namespace': 'ecs',
            'application-autoscaling:scalable-dimension': 'ecs:service:DesiredCount',
          },
        },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ScaleOfficeHoursServices',
        actions: ['ecs:UpdateService'],
        resources: services(),
      }),
    );
    return owned.length > 0
      ? [...instances('<AWS::Partition>'), ...services('<AWS::Partition>')]
      : services('<AWS::Partition>');
  }

  private tagImagesStatement(registry: CiAccessRegistry) {
    return new iam.PolicyStatement({
      sid: 'TagImagesAfterDeploy',
      actions: ['ecr:BatchGetImage', 'ecr:DescribeImages', 'ecr:PutImage'],
      resources: [
        `arn:${Aws.PARTITION}:ecr:${registry.region}:${registry.account}:repository/${registry.repositoryName}`,
      ],
    });
  }

  private grantPush(role: iam.Role, registry: CiAccessRegistry) {
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'PushImages',
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:DescribeImages',
          'ecr:GetDownloadUrlForLayer',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        resources: [
          `arn:${Aws.PARTITION}:ecr:${registry.region}:${registry.account}:repository/${registry.repositoryName}`,
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'RegistryLogin',
        actions: ['ecr:GetAuthorizationToken'],
        resources: ['*'],
      }),
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'ecr:GetAuthorizationToken has no resource-level permissions; every push and tag action is scoped to the one repository.',
    );
  }
}

/**
 * Read-only calls CloudFormation drift detection makes for the resource types in Slipway's stacks
 * (network, data, service, observability, registry, audit, CI access). A type missing here is
 * reported as not checked, never as drifted.
 */
export const DRIFT_READ_ACTIONS = [
  'application-autoscaling:Describe*',
  'cloudformation:DescribeStackDriftDetectionStatus',
  'cloudtrail:DescribeTrails',
  'cloudtrail:GetEventSelectors',
  'cloudtrail:GetTrail',
  'cloudtrail:GetTrailStatus',
  'cloudtrail:ListTags',
  'cloudwatch:DescribeAlarms',
  'cloudwatch:GetDashboard',
  'cloudwatch:ListTagsForResource',
  'ec2:Describe*',
  'ecr:DescribeRepositories',
  'ecr:GetLifecyclePolicy',
  'ecr:GetRepositoryPolicy',
  'ecr:ListTagsForResource',
  'ecs:Describe*',
  'ecs:List*',
  'elasticfilesystem:Describe*',
  'elasticloadbalancing:Describe*',
  'events:DescribeRule',
  'events:ListTagsForResource',
  'events:ListTargetsByRule',
  'iam:GetOpenIDConnectProvider',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
  'iam:GetRole',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:ListRoleTags',
  'kms:DescribeKey',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListAliases',
  'kms:ListResourceTags',
  'lambda:GetFunctionConfiguration',
  'lambda:GetPolicy',
  'lambda:ListTags',
  'logs:DescribeLogGroups',
  'logs:DescribeMetricFilters',
  'logs:DescribeSubscriptionFilters',
  'logs:ListTagsForResource',
  'rds:Describe*',
  'rds:ListTagsForResource',
  's3:GetBucketLogging',
  's3:GetBucketOwnershipControls',
  's3:GetBucketPolicy',
  's3:GetBucketPublicAccessBlock',
  's3:GetBucketTagging',
  's3:GetBucketVersioning',
  's3:GetEncryptionConfiguration',
  's3:GetLifecycleConfiguration',
  'secretsmanager:DescribeSecret',
  'secretsmanager:GetResourcePolicy',
  'servicediscovery:Get*',
  'servicediscovery:List*',
  'sns:GetSubscriptionAttributes',
  'sns:GetTopicAttributes',
  'sns:ListSubscriptionsByTopic',
  'sns:ListTagsForResource',
  'ssm:DescribeParameters',
  'ssm:ListTagsForResource',
  'wafv2:GetLoggingConfiguration',
  'wafv2:GetWebACL',
  'wafv2:GetWebACLForResource',
  'wafv2:ListTagsForResource',
];

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function validate(props: CiAccessProps) {
  const errors: string[] = [];
  if (!NAME.test(props.appName))
    errors.push(`appName: got "${props.appName}"; use lowercase letters, digits and -`);
  if (!/^[A-Za-z0-9-]+$/.test(props.github.owner)) {
    errors.push(`github.owner: got "${props.github.owner}"; a GitHub user or organisation name`);
  }
  if (!/^[A-Za-z0-9._-]+$/.test(props.github.repository)) {
    errors.push(`github.repository: got "${props.github.repository}"; a GitHub repository name`);
  }
  for (const e of props.environments ?? []) {
    if (!NAME.test(e.name)) errors.push(`environments: name "${e.name}" is not a valid environment name`);
    if (!REGION.test(e.region))
      errors.push(`environments.${e.name}.region: got "${e.region}"; a region like us-east-1`);
  }
  if (props.previewRegion !== undefined && !REGION.test(props.previewRegion)) {
    errors.push(`previewRegion: got "${props.previewRegion}"; a region like us-east-1`);
  }
  if (!ACCOUNT.test(props.registry.account)) {
    errors.push(`registry.account: got "${props.registry.account}"; a 12-digit account id`);
  }
  for (const a of props.push?.deployAccounts ?? []) {
    if (!ACCOUNT.test(a)) errors.push(`push.deployAccounts: got "${a}"; a 12-digit account id`);
  }
  for (const b of [...(props.planBranches ?? []), ...(props.push?.branches ?? [])]) {
    // A branch lands in a StringEquals condition: a wildcard would silently match nothing.
    if (b.length === 0 || /[*?]/.test(b))
      errors.push(`branch "${b}": give an exact branch name (no wildcards)`);
  }
  const hours = props.deploySessionHours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 1 || hours > 12)) {
    errors.push(`deploySessionHours: got ${hours}; an integer from 1 to 12 (the IAM maximum)`);
  }
  if (errors.length > 0) throw new Error(`CiAccess: ${errors.join('; ')}`);
}
