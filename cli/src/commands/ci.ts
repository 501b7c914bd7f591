import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  builtImages,
  declaredServices,
  defaultWebService,
  resolveRegistry,
  type SlipwayConfig,
} from '@slipway/config';
import {
  ciRoleArn,
  grafanaImageTag,
  grafanaRoot,
  PARAMETERS,
  parameterName,
  parameterPath,
} from '@slipway/config/contract';
import { selectEnvironments } from '../environments.ts';
import { EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { dispatchPlan, pushPlan } from './ci-plan.ts';

export interface CiContextOptions {
  /** An environment whose deploy values to add (deploy role, registry role, URL parameter). */
  readonly environment?: string;
  /** The branch being built. @default `$GITHUB_REF_NAME` */
  readonly branch?: string;
  /** Plan an on-demand deploy (workflow_dispatch) of this environment. @default - the event decides: a push deploys its branch's environments */
  readonly deploy?: string;
  /** With `deploy`: the image tag to deploy. @default '' (infrastructure only) */
  readonly imageTag?: string;
  /** The event that started the workflow. @default `$GITHUB_EVENT_NAME` */
  readonly event?: string;
  /** The commit a push deploys. @default `$GITHUB_SHA` */
  readonly sha?: string;
}

/** One leg of the build matrix: an image the app pipeline builds and pushes. */
export interface CiImage {
  readonly service: string;
  readonly uri: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly cacheScope: string;
}

/**
 * Grafana's image, when any environment runs Grafana (empty values otherwise): its repository, the
 * tag synth pulls (a hash of the grafana/ folder of the installed @slipway/infra, the same function
 * and folder) and that folder, relative to the working directory, as the build context.
 */
export function grafanaImage(repository: string | undefined): Record<string, string> {
  if (repository === undefined) return { 'grafana-repository': '', 'grafana-tag': '', 'grafana-context': '' };
  // The folder synth hashes (infra/src/package-files.ts: grafanaRoot of the same package), found
  // without loading @slipway/infra (and CDK): its entry point is src/index, so its root is ../.
  const infraEntry = createRequire(import.meta.url).resolve('@slipway/infra');
  const dir = fileURLToPath(grafanaRoot(new URL('../', pathToFileURL(infraEntry))));
  return {
    'grafana-repository': repository,
    'grafana-tag': grafanaImageTag(dir),
    'grafana-context': relative(process.cwd(), dir) || '.',
  };
}

/**
 * What a repository's workflows need from slipway.config.ts, as `name=value` outputs: the build
 * matrix (every image built from a Dockerfile, with its ECR repository), Grafana's image, the
 * registry and its push role, the moving tag of the branch and, with an environment, its deploy values. The workflows
 * `slipway init` writes call it, so they need nothing but the installed CLI.
 */
export function ciContext(config: SlipwayConfig, options: CiContextOptions): Record<string, string> {
  const app = config.app.name;
  const registry = resolveRegistry(config);
  const host = `${registry.account}.dkr.ecr.${registry.region}.amazonaws.com`;
  const images: CiImage[] = builtImages(config).map((r) => ({
    service: r.owner,
    uri: `${host}/${r.name}`,
    context: r.build.context,
    dockerfile: r.build.dockerfile,
    cacheScope: r.primary ? 'app' : `image-${r.owner}`,
  }));
  const branch = options.branch ?? '';
  const deploys = Object.values(config.environments).some(
    (e) => e.branch !== undefined && e.branch === branch,
  );
  const movingTag = !deploys
    ? ''
    : branch === 'main'
      ? 'latest'
      : `${branch.replace(/[^\w.-]/g, '-')}-latest`;
  const web = defaultWebService(declaredServices(config));
  const outputs: Record<string, string> = {
    app,
    images: JSON.stringify(images),
    'image-build': String(images.length > 0),
    'registry-uri': `${host}/${registry.repositoryName}`,
    'registry-region': registry.region,
    'push-role-arn': ciRoleArn(registry.account, app, 'push'),
    'moving-tag': movingTag,
    'ready-path': web?.[1].readyPath ?? config.app.readyPath,
    ...grafanaImage(registry.grafanaRepository),
  };
  // What this run deploys: the dispatch asked for, a push's branch, or nothing (./ci-plan.ts).
  const plan =
    options.deploy !== undefined
      ? dispatchPlan(config, options.deploy, options.imageTag ?? '')
      : options.event === 'push'
        ? pushPlan(config, branch, options.sha ?? '')
        : { environments: [], imageTag: '' };
  outputs['deploy-environments'] = JSON.stringify(plan.environments);
  outputs['image-tag'] = plan.imageTag;
  const name = options.environment;
  if (name !== undefined) {
    selectEnvironments(config, name, false, 'ci context --environment');
    const env = config.environments[name];
    if (env) {
      outputs.account = env.account;
      outputs.region = env.region;
      outputs['deploy-role-arn'] = ciRoleArn(env.account, app, 'deploy');
      outputs['registry-role-arn'] =
        env.account === registry.account ? '' : ciRoleArn(registry.account, app, 'push');
    }
    outputs['url-parameter'] = parameterName({ parameterPath: parameterPath(app, name) }, PARAMETERS.url);
  }
  return outputs;
}

/** `slipway ci context`: the outputs, appended to `$GITHUB_OUTPUT` when set, else printed. */
export function ciContextCommand(
  config: SlipwayConfig,
  options: CiContextOptions,
  io: Io,
  outputFile: string | undefined = process.env.GITHUB_OUTPUT,
): ExitCode {
  const outputs = ciContext(config, {
    ...options,
    branch: options.branch ?? process.env.GITHUB_REF_NAME ?? '',
    event: options.event ?? process.env.GITHUB_EVENT_NAME ?? '',
    sha: options.sha ?? process.env.GITHUB_SHA ?? '',
  });
  const lines = Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`);
  if (outputFile) {
    appendFileSync(outputFile, lines.join(''));
    io.err(`slipway ci context: ${Object.keys(outputs).join(', ')} written to $GITHUB_OUTPUT\n`);
  } else io.out(lines.join(''));
  return EXIT.ok;
}
