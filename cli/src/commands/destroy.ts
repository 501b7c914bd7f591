import { resolveEnvironmentByName, resolveRegistry, type SlipwayConfig } from '@slipway/config';
import type { DeployDeps } from '../deploy/deploy.ts';
import { inProgress } from '../deploy/guards.ts';
import { resolveEnvironmentName } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import { table } from '../format.ts';
import type { Io } from '../io.ts';
import { call, onlineTarget } from '../online.ts';
import type { StackInfo } from '../synth/synthesize.ts';
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

/**
 * `slipway destroy <env> [--yes] [--allow-protected]`. The guards run before any AWS call: a
 * protected environment needs --allow-protected; the environment name must be typed back (or
 * --yes given; a non-interactive run without --yes is refused). What will be kept is listed first.
 */
export async function destroyCommand(
  config: SlipwayConfig,
  envArg: string,
  options: { yes?: boolean; allowProtected?: boolean },
  io: Io,
  deps: DeployDeps = defaultDeployDeps(io),
): Promise<ExitCode> {
  const { name } = resolveEnvironmentName(config, envArg, 'destroy');
  const env = resolveEnvironmentByName(name, config);
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

  if (!options.yes) {
    if (!io.interactive) {
      throw new CliError(
        'SW213',
        `destroy ${name} needs confirmation and this run is not interactive`,
        `slipway destroy ${name} --yes${env.protected ? ' --allow-protected' : ''}`,
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

  const target = await onlineTarget(config, name, 'destroy', deps.factory);
  const deployed = await Promise.all(
    stacks.map((s) =>
      call(
        () => deps.factory(s.region).cloudFormation.describeStack(s.stackName),
        'destroy',
        name,
        target.where,
      ),
    ),
  );
  const busy = inProgress(
    deployed.filter((d) => d !== undefined),
    undefined,
  );
  if (busy.length > 0) {
    throw new CliError('SW208', `${name} is busy: ${busy.join('; ')}`, `slipway status ${name}`);
  }
  io.progress.start(`Destroying ${name}`);
  try {
    await deps.deployer(synthesized.outdir).destroy(stacks.map((s) => s.constructPath));
  } catch (error) {
    io.progress.fail(`Destroy of ${name} failed`);
    throw new CliError(
      'SW211',
      `destroy of ${name} failed: ${(error as Error).message.split('\n')[0]}`,
      `slipway status ${name}`,
    );
  }
  io.progress.succeed(`Destroyed ${name}`);
  io.out(`Destroyed ${name}. Kept: ${retained.length} resource(s) listed above, and the registry.\n`);
  return EXIT.ok;
}
