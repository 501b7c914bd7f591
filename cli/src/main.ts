import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { Command, CommanderError } from 'commander';
import { EXIT, type ExitCode } from './errors.ts';
import { asCliError, reportFailure, unknownHelpTopic } from './failure.ts';
import { type Io, loadProgressLibrary, oraProgress } from './io.ts';
import type { CommandContext } from './program/context.ts';
import { registerInitCommands } from './program/init.ts';
import { registerOperateCommands } from './program/operate.ts';
import { registerPreviewCommands } from './program/preview.ts';
import { registerReleaseCommands } from './program/release.ts';
import { nonEmpty } from './program/values.ts';

/**
 * The command surface, the contract the pipelines are written against (.github/workflows call
 * `npx slipway <verb> ...`). Exported so their test can check the verbs they use exist.
 */
export const COMMANDS = {
  plan: 'slipway plan <env> | --all [--json] [--write-docs] [--out <dir>] [--no-cache] [--verbose]',
  docs: 'slipway docs <env> | --all [--out <dir>]',
  diff: 'slipway diff <env> [--json]',
  deploy: 'slipway deploy <env> [--image <tag>] [--allow-traffic-reset] [--force-unlock <id>]',
  destroy: 'slipway destroy <env> [--yes] [--allow-protected] [--force-unlock <id>]',
  rollback: 'slipway rollback <env> [--service <name>] [--to <sha>] [--force-unlock <id>]',
  history: 'slipway history <env> [--limit <n>] [--json]',
  status: 'slipway status <env> [--service <name>] [--json]',
  drift: 'slipway drift <env> [--json]',
  logs: 'slipway logs <env> [--service <name>] [--follow] [--since <duration>]',
  exec: 'slipway exec <env> [--service <name>] [--command <cmd>]',
  run: 'slipway run <env> <job> [--no-follow] [--json]',
  doctor: 'slipway doctor [<env>]',
  init: 'slipway init --from-copilot [dir] [--force] [--json]',
  ci: 'slipway ci context [--environment <env>] | ci check-approval <env> [--github-environment <name>]',
} as const;

export type CommandName = keyof typeof COMMANDS;

/** The CLI's version, from cli/package.json. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

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

/** The command line without `--config <path>`: what to run again once the config is fixed. */
function rerunLine(argv: readonly string[]): string {
  const kept = argv.filter(
    (a, i) => a !== '--config' && argv[i - 1] !== '--config' && !a.startsWith('--config='),
  );
  return ['slipway', ...kept].join(' ');
}

function buildProgram(io: Io, argv: readonly string[], onExit: (code: ExitCode) => void): Command {
  const program = new Command('slipway')
    .description(
      'Slipway: from git push to production on ECS Fargate. Offline: plan, doctor. Online: the rest.',
    )
    .version(VERSION, '-v, --version', 'print the version')
    .option(
      '--config <path>',
      'config file (default: $SLIPWAY_CONFIG, else the nearest slipway.config.ts in the working directory or above)',
      nonEmpty,
    )
    .option(
      '--verbose',
      'print the stack of an unexpected error (as SLIPWAY_DEBUG=1 does); with plan, the time of each phase',
    )
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (t) => io.out(t),
      writeErr: () => {},
    });

  // The config library and the spinner load only once a command runs: help, --version and
  // argument errors stay a bare Node start plus commander.
  const config = async () => {
    const { loadCliConfig } = await import('./context.ts');
    return loadCliConfig(program.opts<{ config?: string }>().config, io.err, rerunLine(argv));
  };
  const run =
    (fn: (...args: never[]) => Promise<ExitCode>) =>
    async (...args: unknown[]) => {
      await loadProgressLibrary();
      onExit(await (fn as (...a: unknown[]) => Promise<ExitCode>)(...args));
    };

  const context: CommandContext = { io, config, run };
  registerPreviewCommands(program, context);
  registerReleaseCommands(program, context);
  registerOperateCommands(program, context);
  registerInitCommands(program, context);
  return program;
}

/**
 * Runs the CLI with `argv` (without `node` and the script) and returns the exit code. Every
 * failure is one line on stderr with a code and the next command (with --json also a JSON
 * object on stdout); exit codes in errors.ts.
 */
export async function main(argv: readonly string[], ioOverride?: Io): Promise<ExitCode> {
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose') || ['1', 'true'].includes(process.env.SLIPWAY_DEBUG ?? '');
  const io = ioOverride ?? processIo({ json });
  let exitCode: ExitCode = EXIT.ok;
  try {
    const program = buildProgram(io, argv, (code) => {
      exitCode = code;
    });
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT.usage;
    }
    const badTopic = unknownHelpTopic(argv, COMMANDS);
    if (badTopic) throw badTopic;
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    io.progress.stop();
    if (
      error instanceof CommanderError &&
      ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
    ) {
      return EXIT.ok;
    }
    const cli = asCliError(error, argv, COMMANDS);
    reportFailure(io, cli, { json, verbose });
    return cli.exitCode;
  }
}
