// One CLI benchmark run's measurements as JSON (bench/results/cli.json): what
// scripts/docs/performance-cli.ts turns into the CLI section of docs/performance.md. Raw samples
// only; every median, spread, ratio and verdict is computed from them by the page's generator.

/** One line of `plan --verbose`: a phase, its nesting and its time. */
export interface PhaseSample {
  readonly name: string;
  readonly depth: number;
  readonly ms: number;
}

export interface CliResults {
  readonly run: {
    /** ISO 8601, UTC, when the run ended. */
    readonly date: string;
    readonly commit: string;
    /** Whether the working tree had uncommitted changes (the numbers are then not those of `commit`). */
    readonly uncommittedChanges: boolean;
    readonly node: string;
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    /** `os.loadavg()` (1, 5 and 15 minutes) at the start and at the end of the run. */
    readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
    /** Samples of each start-up command, and of each plan variant. */
    readonly rounds: number;
    readonly planRounds: number;
    /** cfn-lint's version, or null when it is not installed (plan then skips it). */
    readonly cfnLint: string | null;
  };
  /** What the page's verdicts compare against. */
  readonly targets: {
    /** `--help` and `--version`, median, at most this many times bare Node's median. */
    readonly startRatio: number;
    /** `plan dev` with no cache (`--no-cache`), median, at most this many seconds. */
    readonly planUncachedSeconds: number;
    /** `plan dev` with its cache, median, at most this many seconds. */
    readonly planCachedSeconds: number;
  };
  /** Spawn to exit, milliseconds, one entry per round. Built: null when dist/ was not built. */
  readonly samples: {
    readonly bareNodeMs: readonly number[];
    readonly helpMs: readonly number[];
    readonly versionMs: readonly number[];
    readonly helpBuiltMs: readonly number[] | null;
    readonly versionBuiltMs: readonly number[] | null;
    readonly planUncachedMs: readonly number[];
    readonly planCachedMs: readonly number[];
  };
  /** Each plan round's `--verbose` phases. */
  readonly phases: {
    readonly uncached: readonly (readonly PhaseSample[])[];
    readonly cached: readonly (readonly PhaseSample[])[];
  };
}

/** The targets: `--help`/`--version` within 3 × a bare Node start, plan 8 s uncached and 2 s cached. */
export const CLI_TARGETS: CliResults['targets'] = {
  startRatio: 3,
  planUncachedSeconds: 8,
  planCachedSeconds: 2,
};

/** The phase lines of `plan --verbose`'s stderr (after "Where plan spent its time:"). */
export function parsePhases(stderr: string): PhaseSample[] {
  const start = stderr.indexOf('Where plan spent its time:');
  if (start < 0) return [];
  const phases: PhaseSample[] = [];
  for (const line of stderr.slice(start).split('\n').slice(1)) {
    const m = /^( +)(\S.*?) +(\d+(?:\.\d+)?) (s|ms)(?: {2}.*)?$/.exec(line);
    if (!m) break;
    const [, indent = '', name = '', value = '0', unit] = m;
    phases.push({ name, depth: indent.length / 2 - 1, ms: Number(value) * (unit === 's' ? 1000 : 1) });
  }
  return phases;
}
