import { type Command, InvalidArgumentError } from 'commander';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/** The flag that removes a lock left by a run that died (docs/release-safety.md). */
const FORCE_UNLOCK = [
  '--force-unlock <id>',
  "first remove the environment's lock with this id (named by SW261), recorded in the audit log",
  nonEmpty,
] as const;

/** A positive whole number (`--limit`). */
function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new InvalidArgumentError('It must be a whole number from 1 to 1000');
  return n;
}

/** `deploy`, `destroy` and `rollback`, the commands that change an environment, and their `history`. */
export function registerReleaseCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('deploy')
    .description('deploy the stacks in dependency order (and a new image with --image); prints the URL')
    .argument('<env>')
    .option(
      '--image <tag>',
      'image tag to release, which must exist in the registry (default: keep the image deployed now)',
      nonEmpty,
    )
    .option(
      '--allow-traffic-reset',
      'deploy even when the production listener rule or its target groups change',
    )
    .option(...FORCE_UNLOCK)
    .action(
      run(
        async (env: string, opts: { image?: string; allowTrafficReset?: boolean; forceUnlock?: string }) => {
          const loaded = await config();
          const { deployCommand } = await import('../commands/deploy.ts');
          return deployCommand(loaded, env, opts, io);
        },
      ),
    );

  program
    .command('destroy')
    .description('delete the environment, keeping what is retained (listed first)')
    .argument('<env>')
    .option('--yes', 'skip the typed confirmation (automation)')
    .option('--allow-protected', 'allow destroying a protected environment')
    .option(...FORCE_UNLOCK)
    .action(
      run(async (env: string, opts: { yes?: boolean; allowProtected?: boolean; forceUnlock?: string }) => {
        const loaded = await config();
        const { destroyCommand } = await import('../commands/destroy.ts');
        return destroyCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('rollback')
    .description(
      'redeploy the previous image (or --to <sha>); with several long-running services, one named with --service',
    )
    .argument('<env>')
    .option(
      '--service <name>',
      'the web, backend or worker service to roll back alone (needed when there are several)',
      nonEmpty,
    )
    .option(
      '--to <sha>',
      'image tag (commit sha) to roll back to (default: the image tagged rollback-<env>)',
      nonEmpty,
    )
    .option(...FORCE_UNLOCK)
    .action(
      run(async (env: string, opts: { to?: string; service?: string; forceUnlock?: string }) => {
        const loaded = await config();
        const { rollbackCommand } = await import('../commands/rollback.ts');
        return rollbackCommand(loaded, env, opts, io);
      }),
    );

  registerHistoryCommand(program, { io, config, run });
}

/** `history`: the releases of an environment, from its audit log. */
function registerHistoryCommand(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('history')
    .description(
      "the environment's releases, newest first: who deployed, rolled back or destroyed what, when, and how it ended",
    )
    .argument('<env>')
    .option('--limit <n>', 'how many releases (default: 20)', positiveInt)
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { limit?: number; json?: boolean }) => {
        const loaded = await config();
        const { historyCommand } = await import('../commands/history.ts');
        return historyCommand(loaded, env, opts, io);
      }),
    );
}
