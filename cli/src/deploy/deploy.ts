import { resolveRegistry, type SlipwayConfig } from '@slipway/config';
import { PARAMETERS, parameterName, type TargetKind } from '@slipway/config/contract';
import type { AwsApis, AwsFactory } from '../aws/api.ts';
import type { Deployer } from '../aws/toolkit.ts';
import { CliError } from '../errors.ts';
import type { Io } from '../io.ts';
import { call, onlineTarget } from '../online.ts';
import { nagFindings } from '../policy/checks.ts';
import { accountLevelStacks, type StackInfo, type Synthesized, stacksOf } from '../synth/synthesize.ts';
import { inProgress, trafficChanges } from './guards.ts';
import { startOfficeHoursEarly } from './office-hours.ts';
import { findImage, recordRelease, registryApis } from './release.ts';

/** Everything `deploy` touches from outside, injectable for tests. */
export interface DeployDeps {
  readonly factory: AwsFactory;
  readonly synth: (config: SlipwayConfig, environment: string) => Synthesized;
  readonly deployer: (assemblyDir: string) => Deployer;
  readonly io: Io;
  /** Waits between polls while an environment wakes (tests pass one that returns at once). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeployRequest {
  readonly env: string;
  /** Image tag to release; without it the release parameter is kept (infra-only deploy). */
  readonly image?: string;
  readonly allowTrafficReset?: boolean;
  /** The verb the user ran (`rollback` goes through here too), for messages. */
  readonly command?: 'deploy' | 'rollback';
}

export interface DeployOutcome {
  readonly stacks: string[];
  readonly url?: string;
  readonly previousImage?: string;
  readonly image?: string;
  readonly registryRecorded: boolean;
}

/**
 * The stacks `deploy <env>` deploys: the environment's and its account's shared ones, in
 * dependency order. A pull-request preview deploys its own stack only: the shared ones belong to
 * its base environment's pipeline, and the preview's role may touch `<app>-pr-*` stacks alone.
 */
export function deployStacks(synthesized: Synthesized, environment: string, kind: TargetKind): StackInfo[] {
  const own = stacksOf(synthesized, environment);
  const account = own[0]?.account;
  const shared =
    kind === 'preview' ? [] : accountLevelStacks(synthesized).filter((s) => s.account === account);
  const names = new Set([...own, ...shared].map((s) => s.stackName));
  return synthesized.stacks.filter((s) => names.has(s.stackName));
}

/**
 * One deploy of an environment, the path `deploy` and `rollback` share:
 * credentials → synth (+ cdk-nag) → in-progress guard → traffic guard → image check →
 * release parameter → CloudFormation (dependency order) → restore the parameter on failure →
 * record the release in the registry → URL.
 */
export async function deployEnvironment(
  config: SlipwayConfig,
  request: DeployRequest,
  deps: DeployDeps,
): Promise<DeployOutcome> {
  const command = request.command ?? 'deploy';
  const { io } = deps;
  const target = await onlineTarget(config, request.env, command, deps.factory);
  const { env } = target;
  const name = env.name;

  io.progress.start(`Synthesizing ${name}`);
  const synthesized = deps.synth(config, name);
  const stacks = deployStacks(synthesized, name, target.kind);
  const nag = nagFindings(synthesized.outdir, stacks);
  if (nag.length > 0) {
    io.progress.fail(`cdk-nag: ${nag.length} finding(s)`);
    for (const f of nag) io.err(`  ✗ ${f.rule} ${f.where}: ${f.message}\n`);
    throw new CliError(
      'SW205',
      `${nag.length} cdk-nag finding(s) in ${name} (listed above)`,
      `slipway plan ${name}`,
    );
  }
  io.progress.succeed(`Synthesized ${stacks.length} stacks: ${stacks.map((s) => s.stackName).join(' → ')}`);

  // The guards: nothing else running, production traffic untouched.
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

  // The release: check the image, then point the release parameter at it.
  const registry = resolveRegistry(config);
  const imageParameter = parameterName(env, PARAMETERS.imageTag);
  let previousImage: string | undefined;
  let registry$: AwsApis | undefined;
  if (request.image) {
    const tag = request.image;
    io.progress.start(`Looking up ${registry.repositoryName}:${tag} in the registry`);
    registry$ = await call(
      () => registryApis(registry, target.identity, deps.factory, target.aws),
      command,
      name,
      `registry account ${registry.account} (${registry.region})`,
    );
    const registryApi = registry$;
    const found = await call(
      () => findImage(registryApi.ecr, registry.repositoryName, tag),
      command,
      name,
      `registry account ${registry.account} (${registry.region})`,
    );
    if (!found) {
      io.progress.fail(`${registry.repositoryName}:${tag} not found`);
      throw new CliError(
        'SW210',
        `image ${registry.repositoryName}:${tag} is not in the registry (account ${registry.account}, ${registry.region})`,
        `push it (the app workflow tags each build with its commit sha), then slipway ${command} ${name} --image ${tag}`,
      );
    }
    previousImage = await call(() => target.aws.ssm.get(imageParameter), command, name, target.where);
    await call(() => target.aws.ssm.put(imageParameter, tag), command, name, target.where);
    io.progress.succeed(`Release parameter ${imageParameter}: ${previousImage ?? '(none)'} → ${tag}`);
  }

  // Outside office hours the NAT instance and the database are stopped and the services held at
  // zero: start them first, or the new tasks could not pull, migrate or pass the checks.
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

  let registryRecorded = false;
  if (request.image && registry$) {
    try {
      const moved = await recordRelease(registry$.ecr, registry.repositoryName, name, request.image);
      registryRecorded = true;
      io.progress.info(
        `Registry: deployed-${name} → ${moved.deployed}${moved.rollback ? `, rollback-${name} → ${moved.rollback}` : ''}`,
      );
    } catch (error) {
      io.err(
        `warning SW219: the deploy succeeded, but the registry record (deployed-${name}/rollback-${name} tags) was not updated in account ${registry.account} (${registry.region}): ${(error as Error).message}. Next: give the deployer ecr:BatchGetImage and ecr:PutImage there, or set SLIPWAY_REGISTRY_ROLE_ARN\n`,
      );
    }
  }
  const url = await call(
    () => target.aws.ssm.get(parameterName(env, PARAMETERS.url)),
    command,
    name,
    target.where,
  );
  return {
    stacks: stacks.map((s) => s.stackName),
    url,
    previousImage,
    image: request.image,
    registryRecorded,
  };
}
