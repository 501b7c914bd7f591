import type { SlipwayConfig } from '@slipway/config';
import type { ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';

/** What every command registration needs from `main`. */
export interface CommandContext {
  readonly io: Io;
  /** Loads the config named by `--config` (or the default), reporting errors on `io.err`. */
  readonly config: () => Promise<SlipwayConfig>;
  /** Wraps a command's action so its exit code becomes `main`'s. */
  readonly run: (fn: (...args: never[]) => Promise<ExitCode>) => (...args: unknown[]) => Promise<void>;
}
