import type { Command } from 'commander';
import type { CommandContext } from './context.ts';

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
    )
    .option('--no-cache', 'run cfn-lint and the CloudFormation validator even on unchanged templates')
    .action(
      run(
        async (
          env: string | undefined,
          opts: { all?: boolean; json?: boolean; writeDocs?: boolean; out?: string; cache: boolean },
        ) => {
          const { plan } = await import('../commands/plan.ts');
          return (await plan(await config(), env, opts, io)).exitCode;
        },
      ),
    );

  program
    .command('docs')
    .description('offline: write each environment page (architecture diagram, itemized monthly cost)')
    .argument('[env]', 'environment (a key of `environments`, or pr-<number>)')
    .option('--all', 'every environment')
    .option('--out <dir>', 'where the pages go (default docs/generated at the repository root)')
    .action(
      run(async (env: string | undefined, opts: { all?: boolean; out?: string }) => {
        const { docs } = await import('../commands/docs.ts');
        return docs(await config(), env, opts, io);
      }),
    );

  program
    .command('diff')
    .description('what would change against the deployed stacks')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const { diff } = await import('../commands/diff.ts');
        return diff(await config(), env, opts, io);
      }),
    );
}
