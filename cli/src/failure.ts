import { closest } from '@slipway/config/contract';
import { CommanderError } from 'commander';
import { CLI_ERRORS, CliError, formatCliError } from './errors.ts';
import type { Io } from './io.ts';

/** The command surface, as `main` registers it (for the closest-name hints and usage lines). */
export type Usage = Readonly<Record<string, string>>;

/** Turns commander's usage errors into one SW202/SW203 line with the closest valid name. */
export function usageError(error: CommanderError, argv: readonly string[], commands: Usage): CliError {
  const message = (error.message.replace(/^error: /, '').split('\n')[0] ?? error.message).replace(/\.+$/, '');
  const suggestion = /Did you mean (?:one of )?([^?]+)\?/.exec(error.message)?.[1]?.trim();
  const verb = argv.find((a) => a in commands);
  if (error.code === 'commander.unknownCommand') {
    const name = /'([^']+)'/.exec(message)?.[1] ?? argv[0] ?? '';
    return new CliError(
      'SW202',
      `unknown command "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; commands: ${Object.keys(commands).join(', ')}`,
      suggestion ? `slipway ${suggestion} --help` : 'slipway --help',
    );
  }
  if (error.code === 'commander.unknownOption') {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? '';
    return new CliError(
      'SW202',
      `unknown flag "${flag}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      verb ? `slipway ${verb} --help` : 'slipway --help',
    );
  }
  return new CliError('SW203', message, verb ? commands[verb] : 'slipway --help');
}

/** `slipway help <name>` for a name that is no command (commander prints nothing and exits 0). */
export function unknownHelpTopic(argv: readonly string[], commands: Usage): CliError | undefined {
  const [first, topic] = argv;
  if (first !== 'help' || topic === undefined || topic.startsWith('-') || topic in commands) return undefined;
  const suggestion = closest(topic, Object.keys(commands));
  return new CliError(
    'SW202',
    `unknown command "${topic}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; commands: ${Object.keys(commands).join(', ')}`,
    suggestion ? `slipway help ${suggestion}` : 'slipway --help',
  );
}

/**
 * Any failure as a CliError: commander's usage errors → SW202/SW203, a CliError as it is, and
 * anything else → SW235 "unexpected error" (its stack only with --verbose or SLIPWAY_DEBUG=1).
 */
export function asCliError(error: unknown, argv: readonly string[], commands: Usage): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof CommanderError) return usageError(error, argv, commands);
  const err = error instanceof Error ? error : new Error(String(error));
  const first = err.message.split('\n').find((l) => l.trim() !== '') ?? '';
  return new CliError(
    'SW235',
    `unexpected error: ${err.name && err.name !== 'Error' ? `${err.name}: ` : ''}${first}`,
    'rerun with --verbose (or SLIPWAY_DEBUG=1) for the stack',
    { cause: err },
  );
}

/** The error object `--json` prints on stdout: `{"error": {"code", "message", "fix", "path", ...}}`. */
export function errorJson(error: CliError): { error: Record<string, unknown> } {
  const { path, line, column, errors } = error.details;
  return {
    error: {
      code: error.code,
      title: CLI_ERRORS[error.code].title,
      message: error.message,
      fix: error.next ?? CLI_ERRORS[error.code].solve,
      path: path ?? null,
      exit: error.exitCode,
      ...(line === undefined ? {} : { line, column }),
      ...(errors === undefined ? {} : { errors }),
    },
  };
}

/**
 * Prints a failure: the one human line on stderr (with the stack first under --verbose), and
 * with --json the same error as a JSON object on stdout.
 */
export function reportFailure(io: Io, error: CliError, options: { json: boolean; verbose: boolean }): void {
  let cause = error.details.cause;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (options.verbose && cause instanceof Error && cause.stack) io.err(`${cause.stack}\n`);
  io.err(`${formatCliError(error)}\n`);
  if (options.json) io.out(`${JSON.stringify(errorJson(error), null, 2)}\n`);
}
