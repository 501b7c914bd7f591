import type { SlipwayConfig } from '@slipway/config';
import { PARAMETERS, parameterName, type TargetKind } from '@slipway/config/contract';
import type { AwsFactory } from '../aws/api.ts';
import type { Deployer } from '../aws/toolkit.ts';
import type { Io } from '../io.ts';
import { type GuardOptions, guardRelease, type ReleaseFacts } from '../lock/guard.ts';
import { call, onlineTarget } from '../online.ts';
import { accountLevelStacks, type StackInfo, type Synthesized, stacksOf } from '../synth/synthesize.ts';
import {
  checkGuards,
  checkNag,
  type DeployRun,
  deployOrRestore,
  recordInRegistry,
  setRelease,
  startOfficeHoursIfOutside,
} from './steps.ts';

/** Everything `deploy` touches from outside, injectable for tests. */
export interface DeployDeps {
  readonly factory: AwsFactory;
  readonly synth: (config: SlipwayConfig, environment: string) => Synthesized;
  readonly deployer: (assemblyDir: string) => Deployer;
  readonly io: Io;
  /** Waits between polls while an environment wakes (tests pass one that returns at once). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The release lock's signal handling, exit, clock and CI variables. @default the process's */
  readonly guard?: GuardOptions;
}

export interface DeployRequest {
  readonly env: string;
  /** Image tag to release; without it the release parameter is kept (infra-only deploy). */
  readonly image?: string;
  readonly allowTrafficReset?: boolean;
  /** The verb the user ran (`rollback` goes through here too), for messages. */
  readonly command?: 'deploy' | 'rollback';
  /** `--force-unlock <id>`: remove that held lock first (recorded in the audit log). */
  readonly forceUnlock?: string;
  /** The config file's folder, which `migrationsPath` is relative to. @default the folder of the slipway.config.ts found from the working directory */
  readonly configDir?: string;
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
 * credentials → the environment's lock and audit record → synth (+ cdk-nag) → in-progress guard →
 * traffic guard → image check → release parameter → start office hours early when outside them →
 * CloudFormation (dependency order) → restore the parameter on failure →
 * record the release in the registry → URL → the final audit record, the lock released.
 */
export async function deployEnvironment(
  config: SlipwayConfig,
  request: DeployRequest,
  deps: DeployDeps,
): Promise<DeployOutcome> {
  const command = request.command ?? 'deploy';
  const target = await onlineTarget(config, request.env, command, deps.factory);
  const guard = {
    target,
    command,
    image: request.image,
    strategy: target.env.deploy.strategy,
    forceUnlock: request.forceUnlock,
  };
  return guardRelease(guard, deps.io, deps.guard ?? {}, (facts) =>
    deployLocked({ config, request, deps, target, command }, facts),
  );
}

/** The deploy itself, with the lock held. */
async function deployLocked(run: DeployRun, facts: ReleaseFacts): Promise<DeployOutcome> {
  const { config, request, deps, target, command } = run;
  const { io } = deps;
  const { env } = target;
  const name = env.name;

  io.progress.start(`Synthesizing ${name}`);
  const synthesized = deps.synth(config, name);
  const stacks = deployStacks(synthesized, name, target.kind);
  checkNag(run, synthesized, stacks);
  await checkGuards(run, stacks);
  const release = await setRelease(run);
  facts.digests = release.digests;
  await startOfficeHoursIfOutside(run);
  await deployOrRestore(run, synthesized, stacks, release);
  const registryRecorded = await recordInRegistry(run, release.registry$);
  const url = await call(
    () => target.aws.ssm.get(parameterName(env, PARAMETERS.url)),
    command,
    name,
    target.where,
  );
  return {
    stacks: stacks.map((s) => s.stackName),
    url,
    previousImage: release.previousImage,
    image: request.image,
    registryRecorded,
  };
}
