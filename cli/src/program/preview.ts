import type { Command } from 'commander';
import { checkOutputFolder } from '../output-folder.ts';
import type { CommandContext } from './context.ts';
import { nonEmpty } from './values.ts';

/**
 * `plan` and `docs` (offline) and `diff`: what a deploy would create or change, without
 * deploying. Only `docs` (and `plan --write-docs`) writes into the repository.
 */
export function registerPreviewCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('plan')
    .description(
      'offline: synthesize, run the policy checks, print resources, monthly cost, deploy time (writes nothing)',
    )
    .argument('[env]', 'environment (a key of `environments`, or pr-<number>)')
    .option('--all', 'every environment')
    .option('--json', 'machine-readable output on stdout')
    .option('--write-docs', 'also write each environment page (diagram, cost detail), as `slipway docs` does')
    .option(
      '--out <dir>',
      'with --write-docs: where the pages go (default docs/generated); implies --write-docs',
      nonEmpty,
    )
    .option(
      '--no-cache',
      'synthesize and run every check again, even when nothing they depend on changed (the result is still stored)',
    )
    .action(
      run(
        async (
          env: string | undefined,
          opts: { all?: boolean; json?: boolean; writeDocs?: boolean; out?: string; cache: boolean },
        ) => {
          if (opts.out !== undefined)
            checkOutputFolder(opts.out, '--out', `slipway plan ${env ?? '--all'} --out <folder>`);
          const loaded = await config();
          const { plan } = await import('../commands/plan.ts');
          const { verbose } = program.opts<{ verbose?: boolean }>();
          return (await plan(loaded, env, { ...opts, verbose }, io)).exitCode;
        },
      ),
    );

  program
    .command('docs')
    .description('offline: write each environment page (architecture diagram, itemized monthly cost)')
    .argument('[env]', 'environment (a key of `environments`, or pr-<number>)')
    .option('--all', 'every environment')
    .option('--out <dir>', 'where the pages go (default docs/generated at the repository root)', nonEmpty)
    .action(
      run(async (env: string | undefined, opts: { all?: boolean; out?: string }) => {
        if (opts.out !== undefined)
          checkOutputFolder(opts.out, '--out', `slipway docs ${env ?? '--all'} --out <folder>`);
        const loaded = await config();
        const { docs } = await import('../commands/docs.ts');
        return docs(loaded, env, opts, io);
      }),
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
