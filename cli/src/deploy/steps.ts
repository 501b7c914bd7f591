import type { SlipwayConfig } from '@slipway/config';
import { resolveRegistry } from '@slipway/config';
import { PARAMETERS, parameterName } from '@slipway/config/contract';
import type { AwsApis } from '../aws/api.ts';
import { CliError } from '../errors.ts';
import { call, type OnlineTarget } from '../online.ts';
import { nagFindings } from '../policy/checks.ts';
import type { StackInfo, Synthesized } from '../synth/synthesize.ts';
import type { DeployDeps, DeployRequest } from './deploy.ts';
import { inProgress, trafficChanges } from './guards.ts';
import { migrationsRecord } from './migrations.ts';
import { startOfficeHoursEarly } from './office-hours.ts';
import { findImage, recordRelease, registryApis, releaseRepositories } from './release.ts';
import { awaitReleaseReplicas } from './replicas.ts';

/** One deploy in progress: what every step of `deployEnvironment` reads. */
export interface DeployRun {
  readonly config: SlipwayConfig;
  readonly request: DeployRequest;
  readonly deps: DeployDeps;
  readonly target: OnlineTarget;
  /** The verb the user ran, for messages. */
  readonly command: 'deploy' | 'rollback';
}

/**
 * Stops on any finding of the synth-time validation plugins (cdk-nag, the Control Tower controls)
 * in the stacks about to be deployed.
 */
export function checkNag(run: DeployRun, synthesized: Synthesized, stacks: StackInfo[]): void {
  const { io } = run.deps;
  const name = run.target.env.name;
  const nag = nagFindings(synthesized.outdir, stacks);
  if (nag.length > 0) {
    const checkers = [...new Set(nag.map((f) => f.checker))].join(', ');
    io.progress.fail(`${checkers}: ${nag.length} finding(s)`);
    for (const f of nag) io.err(`  ✗ ${f.rule} ${f.where}: ${f.message}\n`);
    throw new CliError(
      'SW205',
      `${nag.length} ${checkers} finding(s) in ${name} (listed above)`,
      `slipway plan ${name}`,
    );
  }
  io.progress.succeed(`Synthesized ${stacks.length} stacks: ${stacks.map((s) => s.stackName).join(' → ')}`);
}

/** The guards: nothing else running, production traffic untouched. */
export async function checkGuards(run: DeployRun, stacks: StackInfo[]): Promise<void> {
  const { target, deps, request, command } = run;
  const { io } = deps;
  const { env } = target;
  const name = env.name;
  io.progress.start('Checking for deployments in progress');
  const apisByRegion = new Map<string, AwsApis>([[env.region, target.aws]]);
  const apis = (region: string) => {
    let a = apisByRegion.get(region);
    if (!a) {
      a = deps.factory(region);
      apisByRegion.set(region, a);
    }
    return a;
  };
  const where = (s: StackInfo) => `account ${s.account} (${s.region})`;
  const deployed = await Promise.all(
    stacks.map((s) =>
      call(() => apis(s.region).cloudFormation.describeStack(s.stackName), command, name, where(s)),
    ),
  );
  const [cluster, serviceName] = await Promise.all([
    call(() => target.aws.ssm.get(parameterName(env, PARAMETERS.clusterName)), command, name, target.where),
    call(() => target.aws.ssm.get(parameterName(env, PARAMETERS.serviceName)), command, name, target.where),
  ]);
  const service =
    cluster && serviceName
      ? await call(() => target.aws.ecs.describeService(cluster, serviceName), command, name, target.where)
      : undefined;
  const busy = inProgress(
    deployed.filter((d) => d !== undefined),
    service,
  );
  if (busy.length > 0) {
    io.progress.fail('Another deployment is in progress');
    throw new CliError(
      'SW208',
      `${name} is busy: ${busy.join('; ')}`,
      `slipway status ${name}, then slipway ${command} ${name} when it is done`,
    );
  }
  io.progress.update('Checking the production listener rule (traffic guard)');
  for (const s of stacks.filter((x) => x.environment === name)) {
    const current = deployed[stacks.indexOf(s)]
      ? await call(() => apis(s.region).cloudFormation.getTemplate(s.stackName), command, name, where(s))
      : undefined;
    const changes = trafficChanges(current, s.template);
    if (changes.length > 0 && !request.allowTrafficReset) {
      io.progress.fail('Traffic guard');
      throw new CliError(
        'SW209',
        `${s.stackName} would change ${changes.map((c) => `${c.logicalId} (${c.impact}${c.properties.length ? `: ${c.properties.join(', ')}` : ''})`).join(', ')}; ECS rewrites that rule's weights during blue/green and canary deployments, so a CloudFormation update to it can send production traffic back to the old target group (aws/aws-cdk#36649)`,
        `slipway diff ${name}; if intended: slipway deploy ${name} --allow-traffic-reset`,
      );
    }
    if (changes.length > 0)
      io.progress.warn(`--allow-traffic-reset: ${s.stackName} changes the production rule`);
  }
  io.progress.succeed('Guards passed: nothing in progress, production listener rule unchanged');
}

/** The release: checks the image, then points the release parameter at it. */
export async function setRelease(
  run: DeployRun,
): Promise<{ previousImage?: string; registry$?: AwsApis; imageParameter: string; digests?: string[] }> {
  const { target, deps, request, command, config } = run;
  const { io } = deps;
  const { env } = target;
  const name = env.name;
  const registry = resolveRegistry(config);
  const imageParameter = parameterName(env, PARAMETERS.imageTag);
  let previousImage: string | undefined;
  let registry$: AwsApis | undefined;
  let digests: string[] | undefined;
  if (request.image) {
    const tag = request.image;
    const repositories = releaseRepositories(registry);
    const images = repositories.map((r) => `${r.name}:${tag}`).join(', ');
    io.progress.start(`Looking up ${images} in the registry`);
    registry$ = await call(
      () => registryApis(registry, target.identity, deps.factory, target.aws),
      command,
      name,
      `registry account ${registry.account} (${registry.region})`,
    );
    const registryApi = registry$;
    const found = await call(
      () => Promise.all(repositories.map((r) => findImage(registryApi.ecr, r.name, tag))),
      command,
      name,
      `registry account ${registry.account} (${registry.region})`,
    );
    const missing = repositories.filter((_, i) => found[i] === undefined);
    // What the audit record names: each image by its digest, which a tag cannot change.
    digests = repositories.flatMap((r, i) => (found[i] ? [`${r.name}@${found[i].digest}`] : []));
    if (missing.length > 0) {
      // One commit builds every image with the same tag: a partial release would mix commits.
      const list = missing.map((r) => `${r.name}:${tag}`).join(', ');
      const whose =
        repositories.length > 1 ? ` (${missing.map((r) => `service ${r.owner}`).join(', ')})` : '';
      io.progress.fail(`${list} not found`);
      throw new CliError(
        'SW210',
        `image${missing.length > 1 ? 's' : ''} ${list}${whose} not in the registry (account ${registry.account}, ${registry.region}); every image of a release carries its commit sha`,
        `push ${missing.length > 1 ? 'them' : 'it'} (the app workflow tags each build with its commit sha), then slipway ${command} ${name} --image ${tag}`,
      );
    }
    await awaitReleaseReplicas(run, registry, repositories, tag);
    previousImage = await call(() => target.aws.ssm.get(imageParameter), command, name, target.where);
    await call(() => target.aws.ssm.put(imageParameter, tag), command, name, target.where);
    io.progress.succeed(`Release parameter ${imageParameter}: ${previousImage ?? '(none)'} → ${tag}`);
    await recordMigrations(run, tag);
  }

  return { previousImage, registry$, imageParameter, digests };
}

/**
 * Records the content hash of the schema owner's migrations for this release, so that the migrate
 * hook can skip its task when nothing is pending (migrations.ts says when it records nothing).
 */
async function recordMigrations(run: DeployRun, tag: string): Promise<void> {
  const { target, deps, command, config } = run;
  const record = migrationsRecord(config, target.env, tag, { configDir: run.request.configDir });
  if ('skip' in record) {
    deps.io.err(`Migrations digest not recorded (the migrate hook runs its task): ${record.skip}\n`);
    return;
  }
  await call(
    () => target.aws.ssm.put(record.parameter, record.value),
    command,
    target.env.name,
    target.where,
  );
  deps.io.err(`Migrations digest of ${record.folder}: ${record.parameter} = ${record.value}\n`);
}

/**
 * Outside office hours the NAT instance and the database are stopped and the services held at
 * zero: start them first, or the new tasks could not pull, migrate or pass the checks.
 */
export async function startOfficeHoursIfOutside(run: DeployRun): Promise<void> {
  const { target, deps, command } = run;
  const { io } = deps;
  const { env } = target;
  const name = env.name;
  if (env.officeHours) {
    io.progress.start(
      `Checking ${name}'s office hours (${env.officeHours.days} ${env.officeHours.start}-${env.officeHours.stop} ${env.officeHours.timezone})`,
    );
    const { woken } = await startOfficeHoursEarly(env, target.aws, io, { command, sleep: deps.sleep });
    io.progress.succeed(
      woken.length > 0
        ? `Started ${name}'s office hours early: ${woken.join(', ')} (they end at the next scheduled stop)`
        : `${name} is running (inside its office hours, or started by hand)`,
    );
  }
}

/** Deploys the stacks; on failure restores the release parameter to the image it held before. */
export async function deployOrRestore(
  run: DeployRun,
  synthesized: Synthesized,
  stacks: StackInfo[],
  release: { previousImage?: string; imageParameter: string },
): Promise<void> {
  const { target, deps, request } = run;
  const { io } = deps;
  const name = target.env.name;
  const { previousImage, imageParameter } = release;
  io.progress.start(`Deploying ${stacks.map((s) => s.stackName).join(' → ')}`);
  try {
    await deps.deployer(synthesized.outdir).deploy(stacks.map((s) => s.constructPath));
  } catch (error) {
    io.progress.fail(`Deploy of ${name} failed`);
    let restored = '';
    if (request.image) {
      const back = previousImage ?? 'bootstrap';
      try {
        await target.aws.ssm.put(imageParameter, back);
        restored = `; ${imageParameter} restored to ${back}`;
      } catch (restoreError) {
        restored = `; restoring ${imageParameter} to ${back} FAILED (${(restoreError as Error).message}): set it by hand`;
      }
    }
    throw new CliError(
      'SW211',
      `deploy of ${name} failed: ${((error as Error).message ?? String(error)).split('\n')[0]}${restored}`,
      `slipway status ${name}`,
    );
  }
  io.progress.succeed(`Deployed ${stacks.length} stacks`);
}

/** Moves the registry's `deployed-<env>`/`rollback-<env>` tags; a failure only warns (the deploy is done). */
export async function recordInRegistry(run: DeployRun, registry$: AwsApis | undefined): Promise<boolean> {
  const { request, deps, config } = run;
  const { io } = deps;
  const name = run.target.env.name;
  const registry = resolveRegistry(config);
  let registryRecorded = false;
  if (request.image && registry$) {
    const ecr = registry$.ecr;
    const image = request.image;
    // Every repository records the release, so the cleanup keeps each image of it wherever it runs.
    const repositories = releaseRepositories(registry);
    const failed: string[] = [];
    for (const repository of repositories) {
      try {
        const moved = await recordRelease(ecr, repository.name, name, image);
        const where = repositories.length > 1 ? ` ${repository.name}` : '';
        io.progress.info(
          `Registry${where}: deployed-${name} → ${moved.deployed}${moved.rollback ? `, rollback-${name} → ${moved.rollback}` : ''}`,
        );
      } catch (error) {
        failed.push(`${repository.name}: ${(error as Error).message}`);
      }
    }
    registryRecorded = failed.length === 0;
    if (failed.length > 0) {
      io.err(
        `warning SW219: the deploy succeeded, but the registry record (deployed-${name}/rollback-${name} tags) was not updated in account ${registry.account} (${registry.region}): ${failed.join('; ')}. Next: give the deployer ecr:BatchGetImage and ecr:PutImage there, or set SLIPWAY_REGISTRY_ROLE_ARN\n`,
      );
    }
  }
  return registryRecorded;
}
