import type { Command } from 'commander';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/** `deploy`, `destroy` and `rollback`: the commands that change an environment. */
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
    .action(
      run(async (env: string, opts: { image?: string; allowTrafficReset?: boolean }) => {
        const loaded = await config();
        const { deployCommand } = await import('../commands/deploy.ts');
        return deployCommand(loaded, env, opts, io);
      }),
    );

  program
    .command('destroy')
    .description('delete the environment, keeping what is retained (listed first)')
    .argument('<env>')
    .option('--yes', 'skip the typed confirmation (automation)')
    .option('--allow-protected', 'allow destroying a protected environment')
    .action(
      run(async (env: string, opts: { yes?: boolean; allowProtected?: boolean }) => {
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
    .action(
      run(async (env: string, opts: { to?: string; service?: string }) => {
        const loaded = await config();
        const { rollbackCommand } = await import('../commands/rollback.ts');
        return rollbackCommand(loaded, env, opts, io);
      }),
    );
}
