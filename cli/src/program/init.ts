import type { Command } from 'commander';
import type { CommandContext } from './context.ts';

/** `init`: writes slipway.config.ts (for now from an AWS Copilot workspace); needs no config. */
export function registerInitCommands(program: Command, { io, run }: CommandContext): void {
  program
    .command('init')
    .description(
      'write slipway.config.ts here from an AWS Copilot workspace (--from-copilot); prints the import report',
    )
    .option('--from-copilot [dir]', 'import the Copilot manifests in <dir> (default: copilot/)')
    .option('--force', 'overwrite an existing slipway.config.ts')
    .option('--json', 'print the import report as JSON on stdout')
    .action(
      run(async (opts: { fromCopilot?: string | boolean; force?: boolean; json?: boolean }) => {
        const { initCommand } = await import('../commands/init.ts');
        return initCommand(opts, io);
      }),
    );
}
