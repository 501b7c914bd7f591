import type { Command } from 'commander';
import type { CommandContext } from './context.ts';

interface InitFlags {
  fromCopilot?: string | boolean;
  force?: boolean;
  json?: boolean;
  name?: string;
  port?: string;
  healthPath?: string;
  dockerfile?: string;
  region?: string;
  account?: string;
  yes?: boolean;
  plan?: boolean;
}

/**
 * `init`: writes slipway.config.ts (detected from this repository, or from an AWS Copilot
 * workspace) and the workflows; needs no config. `ci context`: what those workflows read from it;
 * `ci check-approval`: that a GitHub Environment requires the approval the config asks for.
 */
export function registerInitCommands(program: Command, { io, config, run }: CommandContext): void {
  program
    .command('init')
    .description(
      'write slipway.config.ts, the GitHub workflows and (if missing) package.json for this repository, detected from its Dockerfiles and code (or --from-copilot); then plan dev',
    )
    .option(
      '--from-copilot [dir]',
      'import the Copilot manifests in <dir> (default: copilot/) instead of detecting',
    )
    .option('--name <name>', 'app name (default: package.json or pyproject.toml name, else the folder)')
    .option('--port <number>', "the web service's port (default: EXPOSE, else the framework's)")
    .option(
      '--health-path <path>',
      'path that answers 200 while alive (default: a /health-like route in the code)',
    )
    .option(
      '--dockerfile <path>',
      "the web service's Dockerfile (default: ./Dockerfile, else the first found)",
    )
    .option('--region <region>', 'AWS region of every environment (default: placeholder us-east-1)')
    .option('--account <id>', 'AWS account of every environment (default: one placeholder per environment)')
    .option('--yes', 'accept what was detected and write placeholders for the rest; ask nothing')
    .option('--force', 'overwrite existing files')
    .option('--no-plan', 'do not run `slipway plan dev` at the end')
    .option('--json', 'with --from-copilot: print the import report as JSON on stdout')
    .action(
      run(async (opts: InitFlags) => {
        const { initCommand } = await import('../commands/init.ts');
        return initCommand(opts, io);
      }),
    );

  const ci = program.command('ci').description('values and checks for CI workflows from slipway.config.ts');
  ci.command('check-approval')
    .description(
      'for an environment that needs approval, verify its GitHub Environment requires a reviewer (fails closed)',
    )
    .argument('<env>')
    .option('--github-environment <name>', 'the GitHub Environment the deploy job runs in (default: <env>)')
    .action(
      run(async (env: string, opts: { githubEnvironment?: string }) => {
        const loaded = await config();
        const { checkApprovalCommand } = await import('../approval/command.ts');
        return checkApprovalCommand(loaded, env, opts, io);
      }),
    );
  ci.command('context')
    .description(
      "the build matrix, Grafana's image, registry, push role and moving tag (with --environment, its deploy values) as name=value lines, appended to $GITHUB_OUTPUT when set",
    )
    .option('--environment <env>', 'also the deploy values of this environment')
    .option('--branch <branch>', 'the branch being built (default: $GITHUB_REF_NAME)')
    .option('--deploy <env>', 'plan an on-demand deploy of this environment (workflow_dispatch)')
    .option(
      '--image-tag <tag>',
      'with --deploy: the image tag to deploy (default: none, infrastructure only)',
    )
    .action(
      run(async (opts: { environment?: string; branch?: string; deploy?: string; imageTag?: string }) => {
        const loaded = await config();
        const { ciContextCommand } = await import('../commands/ci.ts');
        return ciContextCommand(loaded, opts, io);
      }),
    );
}
