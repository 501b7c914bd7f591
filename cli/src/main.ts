import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { configPath, loadCliConfig } from './context.ts';
import { CliError, EXIT, type ExitCode, formatCliError } from './errors.ts';
import { type Io, oraProgress } from './io.ts';
import type { CommandContext } from './program/context.ts';
import { registerOperateCommands } from './program/operate.ts';
import { registerPreviewCommands } from './program/preview.ts';
import { registerReleaseCommands } from './program/release.ts';

/**
 * The command surface, the contract the pipelines are written against (.github/workflows call
 * `npx slipway <verb> ...`). Exported so their test can check the verbs they use exist.
 */
export const COMMANDS = {
  plan: 'slipway plan <env> | --all [--json] [--write-docs] [--out <dir>] [--no-cache]',
  docs: 'slipway docs <env> | --all [--out <dir>]',
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

  const context: CommandContext = { io, config, run };
  registerPreviewCommands(program, context);
  registerReleaseCommands(program, context);
  registerOperateCommands(program, context);

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
