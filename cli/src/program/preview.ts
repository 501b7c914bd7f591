import type { Command } from 'commander';
import { checkOutputFolder } from '../output-folder.ts';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/** `plan` (offline) and `diff`: what a deploy would create or change, without deploying. */
export function registerPreviewCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('plan')
    .description(
      'offline: synthesize, run the policy checks, print resources, monthly cost, deploy time; write the diagram',
    )
    .argument('[env]', 'environment (a key of `environments`, or pr-<number>)')
    .option('--all', 'every environment')
    .option('--json', 'machine-readable output on stdout')
    .option(
      '--out <dir>',
      'where to write the diagrams, created when missing (default: docs/generated of the Slipway repository)',
      nonEmpty,
    )
    .option('--no-cache', 'run cfn-lint and the CloudFormation validator even on unchanged templates')
    .action(
      run(
        async (
          env: string | undefined,
          opts: { all?: boolean; json?: boolean; out?: string; cache: boolean },
        ) => {
          if (opts.out !== undefined)
            checkOutputFolder(opts.out, '--out', `slipway plan ${env ?? '--all'} --out <folder>`);
          const loaded = await config();
          const { plan } = await import('../commands/plan.ts');
          return (await plan(loaded, env, opts, io)).exitCode;
        },
      ),
    );

  program
    .command('diff')
    .description('what would change against the deployed stacks')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const loaded = await config();
        const { diff } = await import('../commands/diff.ts');
        return diff(loaded, env, opts, io);
      }),
    );
}
