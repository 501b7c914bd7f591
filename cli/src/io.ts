import ora, { type Ora } from 'ora';

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

export function oraProgress(options: { silent?: boolean } = {}): Progress {
  let spinner: Ora | undefined;
  const make = () => {
    spinner ??= ora({ stream: process.stderr, isSilent: options.silent === true, discardStdin: false });
    return spinner;
  };
  return {
    start: (text) => {
      make().start(text);
    },
    update: (text) => {
      const s = make();
      if (s.isSpinning) s.text = text;
      else s.start(text);
    },
    succeed: (text) => {
      make().succeed(text);
    },
    fail: (text) => {
      make().fail(text);
    },
    warn: (text) => {
      make().warn(text);
    },
    info: (text) => {
      make().info(text);
    },
    stop: () => {
      spinner?.stop();
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
