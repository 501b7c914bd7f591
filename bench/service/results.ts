import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { LoadResult, StartSample } from './measure.ts';
import {
  CONNECTIONS,
  DURATION,
  LOAD_CPU,
  PIN,
  ROUNDS,
  repo,
  SERVER_CPU,
  TARGETS,
  WARMUP,
} from './settings.ts';

// One run's measurements as JSON (bench/results/service.json): what scripts/docs/performance.ts
// turns into the service section of docs/performance.md. Raw per-round and per-sample values only;
// every median, range, ratio and verdict is computed from them by the page's generator.

export type Name = 'service' | 'raw';
export type Endpoint = 'health' | 'item';

/** One measured load of one server. */
export interface LoadSample {
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Server CPU time per completed request, microseconds. */
  readonly cpuUsPerRequest: number;
  /** Server CPU used during the measured run, in cores (1.0 = all of its CPU). */
  readonly cpuCores: number;
  /** The load generator's own CPU, in cores. */
  readonly loadGeneratorCores: number;
  /** Highest RSS of the server during this load, MiB. */
  readonly peakRssMiB: number;
}

export interface Round {
  /** Which server was loaded first in each pair. */
  readonly order: readonly Name[];
  readonly results: Record<Endpoint, Record<Name, LoadSample>>;
}

export interface ServiceResults {
  readonly run: {
    /** ISO 8601, UTC, when the run ended. */
    readonly date: string;
    readonly commit: string;
    /** Whether app/ or bench/ had uncommitted changes (the numbers are then not those of `commit`). */
    readonly uncommittedChanges: boolean;
    readonly node: string;
    readonly cpuModel: string;
    readonly cores: number;
    readonly memoryGiB: number;
    /** 1-minute load average at the start and at the end of the run. */
    readonly loadAverage: { readonly start: number; readonly end: number };
    /** Servers on CPU `serverCpu`, load generator on `loadCpu` (taskset); null: not pinned. */
    readonly pinning: { readonly serverCpu: number; readonly loadCpu: number } | null;
    readonly rounds: number;
    readonly connections: number;
    readonly warmupSeconds: number;
    readonly durationSeconds: number;
    /** The servers' memory limit (bench/service/memory-limit.ts); null: none could be set. Absent in older runs. */
    readonly memoryLimit?: { readonly mib: number; readonly kind: string } | null;
    /** NODE_OPTIONS every Node process of the run had: the image's. Absent in older runs. */
    readonly nodeOptions?: string;
  };
  /** What the page's verdicts compare against. */
  readonly targets: {
    /** Service/raw requests per second, median over rounds, at least this (each route). */
    readonly throughputRatio: number;
    /** Spawn to the first `/ready` 200, median, at most this. */
    readonly startMs: number;
    /** RSS, idle and peak under load, at most this many MB (10^6 bytes). */
    readonly idleRssMB: number;
    readonly loadRssMB: number;
  };
  readonly bundle: { readonly bytes: number; readonly startupBytes: number };
  readonly rounds: readonly Round[];
  readonly starts: {
    readonly service: readonly StartSample[];
    /** The service with MIGRATE_ON_START=true and nothing to apply. */
    readonly serviceMigrating: readonly StartSample[];
    readonly raw: readonly StartSample[];
    /** `node -e 0`, spawn to exit, ms. */
    readonly bareNodeMs: readonly number[];
  };
  /** RSS in MiB: after start-up and a few requests, and 5 s after the last load. */
  readonly rss: {
    readonly idle: Record<Name, number>;
    readonly afterLoad: Record<Name, number>;
  };
}

/** Everything one run measured (bench/service.ts). */
export interface Measurements {
  readonly starts: StartSample[];
  readonly startsMigrating: StartSample[];
  readonly rawStarts: StartSample[];
  readonly bareNode: number[];
  readonly idleRss: Record<Name, number>;
  readonly afterRss: Record<Name, number>;
  readonly rounds: { order: Name[]; results: Record<Endpoint, Record<Name, LoadResult>> }[];
  readonly bundle: { bytes: number; startupBytes: number };
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly memoryLimit: { mib: number; kind: string } | null;
  readonly nodeOptions: string;
}

function git(...args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: repo }).toString().trim();
  } catch {
    return '';
  }
}

const round = (n: number, digits: number) => Number(n.toFixed(digits));

function sample(r: LoadResult): LoadSample {
  return {
    requestsPerSecond: round(r.requestsPerSecond, 1),
    latencyP50Ms: r.latencyP50Ms,
    latencyP99Ms: r.latencyP99Ms,
    cpuUsPerRequest: round(r.serverCpuUsPerRequest, 2),
    cpuCores: round(r.serverCpuCores, 3),
    loadGeneratorCores: round(r.loadCpuCores, 3),
    peakRssMiB: round(r.peakRssMiB, 1),
  };
}

const startSample = (s: StartSample): StartSample => ({
  readyMs: round(s.readyMs, 1),
  cpuMs: round(s.cpuMs, 1),
  ...(s.firstLogMs === undefined ? {} : { firstLogMs: round(s.firstLogMs, 1) }),
  ...(s.listeningMs === undefined ? {} : { listeningMs: round(s.listeningMs, 1) }),
});

/** The run's JSON: its measurements, the machine, the settings and the targets. */
export function toResults(m: Measurements, date = new Date()): ServiceResults {
  const pair = (r: Record<Name, LoadResult>) => ({ service: sample(r.service), raw: sample(r.raw) });
  return {
    run: {
      date: date.toISOString(),
      commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
      uncommittedChanges: git('status', '--porcelain', '--', 'app', 'bench') !== '',
      node: process.version,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      memoryGiB: round(totalmem() / 2 ** 30, 1),
      loadAverage: { start: round(m.loadBefore[0] ?? 0, 2), end: round(m.loadAfter[0] ?? 0, 2) },
      pinning: PIN ? { serverCpu: SERVER_CPU, loadCpu: LOAD_CPU } : null,
      rounds: ROUNDS,
      connections: CONNECTIONS,
      warmupSeconds: WARMUP,
      durationSeconds: DURATION,
      memoryLimit: m.memoryLimit,
      nodeOptions: m.nodeOptions,
    },
    targets: { ...TARGETS },
    bundle: m.bundle,
    rounds: m.rounds.map((r) => ({
      order: r.order,
      results: { health: pair(r.results.health), item: pair(r.results.item) },
    })),
    starts: {
      service: m.starts.map(startSample),
      serviceMigrating: m.startsMigrating.map(startSample),
      raw: m.rawStarts.map(startSample),
      bareNodeMs: m.bareNode.map((n) => round(n, 1)),
    },
    rss: {
      idle: { service: round(m.idleRss.service, 1), raw: round(m.idleRss.raw, 1) },
      afterLoad: { service: round(m.afterRss.service, 1), raw: round(m.afterRss.raw, 1) },
    },
  };
}
