import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import type { LoadResult, StartSample } from './measure.ts';
import {
  CONNECTIONS,
  DURATION,
  LOAD_CPU,
  MIB_PER_MB,
  PIN,
  ROUNDS,
  repo,
  SERVER_CPU,
  TARGETS,
  WARMUP,
} from './settings.ts';
import { fmt, median, pct, range } from './stats.ts';

// The results block of docs/performance.md, from one run's measurements.

export type Name = 'service' | 'raw';
export type Endpoint = 'health' | 'item';

/** Everything one run measured. */
export interface Measurements {
  readonly starts: StartSample[];
  readonly startsMigrating: StartSample[];
  readonly rawStarts: StartSample[];
  readonly bareNode: number[];
  readonly idleRss: Record<Name, number>;
  readonly afterRss: Record<Name, number>;
  readonly rounds: { order: Name[]; results: Record<Endpoint, Record<Name, LoadResult>> }[];
  readonly bundleBytes: number;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
}

const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
const ms = (n: number) => `${fmt(n)} ms`;
const mib = (n: number) => `${fmt(n, 1)} MiB`;
const rps = (n: number) => fmt(n);

/** Per-round values of one measure, and the service/raw ratios per round. */
function series(m: Measurements) {
  const of = (endpoint: Endpoint, name: Name, key: keyof LoadResult) =>
    m.rounds.map((r) => r.results[endpoint][name][key]);
  const ratios = (endpoint: Endpoint, key: 'requestsPerSecond' | 'latencyP99Ms') =>
    m.rounds.map((r) => r.results[endpoint].service[key] / r.results[endpoint].raw[key]);
  const peakRss = (name: Name) =>
    Math.max(...(['health', 'item'] as const).flatMap((e) => of(e, name, 'peakRssMiB')));
  return { of, ratios, peakRss };
}

/** Throughput, p99 and server CPU of one endpoint: three table rows. */
function endpointRows(m: Measurements, endpoint: Endpoint, label: string, target: string): string[] {
  const { of, ratios } = series(m);
  const rpsRatios = ratios(endpoint, 'requestsPerSecond');
  const p99Ratios = ratios(endpoint, 'latencyP99Ms');
  const cpuRatios = m.rounds.map(
    (r) => r.results[endpoint].raw.serverCpuUsPerRequest / r.results[endpoint].service.serverCpuUsPerRequest,
  );
  return [
    `| \`GET ${label}\` requests/s | ${rps(median(of(endpoint, 'service', 'requestsPerSecond')))} | ${rps(median(of(endpoint, 'raw', 'requestsPerSecond')))} | ${pct(median(rpsRatios))} (rounds: ${range(rpsRatios, pct)}) | ${target} |`,
    `| \`GET ${label}\` p99 latency (p50) | ${ms(median(of(endpoint, 'service', 'latencyP99Ms')))} (${ms(median(of(endpoint, 'service', 'latencyP50Ms')))}) | ${ms(median(of(endpoint, 'raw', 'latencyP99Ms')))} (${ms(median(of(endpoint, 'raw', 'latencyP50Ms')))}) | ${Number.isFinite(median(p99Ratios)) ? `${fmt(median(p99Ratios), 2)} ×` : '–'} | |`,
    `| \`GET ${label}\` server CPU per request (cores busy) | ${fmt(median(of(endpoint, 'service', 'serverCpuUsPerRequest')), 1)} µs (${fmt(median(of(endpoint, 'service', 'serverCpuCores')), 2)}) | ${fmt(median(of(endpoint, 'raw', 'serverCpuUsPerRequest')), 1)} µs (${fmt(median(of(endpoint, 'raw', 'serverCpuCores')), 2)}) | raw / service: ${pct(median(cpuRatios))} | |`,
  ];
}

/** The run's date, machine, load, pinning, settings and the service's commit and bundle size. */
function runLine(m: Measurements): string {
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repo }).toString().trim();
    } catch {
      return '';
    }
  };
  const commit = git('rev-parse', '--short', 'HEAD') || 'unknown';
  const appDirty = git('status', '--porcelain', '--', 'app') !== '';
  const cpuModel = cpus()[0]?.model.trim() ?? 'CPU';
  return (
    `Run ${date} UTC on ${cpus().length} × ${cpuModel}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL on 127.0.0.1:5432. ` +
    `Load average (1 min) ${fmt(m.loadBefore[0] ?? 0, 2)} at the start, ${fmt(m.loadAfter[0] ?? 0, 2)} at the end. ` +
    `${PIN ? `Servers pinned to CPU ${SERVER_CPU}, autocannon to CPU ${LOAD_CPU} (taskset).` : 'Not pinned.'} ` +
    `${ROUNDS} rounds; each load: ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s measured. ` +
    `Service: commit ${commit}${appDirty ? ' with uncommitted changes in app/' : ''}, bundle ${fmt(m.bundleBytes / 1024)} KiB (all chunks, including those loaded on demand).`
  );
}

/** Start-up rows: to the first `/ready`, its phases, its CPU time, with migrations, bare node. */
function startRows(m: Measurements): string[] {
  const { starts, rawStarts, startsMigrating, bareNode } = m;
  const startMedian = median(starts.map((s) => s.readyMs));
  const phase = (samples: StartSample[], key: 'firstLogMs' | 'listeningMs') =>
    median(samples.map((s) => s[key] ?? Number.NaN));
  return [
    `| start → first \`/ready\` 200, median of ${starts.length} (min–max) | ${ms(startMedian)} (${range(
      starts.map((s) => s.readyMs),
      ms,
    )}) | ${ms(median(rawStarts.map((s) => s.readyMs)))} (${range(
      rawStarts.map((s) => s.readyMs),
      ms,
    )}) | | ≤ 300 ms: ${verdict(startMedian <= TARGETS.startMs)} |`,
    `| … of which spawn → first log line (Node boot, bundle loaded, config read) | ${ms(phase(starts, 'firstLogMs'))} | | | |`,
    `| … of which spawn → "listening on" (app built, port bound) | ${ms(phase(starts, 'listeningMs'))} | | | |`,
    `| … CPU time the process used from spawn to \`/ready\` 200, median (min–max) | ${ms(median(starts.map((s) => s.cpuMs)))} (${range(
      starts.map((s) => s.cpuMs),
      ms,
    )}) | ${ms(median(rawStarts.map((s) => s.cpuMs)))} (${range(
      rawStarts.map((s) => s.cpuMs),
      ms,
    )}) | | |`,
    `| start → first \`/ready\` 200 with \`MIGRATE_ON_START=true\` (nothing to apply), median of ${startsMigrating.length} | ${ms(median(startsMigrating.map((s) => s.readyMs)))} | | | |`,
    `| bare \`node -e 0\`, spawn → exit, median of ${bareNode.length} | ${ms(median(bareNode))} | | | |`,
  ];
}

/** RSS rows: idle, peak under load, idle after the load. */
function rssRows(m: Measurements): string[] {
  const { peakRss } = series(m);
  const { idleRss, afterRss } = m;
  return [
    `| idle RSS (after start-up and a few requests) | ${mib(idleRss.service)} | ${mib(idleRss.raw)} | | ≤ 80 MB (${fmt(TARGETS.idleRssMB * MIB_PER_MB, 1)} MiB): ${verdict(idleRss.service <= TARGETS.idleRssMB * MIB_PER_MB)} |`,
    `| peak RSS under load (sampled every 100 ms, all rounds) | ${mib(peakRss('service'))} | ${mib(peakRss('raw'))} | | ≤ 150 MB (${fmt(TARGETS.loadRssMB * MIB_PER_MB, 1)} MiB): ${verdict(peakRss('service') <= TARGETS.loadRssMB * MIB_PER_MB)} |`,
    `| idle RSS 5 s after the last load | ${mib(afterRss.service)} | ${mib(afterRss.raw)} | | |`,
  ];
}

/** One row per round, and the load generator's CPU. */
function roundRows(m: Measurements): string[] {
  return [
    'Rounds (requests/s; the server loaded first in each pair is listed first):',
    '',
    '| round | order | `/health` service | `/health` raw | ratio | item service | item raw | ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...m.rounds.map((r, i) => {
      const h = r.results.health;
      const it = r.results.item;
      return `| ${i + 1} | ${r.order.join(', ')} | ${rps(h.service.requestsPerSecond)} | ${rps(h.raw.requestsPerSecond)} | ${pct(h.service.requestsPerSecond / h.raw.requestsPerSecond)} | ${rps(it.service.requestsPerSecond)} | ${rps(it.raw.requestsPerSecond)} | ${pct(it.service.requestsPerSecond / it.raw.requestsPerSecond)} |`;
    }),
    '',
    `Load generator CPU (median over all loads): ${fmt(median(m.rounds.flatMap((r) => (['health', 'item'] as const).flatMap((e) => [r.results[e].service.loadCpuCores, r.results[e].raw.loadCpuCores]))), 2)} cores.`,
  ];
}

/** The results block, between its markers. */
export function renderReport(m: Measurements): string {
  const healthRatios = series(m).ratios('health', 'requestsPerSecond');
  return [
    '<!-- bench:start (generated by `npm run bench:service -- -- --write`; do not edit by hand) -->',
    '',
    runLine(m),
    '',
    '| measure | service (production bundle) | raw node:http | service / raw | target |',
    '|---|---|---|---|---|',
    ...endpointRows(
      m,
      'health',
      '/health',
      `≥ 70 %: ${verdict(median(healthRatios) >= TARGETS.healthRatio)}`,
    ),
    ...endpointRows(m, 'item', '/api/items/:id', ''),
    ...startRows(m),
    ...rssRows(m),
    '',
    ...roundRows(m),
    '<!-- bench:end -->',
  ].join('\n');
}
