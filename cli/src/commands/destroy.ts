import { resolveRegistry, type SlipwayConfig } from '@slipway/config';
import { type ProtectionApi, type ProtectionFactory, sdkProtection } from '../aws/protection.ts';
import type { DeployDeps } from '../deploy/deploy.ts';
import { inProgress } from '../deploy/guards.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import { table } from '../format.ts';
import type { Io } from '../io.ts';
import { guardRelease } from '../lock/guard.ts';
import { awsError, call, type OnlineTarget, onlineTarget } from '../online.ts';
import type { StackInfo, Synthesized } from '../synth/synthesize.ts';
import { stacksOf } from '../synth/synthesize.ts';
import { constructPath, resourcesOf, shortName } from '../synth/template.ts';
import { defaultDeployDeps } from './deploy.ts';

export interface Retained {
  readonly stack: string;
  readonly logicalId: string;
  readonly type: string;
  /** `Retain`, `Snapshot` (RDS: a final snapshot is taken) or `RetainExceptOnCreate`. */
  readonly policy: string;
  readonly path?: string;
}

/** What CloudFormation keeps when the stacks are deleted, read from the templates' DeletionPolicy. */
export function retainedResources(stacks: readonly StackInfo[]): Retained[] {
  return stacks.flatMap((s) =>
    resourcesOf(s.template)
      .filter((r) => r.DeletionPolicy && r.DeletionPolicy !== 'Delete')
      .map((r) => ({
        stack: s.stackName,
        logicalId: r.logicalId,
        type: r.Type,
        policy: r.DeletionPolicy as string,
        path: constructPath(r),
      })),
  );
}

/** What `destroy` needs beyond `deploy`: the calls that switch protection off. */
export interface DestroyDeps extends DeployDeps {
  /** @default the AWS SDK */
  readonly protection?: ProtectionFactory;
}

/** One protection `destroy` found on, in AWS. */
export type Protection =
  | { readonly kind: 'stack'; readonly stack: string; readonly region: string }
  | { readonly kind: 'database'; readonly id: string; readonly stack: string; readonly region: string };

/** The calls that switch a protection off, for an access-denied message. */
const NEEDS = {
  stack: 'cloudformation:UpdateTerminationProtection on the stack',
  database: 'rds:ModifyDBInstance and rds:DescribeDBInstances on the instance',
} as const;

const protectionText = (p: Protection) =>
  p.kind === 'stack'
    ? `termination protection on stack ${p.stack}`
    : `deletion protection on RDS instance ${p.id} (stack ${p.stack})`;

/** The command that switches a protection back on. */
export function reenableCommand(p: Protection): string {
  return p.kind === 'stack'
    ? `aws cloudformation update-termination-protection --enable-termination-protection --stack-name ${p.stack} --region ${p.region}`
    : `aws rds modify-db-instance --db-instance-identifier ${p.id} --deletion-protection --apply-immediately --region ${p.region}`;
}

/** What was switched off, and how to switch it back on, for a failure after the first change. */
function changedReport(changed: readonly Protection[], after: string): string {
  if (changed.length === 0) return '';
  return (
    `Switched off before the failure, and still off where the resource still exists:\n${changed.map((p) => `  - ${protectionText(p)}`).join('\n')}\n` +
    `${after}To switch them back on:\n${changed.map((p) => `  ${reenableCommand(p)}`).join('\n')}\n`
  );
}

/**
 * The protections that would stop the deletion, read from AWS: termination protection on the
 * environment's deployed stacks, and deletion protection on the RDS instances of its stacks whose
 * template has one (the data stack).
 */
async function protectionsOn(
  stacks: readonly StackInfo[],
  deployed: readonly boolean[],
  protection: (region: string) => ProtectionApi,
): Promise<Protection[]> {
  const onStacks: Protection[] = [];
  const onDatabases: Protection[] = [];
  for (const [i, s] of stacks.entries()) {
    if (!deployed[i]) continue;
    const api = protection(s.region);
    if (await api.terminationProtection(s.stackName))
      onStacks.push({ kind: 'stack', stack: s.stackName, region: s.region });
    if (resourcesOf(s.template, 'AWS::RDS::DBInstance').length === 0) continue;
    for (const id of await api.stackResourceIds(s.stackName, 'AWS::RDS::DBInstance')) {
      if ((await api.database(id))?.deletionProtection)
        onDatabases.push({ kind: 'database', id, stack: s.stackName, region: s.region });
    }
  }
  // The stacks first, then the databases: the order the progress lines and a failure report follow.
  return [...onStacks, ...onDatabases];
}

/**
 * `slipway destroy <env> [--yes] [--allow-protected] [--force-unlock <id>]`. The guards run
 * before any AWS call: a protected environment needs --allow-protected; the environment name must
 * be typed back (or --yes given; a non-interactive run without --yes is refused). What will be
 * kept is listed first. Then, online and holding the environment's lock (audited, as deploys
 * are): no stack may be busy, and whatever protection is on in AWS (termination protection on a
 * stack, deletion protection on the database) is switched off, one progress line each, only with
 * --allow-protected; without it the run stops before changing anything. Only then are the stacks
 * deleted (the database's final snapshot, DeletionPolicy Snapshot, is still taken). A failure
 * after a protection was switched off names what was changed and how to switch it back.
 */
export async function destroyCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { yes?: boolean; allowProtected?: boolean; forceUnlock?: string },
  io: Io,
  deps: DestroyDeps = defaultDeployDeps(io),
): Promise<ExitCode> {
  const { name, environment: env } = resolveEnvironmentName(config, envArg, 'destroy');
  if (env.protected && !options.allowProtected) {
    throw new CliError(
      'SW212',
      `${name} is protected (protected: true in slipway.config.ts); refusing to destroy it`,
      `slipway destroy ${name} --allow-protected`,
    );
  }

  io.progress.start(`Synthesizing ${name} to list what will be kept`);
  const synthesized = deps.synth(config, name);
  const stacks = stacksOf(synthesized, name);
  io.progress.succeed(
    `${stacks.length} stacks to delete: ${[...stacks]
      .reverse()
      .map((s) => s.stackName)
      .join(' → ')}`,
  );
  const retained = listKept(config, name, stacks, io);

  if (!options.yes) await confirm(name, env.protected, io);

  const target = await onlineTarget(config, name, 'destroy', deps.factory);
  const guard = { target, command: 'destroy' as const, forceUnlock: options.forceUnlock };
  return guardRelease(guard, io, deps.guard ?? {}, () =>
    deleteStacks({ synthesized, stacks, retained, target, options, io, deps }),
  );
}

/** The online part of `destroy`, with the environment's lock held. */
async function deleteStacks(run: {
  synthesized: Synthesized;
  stacks: StackInfo[];
  retained: Retained[];
  target: OnlineTarget;
  options: { allowProtected?: boolean };
  io: Io;
  deps: DestroyDeps;
}): Promise<ExitCode> {
  const { synthesized, stacks, retained, target, options, io, deps } = run;
  const name = target.env.name;
  const deployed = await deployedStacks(stacks, deps.factory, name, target.where);

  const protectionApi = deps.protection ?? sdkProtection();
  const found = await call(
    () =>
      protectionsOn(
        stacks,
        deployed.map((d) => d !== undefined),
        (region) => protectionApi(region),
      ),
    'destroy',
    name,
    target.where,
  );
  if (found.length > 0 && !options.allowProtected) {
    throw new CliError(
      'SW212',
      `${name} has protection on in AWS that would stop the deletion midway (${found.map(protectionText).join('; ')}); nothing was changed or deleted`,
      `slipway destroy ${name} --allow-protected`,
    );
  }
  const changed = await switchOffProtections(found, retained, protectionApi, name, target.where, io);

  io.progress.start(`Destroying ${name}`);
  try {
    await deps.deployer(synthesized.outdir).destroy(stacks.map((s) => s.constructPath));
  } catch (error) {
    io.progress.fail(`Destroy of ${name} failed`);
    io.err(changedReport(changed, ''));
    throw new CliError(
      'SW211',
      `destroy of ${name} failed: ${(error as Error).message.split('\n')[0]}${changed.length > 0 ? `; ${changed.length} protection(s) were switched off first (listed above)` : ''}`,
      `slipway status ${name}`,
    );
  }
  io.progress.succeed(`Destroyed ${name}`);
  io.out(`Destroyed ${name}. Kept: ${retained.length} resource(s) listed above, and the registry.\n`);
  return EXIT.ok;
}

/** Prints what outlives the destroy (DeletionPolicy Retain/Snapshot, the registry, account stacks). */
function listKept(config: SlipwayConfig, name: string, stacks: StackInfo[], io: Io) {
  const retained = retainedResources(stacks);
  const registry = resolveRegistry(config);
  io.err(
    `Kept after destroy (DeletionPolicy in the templates):\n${table([
      ['stack', 'resource', 'type', 'policy'],
      ...retained.map((r) => [
        r.stack,
        r.path ?? shortName(r.logicalId),
        r.type,
        r.policy === 'Snapshot' ? 'final snapshot' : r.policy,
      ]),
    ])}\nAlso kept: the image registry ${registry.repositoryName} (account ${registry.account}, ${registry.region}) and the account-level stacks; they are shared, not part of ${name}.\n`,
  );
  return retained;
}

/** The environment name typed back; a non-interactive run must pass --yes instead. */
async function confirm(name: string, isProtected: boolean, io: Io): Promise<void> {
  if (!io.interactive && isProtected) {
    // No ready-to-paste command here: one line that deletes production must be typed on purpose.
    throw new CliError(
      'SW213',
      `destroy ${name} deletes a protected environment and needs its name typed back at a terminal; this run has none, so nothing was deleted`,
      `run it from a terminal and type ${name} when asked (a pipeline confirms with the flag docs/cli.md describes)`,
    );
  }
  if (!io.interactive) {
    throw new CliError(
      'SW213',
      `destroy ${name} needs confirmation and this run is not interactive`,
      `slipway destroy ${name} --yes`,
    );
  }
  const answer = (await io.ask(`Type the environment name (${name}) to destroy it: `)).trim();
  if (answer !== name) {
    throw new CliError(
      'SW213',
      `confirmation "${answer}" does not match "${name}"; nothing was deleted`,
      `slipway destroy ${name}`,
    );
  }
}

/**
 * Switches off each protection, one progress line each. A failure reports what was already
 * switched off, so the user can switch it back, and stops before anything is deleted.
 */
async function switchOffProtections(
  found: Protection[],
  retained: ReturnType<typeof retainedResources>,
  protectionApi: NonNullable<DestroyDeps['protection']>,
  name: string,
  where: string,
  io: Io,
): Promise<Protection[]> {
  const changed: Protection[] = [];
  for (const p of found) {
    const api = protectionApi(p.region);
    io.progress.start(`Switching off ${protectionText(p)}`);
    try {
      if (p.kind === 'stack') await api.setTerminationProtection(p.stack, false);
      else await api.setDeletionProtection(p.id, false);
    } catch (error) {
      io.progress.fail(`Could not switch off ${protectionText(p)}`);
      const e = awsError(error, 'destroy', name, where);
      const reason = ((error as Error)?.message ?? String(error)).split('\n')[0];
      io.err(changedReport(changed, 'Nothing was deleted. '));
      throw new CliError(
        e.code,
        `switching off ${protectionText(p)} in ${where} failed (it needs ${NEEDS[p.kind]}): ${reason}; nothing was deleted${changed.length > 0 ? `, ${changed.length} protection(s) already off (listed above)` : ''}`,
        e.next,
      );
    }
    changed.push(p);
    const snapshot =
      p.kind === 'database' && retained.some((r) => r.stack === p.stack && r.policy === 'Snapshot')
        ? '; CloudFormation still takes its final snapshot (DeletionPolicy Snapshot)'
        : '';
    io.progress.succeed(`Switched off ${protectionText(p)}${snapshot}`);
  }
  return changed;
}

/** Which stacks exist in AWS; stops when one of them is busy (nothing changed yet). */
async function deployedStacks(
  stacks: StackInfo[],
  factory: DestroyDeps['factory'],
  name: string,
  where: string,
) {
  const deployed = await Promise.all(
    stacks.map((s) =>
      call(() => factory(s.region).cloudFormation.describeStack(s.stackName), 'destroy', name, where),
    ),
  );
  const busy = inProgress(
    deployed.filter((d) => d !== undefined),
    undefined,
  );
  if (busy.length > 0) {
    throw new CliError('SW208', `${name} is busy: ${busy.join('; ')}`, `slipway status ${name}`);
  }
  return deployed;
}
