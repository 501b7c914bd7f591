/**
 * CLI benchmark (not a test): `npm run bench:cli` from the repository root measures, in one run on
 * the machine it runs on, spawn to exit of
 *
 * - a bare `node -e 0` (the floor every ratio is taken against);
 * - `slipway --help` and `slipway --version` from the sources (Node.js stripping the types, as
 *   `npx slipway` runs in this repository) and, when `npm run build:packages` has built dist/,
 *   from the built packages;
 * - `slipway plan dev --no-cache --verbose` (nothing read from any cache: synth and every check) and
 *   `slipway plan dev --verbose` right after it (the plan cache holds the result), with each
 *   round's phases as `--verbose` prints them.
 *
 * The start-up commands alternate within a round, so a machine that gets busier slows them alike;
 * each plan round runs the uncached plan, then the cached one. The run's JSON goes to
 * bench/results/cli.json (BENCH_OUT to put it elsewhere) and the CLI section of
 * docs/performance.md is regenerated from it (scripts/docs/performance.ts), with the load average
 * (`os.loadavg()`) at the start and the end: other jobs on the machine lengthen every number.
 *
 * Environment: BENCH_ROUNDS (start-up samples of each command, default 10), BENCH_PLAN_ROUNDS
 * (default 5), BENCH_ROOT (the checkout to measure, default this one; its results then go to
 * BENCH_OUT and the page is left alone).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeCliSection } from '../scripts/docs/performance-cli.ts';
import { CLI_TARGETS, type CliResults, type PhaseSample, parsePhases } from './cli/results.ts';
import { fmt, median } from './service/stats.ts';

const here = fileURLToPath(new URL('..', import.meta.url));
const root = resolve(process.env.BENCH_ROOT ?? here);
const out = process.env.BENCH_OUT ?? join(here, 'bench', 'results', 'cli.json');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PLAN_ROUNDS = Number(process.env.BENCH_PLAN_ROUNDS ?? 5);
const log = (message: string) =>
  process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);

interface Timed {
  readonly ms: number;
  readonly stderr: string;
}

/** Spawn to exit of `node <args>` in the measured checkout; fails on an exit code not in `ok`. */
function time(args: string[], ok: readonly number[] = [0]): Promise<Timed> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.once('error', fail);
    child.once('close', (code) => {
      const ms = performance.now() - started;
      if (ok.includes(code ?? -1)) done({ ms: Number(ms.toFixed(1)), stderr });
      else fail(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
    });
  });
}

/**
 * The built CLI, when dist/ exists: dist/node_modules/@slipway/* point at the built packages so
 * their imports of each other resolve to the JavaScript (else to the workspace's TypeScript).
 */
function builtCli(): string | undefined {
  const bin = join(root, 'dist', 'cli', 'bin', 'slipway.js');
  if (!existsSync(bin)) return undefined;
  for (const pkg of ['cli', 'config', 'infra']) {
    const link = join(root, 'dist', 'node_modules', '@slipway', pkg);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(join('..', '..', pkg), link);
  }
  return bin;
}

async function startUps(bin: string, built: string | undefined) {
  const s = { bare: [] as number[], help: [] as number[], version: [] as number[] };
  const b = { help: [] as number[], version: [] as number[] };
  // One of each first, not counted: the file system cache and Node's compile cache fill.
  await Promise.all([time(['-e', '0']), time([bin, '--help']), ...(built ? [time([built, '--help'])] : [])]);
  for (let i = 0; i < ROUNDS; i++) {
    s.bare.push((await time(['-e', '0'])).ms);
    s.help.push((await time([bin, '--help'])).ms);
    s.version.push((await time([bin, '--version'])).ms);
    if (built) {
      b.help.push((await time([built, '--help'])).ms);
      b.version.push((await time([built, '--version'])).ms);
    }
  }
  return { s, b };
}

async function plans(bin: string) {
  const uncached: number[] = [];
  const cached: number[] = [];
  const phases = { uncached: [] as PhaseSample[][], cached: [] as PhaseSample[][] };
  for (let i = 0; i < PLAN_ROUNDS; i++) {
    // Exit 1 is a policy finding: the plan still ran in full.
    const cold = await time([bin, 'plan', 'dev', '--no-cache', '--verbose'], [0, 1]);
    const warm = await time([bin, 'plan', 'dev', '--verbose'], [0, 1]);
    // A source file edited between the two runs changes the key: then nothing cached was measured.
    if (!process.env.BENCH_ROOT && !/cache lookup +\S+ m?s {2}hit,/.test(warm.stderr))
      throw new Error(
        `the cached plan did not hit its cache (a source changed during the run?):\n${warm.stderr.slice(-1500)}`,
      );
    uncached.push(cold.ms);
    cached.push(warm.ms);
    phases.uncached.push(parsePhases(cold.stderr));
    phases.cached.push(parsePhases(warm.stderr));
    log(`plan round ${i + 1}/${PLAN_ROUNDS}: uncached ${fmt(cold.ms)} ms, cached ${fmt(warm.ms)} ms`);
  }
  return { uncached, cached, phases };
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: root }).toString().trim();
  } catch {
    return '';
  }
}

function cfnLint(): string | null {
  try {
    return execFileSync('cfn-lint', ['--version']).toString().trim();
  } catch {
    return null;
  }
}

async function main() {
  const start = loadavg();
  const bin = join(root, 'cli', 'bin', 'slipway.js');
  const built = builtCli();
  log(
    `start-up: ${ROUNDS} rounds${built ? ', sources and built' : ', sources only (no dist/: npm run build:packages)'}`,
  );
  const { s, b } = await startUps(bin, built);
  log(`plan dev: ${PLAN_ROUNDS} rounds, uncached then cached`);
  const p = await plans(bin);
  const round = (n: number) => Number(n.toFixed(2));
  const results: CliResults = {
    run: {
      date: new Date().toISOString(),
      commit: git('rev-parse', '--short', 'HEAD'),
      uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '',
      node: process.version,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30),
      loadAverage: { start: start.map(round), end: loadavg().map(round) },
      rounds: ROUNDS,
      planRounds: PLAN_ROUNDS,
      cfnLint: cfnLint(),
    },
    targets: CLI_TARGETS,
    samples: {
      bareNodeMs: s.bare,
      helpMs: s.help,
      versionMs: s.version,
      helpBuiltMs: built ? b.help : null,
      versionBuiltMs: built ? b.version : null,
      planUncachedMs: p.uncached,
      planCachedMs: p.cached,
    },
    phases: p.phases,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${out}`);
  const med = (v: readonly number[] | null) => (v ? `${fmt(median([...v]))} ms` : '-');
  log(
    `medians: node -e 0 ${med(s.bare)}, --help ${med(s.help)} (built ${med(built ? b.help : null)}), ` +
      `--version ${med(s.version)} (built ${med(built ? b.version : null)}), plan dev uncached ${med(p.uncached)}, cached ${med(p.cached)}`,
  );
  if (!process.env.BENCH_ROOT) {
    writeCliSection(results);
    log('regenerated the CLI section of docs/performance.md');
  }
}

await main();
