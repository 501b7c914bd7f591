import { styleText } from 'node:util';
import type { Ora } from 'ora';

/** Where a command writes: results to `out` (stdout), progress and warnings to `err` (stderr). */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Whether a person is at the terminal (prompts are allowed). */
  readonly interactive: boolean;
  /** Asks a question on the terminal and returns the answer (only when `interactive`). */
  readonly ask: (question: string) => Promise<string>;
  readonly progress: Progress;
}

/**
 * The progress display of long work (synth, checks, deploys): an ora spinner on stderr, so
 * stdout stays machine-readable under `--json`. Off a TTY it prints one line per finished step.
 */
export interface Progress {
  start(text: string): void;
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  warn(text: string): void;
  info(text: string): void;
  stop(): void;
}

/**
 * Whether to colour what goes to `stream`: never with NO_COLOR set; always with FORCE_COLOR set
 * (other than 0 or false); otherwise only on a terminal that has colours. ora's symbols decide
 * this from TERM alone, so they coloured output sent to a file or a pipe; the symbols are drawn
 * here instead.
 */
export function colorEnabled(
  stream: NodeJS.WriteStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return !['0', 'false'].includes(env.FORCE_COLOR);
  return stream.isTTY === true && stream.hasColors?.() === true;
}

const SYMBOLS = {
  succeed: ['green', '✔'],
  fail: ['red', '✖'],
  warn: ['yellow', '⚠'],
  info: ['blue', 'ℹ'],
} as const;

let ora: typeof import('ora').default | undefined;

/**
 * Loads the spinner library (ora and what it pulls in). Commands run only after it (main's `run`
 * wrapper calls it), so `--help`, `--version` and argument errors never pay for it.
 */
export async function loadProgressLibrary(): Promise<void> {
  ora ??= (await import('ora')).default;
}

export function oraProgress(options: { silent?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const color = colorEnabled(stream);
  let spinner: Ora | undefined;
  // A step is open between start and its end; off a terminal its text changes print nothing.
  let open = false;
  const make = () => {
    if (!ora)
      throw new Error('oraProgress: loadProgressLibrary() must run before a command reports progress');
    spinner ??= ora({
      stream,
      isSilent: options.silent === true,
      discardStdin: false,
      color: color ? 'cyan' : false,
    });
    return spinner;
  };
  const persist = (kind: keyof typeof SYMBOLS, text?: string) => {
    const [hue, symbol] = SYMBOLS[kind];
    make().stopAndPersist({
      symbol: color ? styleText(hue, symbol, { validateStream: false }) : symbol,
      text,
    });
    open = false;
  };
  return {
    start: (text) => {
      make().start(text);
      open = true;
    },
    update: (text) => {
      const s = make();
      if (s.isSpinning || open) s.text = text;
      else s.start(text);
      open = true;
    },
    succeed: (text) => persist('succeed', text),
    fail: (text) => persist('fail', text),
    warn: (text) => persist('warn', text),
    info: (text) => persist('info', text),
    stop: () => {
      spinner?.stop();
      open = false;
    },
  };
}

/** A progress display that records what it was told (tests), or says nothing. */
export function recordingProgress(log: string[] = []): Progress {
  return {
    start: (t) => log.push(`start ${t}`),
    update: (t) => log.push(`update ${t}`),
    succeed: (t) => log.push(`succeed ${t ?? ''}`),
    fail: (t) => log.push(`fail ${t ?? ''}`),
    warn: (t) => log.push(`warn ${t}`),
    info: (t) => log.push(`info ${t}`),
    stop: () => log.push('stop'),
  };
}

/** An Io that captures output, for tests. */
export function captureIo(answers: string[] = [], interactive = false) {
  const out: string[] = [];
  const err: string[] = [];
  const progressLog: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    interactive,
    ask: async () => answers.shift() ?? '',
    progress: recordingProgress(progressLog),
  };
  return { io, out, err, progressLog, stdout: () => out.join(''), stderr: () => err.join('') };
}
