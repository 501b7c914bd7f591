import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TASK_MEMORY_MIB } from '../../config/src/fargate.ts';

// The benchmark's settings (environment variables, see bench/service.ts) and the CPU pinning.
export const repo = fileURLToPath(new URL('../..', import.meta.url));
export const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Ten short rounds rather than five long ones in the same time: each round's ratio compares two loads
// measured back to back, and a burst of another tenant's work that hits one of them moves that
// round only; the median of ten such ratios moves less than the median of five.
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
export const DURATION = Number(process.env.BENCH_DURATION ?? 5);
export const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const STARTS = Number(process.env.BENCH_STARTS ?? 10);
/**
 * The servers' memory limit in MiB, as an ECS task's container has one (bench/service/memory-limit.ts);
 * 0 runs them without. @default the config's default task memory
 */
export const MEMORY_MIB = Number(process.env.BENCH_MEMORY_MIB ?? DEFAULT_TASK_MEMORY_MIB);
export const WRITE = process.argv.includes('--write') || process.env.BENCH_WRITE === '1';

/**
 * The targets docs/performance.md marks as met or missed: service/raw throughput of each route, spawn
 * to the first `/ready` 200, RSS. RSS targets are in MB (10^6 bytes); RSS is measured in MiB.
 */
export const TARGETS = { throughputRatio: 0.85, startMs: 150, idleRssMB: 80, loadRssMB: 150 };
/** Where `--write` puts the run's JSON. */
export const RESULTS_FILE = join(repo, 'bench', 'results', 'service.json');

export const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return cpus().length >= 2;
  } catch {
    return false;
  }
}
export const PIN = hasTaskset();
export const SERVER_CPU = 0;
export const LOAD_CPU = 1;
