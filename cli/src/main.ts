import { createInterface } from 'node:readline/promises';
import { Command, CommanderError, Option } from 'commander';
import { configPath, loadCliConfig } from './context.ts';
import { CliError, EXIT, type ExitCode, formatCliError } from './errors.ts';
import { type Io, oraProgress } from './io.ts';

/**
 * The command surface, the contract the pipelines are written against (.github/workflows call
 * `npx slipway <verb> ...`). Exported so their test can check the verbs they use exist.
 */
export const COMMANDS = {
  plan: 'slipway plan <env> | --all [--json] [--out <dir>] [--no-cache]',
  diff: 'slipway diff <env> [--json]',
  deploy: 'slipway deploy <env> [--image <tag>] [--allow-traffic-reset]',
  destroy: 'slipway destroy <env> [--yes] [--allow-protected]',
  rollback: 'slipway rollback <env> [--to <sha>]',
  status: 'slipway status <env> [--json]',
  drift: 'slipway drift <env> [--json]',
  logs: 'slipway logs <env> [--follow] [--since <duration>]',
  exec: 'slipway exec <env> [--command <cmd>]',
  doctor: 'slipway doctor [<env>]',
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The real terminal: stdout for results, stderr for progress, a readline prompt when a TTY. */
export function processIo(options: { json?: boolean } = {}): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
    progress: oraProgress({ silent: options.json === true && process.stderr.isTTY !== true }),
  };
}

/** Turns commander's usage errors into one SW202/SW203 line with the closest valid name. */
function usageError(error: CommanderError, argv: readonly string[]): CliError {
  const message = error.message.replace(/^error: /, '').split('\n')[0] ?? error.message;
  const suggestion = /Did you mean (?:one of )?([^?]+)\?/.exec(error.message)?.[1]?.trim();
  if (error.code === 'commander.unknownCommand') {
    const name = /'([^']+)'/.exec(message)?.[1] ?? argv[0] ?? '';
    return new CliError(
      'SW202',
      `unknown command "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; commands: ${Object.keys(COMMANDS).join(', ')}`,
      suggestion ? `slipway ${suggestion} --help` : 'slipway --help',
    );
  }
  if (error.code === 'commander.unknownOption') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? '';
    const verb = argv.find((a) => a in COMMANDS);
    return new CliError(
      'SW202',
      `unknown flag "${flag}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      verb ? `slipway ${verb} --help` : 'slipway --help',
    );
  }
  const verb = argv.find((a) => a in COMMANDS);
  return new CliError('SW203', message, verb ? COMMANDS[verb as CommandName] : 'slipway --help');
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Every
 * failure is one line on stderr with a code and the next command; exit codes in errors.ts.
 */
export async function main(argv: readonly string[], ioOverride?: Io): Promise<ExitCode> {
  const json = argv.includes('--json');
  const io = ioOverride ?? processIo({ json });
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command('slipway')
    .description(
      'Slipway: from git push to production on ECS Fargate. Offline: plan, doctor. Online: the rest.',
    )
    .option('--config <path>', 'config file (default: $SLIPWAY_CONFIG or slipway.config.ts at the repo root)')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (t) => io.out(t),
      writeErr: () => {},
    });

  const config = async () => loadCliConfig(configPath(program.opts<{ config?: string }>().config), io.err);
  const run =
    (fn: (...args: never[]) => Promise<ExitCode>) =>
    async (...args: unknown[]) => {
      exitCode = await (fn as (...a: unknown[]) => Promise<ExitCode>)(...args);
    };

  program
    .command('plan')
    .description(
      'offline: synthesize, run the policy checks, print resources, monthly cost, deploy time; write the diagram',
    )
    .argument('[env]', 'environment (a key of `environments`, or pr-<number>)')
    .option('--all', 'every environment')
    .option('--json', 'machine-readable output on stdout')
    .option('--out <dir>', 'where to write the diagrams (default docs/generated)')
    .option('--no-cache', 'run cfn-lint and the CloudFormation validator even on unchanged templates')
    .action(
      run(
        async (
          env: string | undefined,
          opts: { all?: boolean; json?: boolean; out?: string; cache: boolean },
        ) => {
          const { plan } = await import('./commands/plan.ts');
          return (await plan(await config(), env, opts, io)).exitCode;
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
        const { diff } = await import('./commands/diff.ts');
        return diff(await config(), env, opts, io);
      }),
    );

  program
    .command('deploy')
    .description('deploy the stacks in dependency order (and a new image with --image); prints the URL')
    .argument('<env>')
    .option('--image <tag>', 'image tag to release (must exist in the registry)')
    .option(
      '--allow-traffic-reset',
      'deploy even when the production listener rule or its target groups change',
    )
    .action(
      run(async (env: string, opts: { image?: string; allowTrafficReset?: boolean }) => {
        const { deployCommand } = await import('./commands/deploy.ts');
        return deployCommand(await config(), env, opts, io);
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
        const { destroyCommand } = await import('./commands/destroy.ts');
        return destroyCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('rollback')
    .description('redeploy the previous image (or --to <sha>) through the normal deploy path')
    .argument('<env>')
    .option('--to <sha>', 'image tag (commit sha) to roll back to')
    .action(
      run(async (env: string, opts: { to?: string }) => {
        const { rollbackCommand } = await import('./commands/rollback.ts');
        return rollbackCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('status')
    .description('deployments in progress, tasks, image, target health, last events')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const { statusCommand } = await import('./commands/status.ts');
        return statusCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('drift')
    .description('drift detection: live resources against their templates, minus what AWS changes on purpose')
    .argument('<env>')
    .option('--json', 'machine-readable output on stdout')
    .action(
      run(async (env: string, opts: { json?: boolean }) => {
        const { driftCommand } = await import('./commands/drift/index.ts');
        return driftCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('logs')
    .description("the service's logs")
    .argument('<env>')
    .option('--follow', 'keep printing new events')
    .addOption(new Option('--since <duration>', 'how far back: 30s, 10m, 2h, 1d').default('10m'))
    .action(
      run(async (env: string, opts: { follow?: boolean; since: string }) => {
        const { logsCommand } = await import('./commands/logs.ts');
        return logsCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('exec')
    .description('a shell in a running task (ECS Exec)')
    .argument('<env>')
    .option('--command <cmd>', 'command to run', '/bin/sh')
    .action(
      run(async (env: string, opts: { command: string }) => {
        const { execCommand } = await import('./commands/exec.ts');
        return execCommand(await config(), env, opts, io);
      }),
    );

  program
    .command('doctor')
    .description('local prerequisites; with an environment and credentials, the account prerequisites too')
    .argument('[env]')
    .action(
      run(async (env: string | undefined) => {
        const { doctorCommand } = await import('./commands/doctor.ts');
        return doctorCommand(env ? await config() : undefined, env, io);
      }),
    );

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    io.progress.stop();
    let cli: CliError | undefined;
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      if (error.code === 'commander.help') return EXIT.ok;
      cli = usageError(error, argv);
    } else if (error instanceof CliError) {
      cli = error;
    }
    if (cli) {
      io.err(`${formatCliError(cli)}\n`);
      return cli.exitCode;
    }
    io.err(`error: ${(error as Error)?.stack ?? String(error)}\n`);
    return EXIT.failed;
  }
}
