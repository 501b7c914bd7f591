/*
 * What the workflows need to know about slipway.config.ts, in one place:
 *
 *   npx tsx scripts/ci/pipeline.ts context            # outputs for the current ref (GITHUB_REF)
 *   npx tsx scripts/ci/pipeline.ts check-environment --environment <env>   # GitHub Environment variables match the config
 *   npx tsx scripts/ci/pipeline.ts check-destroy --environment <env> --confirm <text> --allow-protected <true|false>
 *
 * The workflows hold one job per environment; `.github/tests/` checks that their branches,
 * promotion order and approvals are the ones computed here (and in ./triggers.ts) from the config.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type BuildPaths,
  builtImages,
  declaredServices,
  defaultConfigPath,
  defaultWebService,
  loadConfig,
  resolveRegistry,
  type SlipwayConfig,
} from '@slipway/config';
import {
  ciRoleArn,
  PARAMETERS,
  PREVIEW_GITHUB_ENVIRONMENT,
  parameterName,
  parameterPath,
  resolveTarget,
  TargetError,
} from '@slipway/config/contract';
import { isMain, run, setOutput } from './actions.ts';

/** The subcommands of this script (the workflow tests check every call against them). */
export const PIPELINE_COMMANDS = ['context', 'check-environment', 'check-destroy'] as const;

export interface PipelineEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Branch whose pushes deploy here, or null (manual deploys only). */
  readonly branch: string | null;
  /** Environment whose deployed image this one takes (prod after staging), or null. */
  readonly promoteFrom: string | null;
  /** Whether the GitHub Environment must have required reviewers. */
  readonly approval: boolean;
  /** Tag glob whose push to the app's repository deploys here (`deployOnImagePush`), or null. */
  readonly imagePushTag: string | null;
  readonly protected: boolean;
  readonly deployRoleArn: string;
  readonly planRoleArn: string;
  /** Role `slipway deploy` assumes to tag images when the registry is in another account, else ''. */
  readonly registryRoleArn: string;
  /** SSM parameter holding the environment's public URL (written by the service stack). */
  readonly urlParameter: string;
}

/** One image the app pipeline builds and pushes (a leg of the build matrix). */
export interface PipelineImage {
  /** The service that builds it (others run it with `image.from`). */
  readonly service: string;
  /** Its ECR repository: `<app>` for the default web service's image, `<app>-<service>` otherwise. */
  readonly repository: string;
  /** `<host>/<repository>`: where the build pushes it. */
  readonly uri: string;
  readonly context: string;
  readonly dockerfile: string;
  /** The GitHub Actions cache scope of its layers: `app` for the app's image (as before), else `image-<service>`. */
  readonly cacheScope: string;
}

export interface PipelineContext {
  readonly app: string;
  /** The environment pull-request previews derive from (`previews.from`), or null when previews are off. */
  readonly previewsFrom: string | null;
  /**
   * Every image the app pipeline builds, each with its context and Dockerfile; empty when every
   * service runs a prebuilt image (`image.uri`) or another service's (`image.from`).
   */
  readonly images: PipelineImage[];
  /** The readiness path the deploy verification calls: the default web service's. */
  readonly readyPath: string;
  readonly github: { owner: string; repository: string } | null;
  readonly registry: {
    readonly account: string;
    readonly region: string;
    readonly repository: string;
    /** `<account>.dkr.ecr.<region>.amazonaws.com` */
    readonly host: string;
    /** `<host>/<repository>` */
    readonly uri: string;
    readonly pushRoleArn: string;
  };
  readonly environments: PipelineEnvironment[];
}

/**
 * The context the workflows read. `paths` says where the config file is and where the build runs
 * (the checkout): images' context and Dockerfile are given in the config relative to its folder,
 * and handed to `docker build` relative to the checkout.
 * @default paths: none; the config's paths as written (the config at the checkout's root)
 */
export function pipelineContext(config: SlipwayConfig, paths?: BuildPaths): PipelineContext {
  const registry = resolveRegistry(config);
  const app = config.app.name;
  const host = `${registry.account}.dkr.ecr.${registry.region}.amazonaws.com`;
  const environments = Object.entries(config.environments).map(([name, env]) => {
    const isProtected = env.protected;
    return {
      name,
      account: env.account,
      region: env.region,
      branch: env.branch ?? null,
      promoteFrom: env.promoteFrom ?? null,
      approval: env.approval ?? isProtected,
      imagePushTag: env.deployOnImagePush?.tagPattern ?? null,
      protected: isProtected,
      deployRoleArn: ciRoleArn(env.account, app, 'deploy'),
      planRoleArn: ciRoleArn(env.account, app, 'plan'),
      registryRoleArn: env.account === registry.account ? '' : ciRoleArn(registry.account, app, 'push'),
      urlParameter: urlParameter(app, name),
    };
  });
  const images = builtImages(config, paths).map((r) => ({
    service: r.owner,
    repository: r.name,
    uri: `${host}/${r.name}`,
    context: r.build.context,
    dockerfile: r.build.dockerfile,
    cacheScope: r.primary ? 'app' : `image-${r.owner}`,
  }));
  const web = defaultWebService(declaredServices(config));
  return {
    app,
    images,
    readyPath: web?.[1].readyPath ?? config.app.readyPath,
    github: config.github ?? null,
    registry: {
      account: registry.account,
      region: registry.region,
      repository: registry.repositoryName,
      host,
      uri: `${host}/${registry.repositoryName}`,
      pushRoleArn: ciRoleArn(registry.account, app, 'push'),
    },
    environments,
    previewsFrom: config.previews?.from ?? null,
  };
}

/**
 * The environments a push to `branch` deploys, in deploy order: every environment whose `branch`
 * matches, each one after the environment it is promoted from.
 */
export function deployOrder(context: PipelineContext, branch: string): PipelineEnvironment[] {
  const matching = context.environments.filter((e) => e.branch === branch);
  const ordered: PipelineEnvironment[] = [];
  const visit = (env: PipelineEnvironment, path: string[]) => {
    if (ordered.includes(env)) return;
    if (path.includes(env.name)) throw new Error(`promoteFrom cycle: ${[...path, env.name].join(' -> ')}`);
    const from = matching.find((e) => e.name === env.promoteFrom);
    if (env.promoteFrom && !from) {
      throw new Error(
        `environments.${env.name}.promoteFrom: "${env.promoteFrom}" is not deployed from branch "${branch}"; ` +
          'a promotion needs both environments on the same branch',
      );
    }
    if (from) visit(from, [...path, env.name]);
    ordered.push(env);
  };
  for (const env of matching) visit(env, []);
  return ordered;
}

/** The moving tag a build of `branch` gets: `latest` from main, `<branch>-latest` from other deploy branches. */
export function movingTag(context: PipelineContext, branch: string): string {
  if (!context.environments.some((e) => e.branch === branch)) return '';
  return branch === 'main' ? 'latest' : `${branch.replace(/[^A-Za-z0-9_.-]/g, '-')}-latest`;
}

/**
 * Why `destroy` must not run (empty when it may): the confirmation must equal the environment
 * name, and a protected environment also needs `allow-protected` (deleting production must take two deliberate steps).
 */
export function destroyRefusals(
  context: PipelineContext,
  input: { environment: string; confirm: string; allowProtected: boolean },
): string[] {
  const env = context.environments.find((e) => e.name === input.environment);
  if (!env) return [`"${input.environment}" is not an environment of slipway.config.ts`];
  const problems: string[] = [];
  if (input.confirm !== input.environment) {
    problems.push(
      `confirmation "${input.confirm}" does not equal the environment name "${input.environment}"`,
    );
  }
  if (env.protected && !input.allowProtected) {
    problems.push(
      `"${input.environment}" is protected: tick allow-protected to destroy it (its approval still applies)`,
    );
  }
  return problems;
}

/** SSM parameter holding an environment's public URL (written by the service stack). */
function urlParameter(app: string, environment: string): string {
  return parameterName({ parameterPath: parameterPath(app, environment) }, PARAMETERS.url);
}

/**
 * The environment whose account, region and roles a GitHub Environment must carry: a configured
 * environment's own; for the shared `preview` GitHub Environment and `pr-<number>` previews, the
 * environment previews derive from (`previews.from`), into whose account and region they deploy.
 */
function expectedEnvironment(config: SlipwayConfig, environment: string): PipelineEnvironment | undefined {
  const context = pipelineContext(config);
  const byName = (name: string | null | undefined) => context.environments.find((e) => e.name === name);
  if (environment === PREVIEW_GITHUB_ENVIRONMENT && !(environment in config.environments)) {
    return byName(context.previewsFrom);
  }
  try {
    const target = resolveTarget(config, environment);
    return byName(target.kind === 'preview' ? target.base?.name : target.name);
  } catch (error) {
    if (error instanceof TargetError) return undefined;
    throw error;
  }
}

/** Why the job's GitHub Environment variables disagree with the config (empty when they agree). */
export function environmentMismatches(
  config: SlipwayConfig,
  environment: string,
  vars: { AWS_ACCOUNT_ID?: string; AWS_REGION?: string; AWS_ROLE_ARN?: string },
): string[] {
  const context = pipelineContext(config);
  const expected = expectedEnvironment(config, environment);
  if (!expected) {
    return [
      `"${environment}" is not an environment of slipway.config.ts (${context.environments.map((e) => e.name).join(', ')})`,
    ];
  }
  const problems: string[] = [];
  const check = (name: keyof typeof vars, want: string) => {
    const got = vars[name];
    if (!got)
      problems.push(`variable ${name} is not set on GitHub Environment "${environment}"; set it to ${want}`);
    else if (got !== want) problems.push(`variable ${name} is "${got}", but slipway.config.ts says ${want}`);
  };
  check('AWS_ACCOUNT_ID', expected.account);
  check('AWS_REGION', expected.region);
  check('AWS_ROLE_ARN', expected.deployRoleArn);
  return problems;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      environment: { type: 'string' },
      config: { type: 'string' },
      confirm: { type: 'string' },
      'allow-protected': { type: 'string', default: 'false' },
    },
  });
  const file = values.config ? resolve(values.config) : defaultConfigPath();
  const configDir = statSync(file).isDirectory() ? file : dirname(file);
  const config = await loadConfig(file);
  const context = pipelineContext(config, { configDir, root: process.cwd() });
  const [command] = positionals;
  if (command === 'context') {
    const ref = process.env.GITHUB_REF ?? '';
    const branch = ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : '';
    setOutput('app', context.app);
    setOutput('registry-uri', context.registry.uri);
    setOutput('registry-host', context.registry.host);
    setOutput('registry-region', context.registry.region);
    setOutput('push-role-arn', context.registry.pushRoleArn);
    setOutput('environments', JSON.stringify(context.environments));
    // A push deploys its branch's environments, each with the commit's image; a workflow_dispatch
    // deploys what `triggers.ts dispatch` checked, a pull request nothing.
    const pushed = process.env.GITHUB_EVENT_NAME === 'push' ? deployOrder(context, branch) : [];
    setOutput('deploy-environments', JSON.stringify(pushed.map((e) => e.name)));
    setOutput('image-tag', pushed.length > 0 ? (process.env.GITHUB_SHA ?? '') : '');
    setOutput('moving-tag', movingTag(context, branch));
    setOutput('image-build', String(context.images.length > 0));
    // The build matrix: one leg per image, each pushed to its own repository with the same tags.
    setOutput('images', JSON.stringify(context.images));
    setOutput('ready-path', context.readyPath);
    return;
  }
  if (command === 'check-destroy') {
    const problems = destroyRefusals(context, {
      environment: values.environment ?? '',
      confirm: values.confirm ?? '',
      allowProtected: values['allow-protected'] === 'true',
    });
    if (problems.length > 0) throw new Error(`destroy refused:\n- ${problems.join('\n- ')}`);
    const env = context.environments.find((e) => e.name === values.environment);
    setOutput('protected', String(env?.protected ?? false));
    console.log(
      `destroy of "${values.environment}" confirmed${env?.protected ? ' (protected: allow-protected given)' : ''}`,
    );
    return;
  }
  if (command === 'check-environment') {
    const environment = values.environment;
    if (!environment) throw new Error('check-environment needs --environment <name>');
    const problems = environmentMismatches(config, environment, process.env);
    if (problems.length > 0) {
      throw new Error(
        `GitHub Environment "${environment}" does not match slipway.config.ts:\n- ${problems.join('\n- ')}`,
      );
    }
    const env = context.environments.find((e) => e.name === environment);
    setOutput('url-parameter', env?.urlParameter ?? urlParameter(context.app, environment));
    setOutput('ready-path', context.readyPath);
    setOutput('registry-role-arn', env?.registryRoleArn ?? (context.environments[0]?.registryRoleArn || ''));
    console.log(`GitHub Environment "${environment}" matches slipway.config.ts`);
    return;
  }
  throw new Error(
    `usage: pipeline.ts context | check-environment --environment <name> | check-destroy … (got "${command ?? ''}")`,
  );
}

if (isMain(import.meta.url)) run(main);
