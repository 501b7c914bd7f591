import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Why a config file could not be loaded (before its content is validated):
 * - `not-found`: no file at the path, or no slipway.config.ts in the folder searched and above
 * - `directory`: the path is a folder without a slipway.config.ts in it
 * - `syntax`: the file does not parse as TypeScript (`location` says where)
 * - `threw`: the file parsed but threw when it ran (`location` says where, when the stack shows it)
 * - `missing-module`: the file imports a package or file that cannot be found (`module` names it)
 * - `not-a-module`: the file is not TypeScript or JavaScript (a `.json` or `.yaml` file, say)
 * The CLI turns each into its own SW2xx code (cli/src/config-errors.ts).
 */
export type ConfigLoadProblem =
  | 'not-found'
  | 'directory'
  | 'syntax'
  | 'threw'
  | 'missing-module'
  | 'not-a-module';

/** The extensions a config module may have. */
export const MODULE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/** A place in the config file; `line` and `column` count from 1. */
export interface SourceLocation {
  readonly line: number;
  readonly column: number;
  /** The text of that line, to show under a caret. */
  readonly lineText: string;
}

export class ConfigLoadError extends Error {
  readonly problem: ConfigLoadProblem;
  /** The file (or folder) that was looked at. */
  readonly file: string;
  /** What went wrong, without the file name (e.g. `Unexpected ","`). */
  readonly detail: string;

  constructor(
    problem: ConfigLoadProblem,
    file: string,
    detail: string,
    more: { location?: SourceLocation; module?: string; cause?: unknown } = {},
  ) {
    const where = more.location ? `${file}:${more.location.line}:${more.location.column}` : file;
    super(`${where}: ${detail}`, { cause: more.cause });
    this.problem = problem;
    this.file = file;
    this.detail = detail;
    this.name = 'ConfigLoadError';
    this.location = more.location;
    this.module = more.module;
  }

  readonly location: SourceLocation | undefined;
  /** The missing package or file (`missing-module`). */
  readonly module: string | undefined;
}

/** The esbuild loader for a config file's extension (TypeScript unless it is plain JavaScript). */
function loaderFor(file: string): 'ts' | 'js' {
  return ['.js', '.mjs', '.cjs'].includes(extname(file)) ? 'js' : 'ts';
}

/**
 * Parses the file with esbuild (what tsx runs it through) so a syntax error is reported with its
 * line and column whatever loader then imports the file. Returns nothing when the file parses.
 */
export async function syntaxError(file: string): Promise<ConfigLoadError | undefined> {
  const source = readFileSync(file, 'utf8');
  const { transform } = await import('esbuild');
  try {
    await transform(source, { loader: loaderFor(file), sourcefile: file, logLevel: 'silent' });
    return undefined;
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: Record<string, unknown> | null }[] })
      .errors?.[0];
    if (!first) return new ConfigLoadError('syntax', file, (error as Error).message, { cause: error });
    const loc = first.location as { line: number; column: number; lineText: string } | null | undefined;
    const location = loc ? { line: loc.line, column: loc.column + 1, lineText: loc.lineText } : undefined;
    return new ConfigLoadError('syntax', file, first.text, { location, cause: error });
  }
}

/** Classifies an error thrown while importing the config: a missing import, or the file's own throw. */
export function importError(file: string, error: unknown): ConfigLoadError {
  const err = error as NodeJS.ErrnoException & { url?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') {
    const named = /Cannot find (?:module|package) '([^']+)'/.exec(err.message)?.[1] ?? err.url ?? '';
    const module = named.startsWith('file:') ? fileURLToPath(named) : named;
    return new ConfigLoadError(
      'missing-module',
      file,
      `imports ${module || 'a module'}, which cannot be found`,
      { module, cause: error },
    );
  }
  const message = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
  return new ConfigLoadError('threw', file, `threw ${message}`, {
    location: throwLocation(file, error),
    cause: error,
  });
}

/** The line of the config file a stack trace points at (source-mapped by tsx or Vite), if any. */
function throwLocation(file: string, error: unknown): SourceLocation | undefined {
  const stack = (error as Error)?.stack ?? '';
  for (const line of stack.split('\n')) {
    const at = line.indexOf(file);
    if (at < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(at + file.length));
    if (!m) continue;
    const lineNumber = Number(m[1]);
    const lineText = readFileSync(file, 'utf8').split(/\r?\n/)[lineNumber - 1] ?? '';
    return { line: lineNumber, column: Number(m[2]), lineText };
  }
  return undefined;
}

/**
 * The line and a caret under the column, as compilers print them:
 * ```
 *   3 |   b: ,
 *     |      ^
 * ```
 */
export function codeFrame(location: SourceLocation): string {
  const number = String(location.line);
  const gutter = ' '.repeat(number.length);
  const text = location.lineText.replace(/\t/g, ' ');
  return `  ${number} | ${text}\n  ${gutter} | ${' '.repeat(Math.max(0, location.column - 1))}^\n`;
}
