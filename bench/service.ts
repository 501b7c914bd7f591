/**
 * Service benchmark (not a test): `npm run bench:service` from the repository root; add `-- -- --write`
 * (or BENCH_WRITE=1) to replace the results block of docs/performance.md with this run's numbers.
 *
 * In one run, on the machine running it, against the real PostgreSQL (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, in a schema of its own that is dropped afterwards):
 *
 * - start-up: process spawn to the first `GET /ready` 200, production bundle, migrations already
 *   applied, MIGRATE_ON_START=false as on ECS (and, for information, =true), split into phases read
 *   from the service's own log lines; with, as floors, the raw server's spawn to its first `/ready`
 *   200 and a bare `node -e 0`;
 * - throughput and p99 latency of `GET /health` and `GET /api/items/:id`, for the production bundle
 *   and for a bare node:http server answering the same JSON (bench/raw-server.ts, bundled the same
 *   way), in alternating rounds; medians over rounds, and the ratio service/raw of each round;
 * - RSS: idle (after start-up and a few requests), the peak under load, and idle again after the load.
 *
 * Both servers run side by side for the whole load phase (the idle one costs nothing) and get the same
 * load from the same generator (autocannon in its own process, bench/load.ts). Each round loads
 * /health on both, then the item on both; the order within a pair alternates from round to round, so
 * neither server is always first when the machine gets busier or quieter. With 2 or more CPUs and
 * `taskset`, the servers are pinned to CPU 0, the load generator and this process to CPU 1;
 * PostgreSQL is not pinned.
 *
 * Environment: BENCH_ROUNDS (default 5), BENCH_DURATION (measured seconds per load, default 10),
 * BENCH_WARMUP (seconds of warm-up load before each, default 2), BENCH_CONNECTIONS (default 50),
 * BENCH_STARTS (start-up samples, default 10).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { build } from 'esbuild';
import pg from 'pg';
import { bundle } from '../app/scripts/build.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const WRITE = process.argv.includes('--write') || process.env.BENCH_WRITE === '1';

/** The issue's targets. RSS targets are in MB (10^6 bytes); RSS is reported in MiB. */
const TARGETS = { healthRatio: 0.7, startMs: 300, idleRssMB: 80, loadRssMB: 150 };
const MIB_PER_MB = 1e6 / 2 ** 20;

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return cpus().length >= 2;
  } catch {
    return false;
  }
}
const PIN = hasTaskset();
const SERVER_CPU = 0;
const LOAD_CPU = 1;

/** Spawns `node <args>`, pinned to `cpu` when pinning is available (`taskset` execs: the pid is node's). */
function spawnNode(
  args: string[],
  env: Record<string, string>,
  cpu: number,
  stdout: 'pipe' | 'ignore' = 'pipe',
): ChildProcess {
  const command = PIN ? 'taskset' : process.execPath;
  const argv = PIN ? ['-c', String(cpu), process.execPath, ...args] : args;
  const child = spawn(command, argv, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

/** Calls `onLine` with each complete stdout line of `child`. */
function onStdoutLine(child: ChildProcess, onLine: (line: string) => void): void {
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      onLine(pending.slice(0, newline));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
    }
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** One GET on a fresh connection; resolves with the status and body, or status 0 when nothing answers. */
function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

/** Polls `path` (fresh connection each time, 1 ms apart) until it answers 200. */
async function waitFor(port: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await get(port, path)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`127.0.0.1:${port}${path} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident set size of a process, MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) a process has used so far, seconds. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm) ": state is the first; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (ratio: number) => `${fmt(ratio * 100)} %`;
const range = (values: number[], f: (n: number) => string) =>
  `${f(Math.min(...values))}–${f(Math.max(...values))}`;

interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  loadCpuCores: number;
  /** CPU the server used during the measured run, in cores (1.0 = all of its CPU). */
  serverCpuCores: number;
  /** Server CPU time per completed request during the measured run, microseconds. */
  serverCpuUsPerRequest: number;
  /** Highest RSS of the server sampled every 100 ms from the start of the warm-up to the end. */
  peakRssMiB: number;
}

/** One load (warm-up, then the measured run) against `url`, served by process `serverPid`. */
async function load(url: string, serverPid: number): Promise<LoadResult> {
  const child = spawnNode(
    [
      '--import',
      'tsx',
      'bench/load.ts',
      JSON.stringify({ url, connections: CONNECTIONS, duration: DURATION, warmupSeconds: WARMUP }),
    ],
    {},
    LOAD_CPU,
  );
  let peak = await rssMiB(serverPid);
  const sampler = setInterval(() => {
    void rssMiB(serverPid).then((v) => {
      peak = Math.max(peak, v);
    });
  }, 100);
  let measuringFrom: { cpu: number; at: number } | undefined;
  let cpuDuring = { cores: 0, seconds: 0 };
  let summary: Omit<LoadResult, 'serverCpuCores' | 'serverCpuUsPerRequest' | 'peakRssMiB'> | undefined;
  const reads: Promise<void>[] = [];
  onStdoutLine(child, (line) => {
    const message = JSON.parse(line) as { phase?: string };
    if (message.phase === 'measuring') {
      reads.push(
        cpuSeconds(serverPid).then((cpu) => {
          measuringFrom = { cpu, at: performance.now() };
        }),
      );
    } else {
      reads.push(
        cpuSeconds(serverPid).then((cpu) => {
          if (measuringFrom) {
            const seconds = cpu - measuringFrom.cpu;
            cpuDuring = { seconds, cores: seconds / ((performance.now() - measuringFrom.at) / 1000) };
          }
        }),
      );
      summary = message as typeof summary;
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearInterval(sampler);
  await Promise.all(reads);
  if (code !== 0 || !summary) throw new Error(`load generator exited ${code}`);
  if (summary.non2xx > 0 || summary.errors > 0 || summary.timeouts > 0) {
    throw new Error(
      `${url}: ${summary.non2xx} non-2xx, ${summary.errors} errors, ${summary.timeouts} timeouts`,
    );
  }
  return {
    ...summary,
    serverCpuCores: cpuDuring.cores,
    serverCpuUsPerRequest: (cpuDuring.seconds / summary.total) * 1e6,
    peakRssMiB: peak,
  };
}

/** Bundles bench/raw-server.ts like the service (esbuild, ESM, pg bundled) so both run as plain JS. */
async function bundleRawServer(outdir: string): Promise<string> {
  await build({
    absWorkingDir: repo,
    entryPoints: { 'raw-server': 'bench/raw-server.ts' },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    external: ['pg-native'],
    // The same as app/scripts/build.ts: pg's `navigator`/`Response` probe would load Node's undici at start.
    define: { navigator: 'undefined', Response: 'undefined' },
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
  });
  return join(outdir, 'raw-server.mjs');
}

interface StartSample {
  /** Spawn to the first `/ready` 200. */
  readyMs: number;
  /**
   * CPU time (all threads) the process used from spawn to the first `/ready` 200: on a pinned process,
   * about what the start-up takes when it has its CPU to itself, less its waits for PostgreSQL.
   */
  cpuMs: number;
  /** Spawn to the service's first log line ("using database server"): Node's boot, loading the bundle, reading the config. */
  firstLogMs?: number;
  /** Spawn to the "listening on" line: plus the app built (plugins, routes, schemas compiled) and the port bound. */
  listeningMs?: number;
}

async function startOnce(
  args: (port: number) => string[],
  env: Record<string, string>,
): Promise<StartSample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawnNode(args(port), { ...env, PORT: String(port) }, SERVER_CPU);
  const sample: Partial<StartSample> = {};
  onStdoutLine(child, (line) => {
    const at = performance.now() - started;
    sample.firstLogMs ??= at;
    if (line.includes('"msg":"listening on')) sample.listeningMs ??= at;
  });
  try {
    await waitFor(port, '/ready');
    const readyMs = performance.now() - started;
    return { ...sample, readyMs, cpuMs: (await cpuSeconds(child.pid as number)) * 1000 };
  } finally {
    await stop(child);
  }
}

/** Spawn to exit of `node -e 0`, pinned like the servers: the floor under any start-up. */
async function bareNodeMs(): Promise<number> {
  const started = performance.now();
  const child = spawnNode(['-e', '0'], {}, SERVER_CPU);
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}

async function main() {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-'));
  const appRoot = join(scratch, 'app');
  const schema = `bench_${process.pid}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const children: ChildProcess[] = [];
  const log = (message: string) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const loadBefore = loadavg();
  try {
    if (PIN) execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)]);
    log(
      `building the production bundle (${PIN ? `pinned: servers CPU ${SERVER_CPU}, load generator and this process CPU ${LOAD_CPU}` : 'not pinned'})`,
    );
    const built = await bundle(join(appRoot, 'dist'));
    await cp(join(repo, 'app', 'migrations'), join(appRoot, 'migrations'), { recursive: true });
    const rawMain = await bundleRawServer(join(scratch, 'raw'));

    const appEnv = (extra: Record<string, string> = {}) => ({
      DATABASE_URL,
      DB_SCHEMA: schema,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      ...extra,
    });
    const appMain = join(appRoot, 'dist', 'main.js');

    // Migrate once (the deploy hook's job), then seed the item the item benchmark reads.
    const migrate = spawnNode([appMain, 'migrate'], appEnv({ PORT: '1' }), SERVER_CPU);
    children.push(migrate);
    if ((await new Promise((resolve) => migrate.once('exit', resolve))) !== 0)
      throw new Error('migrate failed');
    const { rows } = await admin.query<{ id: string }>(
      `INSERT INTO "${schema}".items (name, note, tags) VALUES ('benchmark item', 'a note', '{a,b}') RETURNING id`,
    );
    const itemPath = `/api/items/${rows[0]?.id}`;

    // Start-up. The samples of each kind alternate, so a busy moment hits all of them alike.
    log(`start-up: ${STARTS} samples each`);
    const starts: StartSample[] = [];
    const startsMigrating: StartSample[] = [];
    const rawStarts: StartSample[] = [];
    const bareNode: number[] = [];
    for (let i = 0; i < STARTS; i += 1) {
      bareNode.push(await bareNodeMs());
      rawStarts.push(await startOnce((port) => [rawMain, String(port), DATABASE_URL, schema], {}));
      starts.push(await startOnce(() => [appMain], appEnv()));
      if (i % 2 === 0)
        startsMigrating.push(await startOnce(() => [appMain], appEnv({ MIGRATE_ON_START: 'true' })));
    }

    // Throughput: both servers up for the whole phase.
    const rawPort = await freePort();
    // Their stdout goes to /dev/null: the service still formats and writes its log lines (one per item
    // request at LOG_LEVEL=info), but no process of the benchmark spends CPU reading them.
    const raw = spawnNode([rawMain, String(rawPort), DATABASE_URL, schema], {}, SERVER_CPU, 'ignore');
    children.push(raw);
    const appPort = await freePort();
    const app = spawnNode([appMain], appEnv({ PORT: String(appPort) }), SERVER_CPU, 'ignore');
    children.push(app);
    await waitFor(rawPort, '/ready');
    await waitFor(appPort, '/ready');

    // Same JSON from both, or the comparison means nothing.
    for (const path of ['/health', itemPath]) {
      const [a, b] = [await get(appPort, path), await get(rawPort, path)];
      if (
        a.status !== 200 ||
        b.status !== 200 ||
        !isDeepStrictEqual(JSON.parse(a.body), JSON.parse(b.body))
      ) {
        throw new Error(`${path}: service answered ${a.status} ${a.body}, raw server ${b.status} ${b.body}`);
      }
    }
    for (const path of ['/health', '/ready', '/info', itemPath]) await get(appPort, path);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const servers = {
      service: { port: appPort, pid: app.pid as number },
      raw: { port: rawPort, pid: raw.pid as number },
    };
    const idleRss = { service: await rssMiB(servers.service.pid), raw: await rssMiB(servers.raw.pid) };

    type Name = keyof typeof servers;
    const endpoints = { health: '/health', item: itemPath } as const;
    type Endpoint = keyof typeof endpoints;
    const rounds: { order: Name[]; results: Record<Endpoint, Record<Name, LoadResult>> }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Name[] = round % 2 === 0 ? ['raw', 'service'] : ['service', 'raw'];
      const results = { health: {}, item: {} } as Record<Endpoint, Record<Name, LoadResult>>;
      for (const endpoint of ['health', 'item'] as const) {
        for (const name of order) {
          const { port, pid } = servers[name];
          results[endpoint][name] = await load(`http://127.0.0.1:${port}${endpoints[endpoint]}`, pid);
        }
        const r = results[endpoint];
        log(
          `round ${round + 1}/${ROUNDS} ${endpoint}: service ${fmt(r.service.requestsPerSecond)}/s p99 ${r.service.latencyP99Ms} ms, raw ${fmt(r.raw.requestsPerSecond)}/s p99 ${r.raw.latencyP99Ms} ms, ratio ${pct(r.service.requestsPerSecond / r.raw.requestsPerSecond)}`,
        );
      }
      rounds.push({ order, results });
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const afterRss = { service: await rssMiB(servers.service.pid), raw: await rssMiB(servers.raw.pid) };
    await Promise.all([stop(app), stop(raw)]);

    const of = (endpoint: Endpoint, name: Name, key: keyof LoadResult) =>
      rounds.map((r) => r.results[endpoint][name][key]);
    const ratios = (endpoint: Endpoint, key: 'requestsPerSecond' | 'latencyP99Ms') =>
      rounds.map((r) => r.results[endpoint].service[key] / r.results[endpoint].raw[key]);
    const healthRatios = ratios('health', 'requestsPerSecond');
    const itemRatios = ratios('item', 'requestsPerSecond');
    const peakRss = (name: Name) =>
      Math.max(...(['health', 'item'] as const).flatMap((e) => of(e, name, 'peakRssMiB')));

    const startMedian = median(starts.map((s) => s.readyMs));
    const phase = (samples: StartSample[], key: 'firstLogMs' | 'listeningMs') =>
      median(samples.map((s) => s[key] ?? Number.NaN));
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
    const ms = (n: number) => `${fmt(n)} ms`;
    const mib = (n: number) => `${fmt(n, 1)} MiB`;
    const rps = (n: number) => fmt(n);

    const row = (endpoint: Endpoint, label: string, target: string) => {
      const rpsRatios = endpoint === 'health' ? healthRatios : itemRatios;
      const p99Ratios = ratios(endpoint, 'latencyP99Ms');
      const cpuRatios = rounds.map(
        (r) =>
          r.results[endpoint].raw.serverCpuUsPerRequest / r.results[endpoint].service.serverCpuUsPerRequest,
      );
      return [
        `| \`GET ${label}\` requests/s | ${rps(median(of(endpoint, 'service', 'requestsPerSecond')))} | ${rps(median(of(endpoint, 'raw', 'requestsPerSecond')))} | ${pct(median(rpsRatios))} (rounds: ${range(rpsRatios, pct)}) | ${target} |`,
        `| \`GET ${label}\` p99 latency (p50) | ${ms(median(of(endpoint, 'service', 'latencyP99Ms')))} (${ms(median(of(endpoint, 'service', 'latencyP50Ms')))}) | ${ms(median(of(endpoint, 'raw', 'latencyP99Ms')))} (${ms(median(of(endpoint, 'raw', 'latencyP50Ms')))}) | ${Number.isFinite(median(p99Ratios)) ? `${fmt(median(p99Ratios), 2)} ×` : '–'} | |`,
        `| \`GET ${label}\` server CPU per request (cores busy) | ${fmt(median(of(endpoint, 'service', 'serverCpuUsPerRequest')), 1)} µs (${fmt(median(of(endpoint, 'service', 'serverCpuCores')), 2)}) | ${fmt(median(of(endpoint, 'raw', 'serverCpuUsPerRequest')), 1)} µs (${fmt(median(of(endpoint, 'raw', 'serverCpuCores')), 2)}) | raw / service: ${pct(median(cpuRatios))} | |`,
      ];
    };

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
    const loadAfter = loadavg();
    const lines = [
      '<!-- bench:start (generated by `npm run bench:service -- -- --write`; do not edit by hand) -->',
      '',
      `Run ${date} UTC on ${cpus().length} × ${cpuModel}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL on 127.0.0.1:5432. ` +
        `Load average (1 min) ${fmt(loadBefore[0] ?? 0, 2)} at the start, ${fmt(loadAfter[0] ?? 0, 2)} at the end. ` +
        `${PIN ? `Servers pinned to CPU ${SERVER_CPU}, autocannon to CPU ${LOAD_CPU} (taskset).` : 'Not pinned.'} ` +
        `${ROUNDS} rounds; each load: ${CONNECTIONS} connections, ${WARMUP} s warm-up, ${DURATION} s measured. ` +
        `Service: commit ${commit}${appDirty ? ' with uncommitted changes in app/' : ''}, bundle ${fmt(built.bytes / 1024)} KiB (all chunks, including those loaded on demand).`,
      '',
      '| measure | service (production bundle) | raw node:http | service / raw | target |',
      '|---|---|---|---|---|',
      ...row('health', '/health', `≥ 70 %: ${verdict(median(healthRatios) >= TARGETS.healthRatio)}`),
      ...row('item', '/api/items/:id', ''),
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
      `| idle RSS (after start-up and a few requests) | ${mib(idleRss.service)} | ${mib(idleRss.raw)} | | ≤ 80 MB (${fmt(TARGETS.idleRssMB * MIB_PER_MB, 1)} MiB): ${verdict(idleRss.service <= TARGETS.idleRssMB * MIB_PER_MB)} |`,
      `| peak RSS under load (sampled every 100 ms, all rounds) | ${mib(peakRss('service'))} | ${mib(peakRss('raw'))} | | ≤ 150 MB (${fmt(TARGETS.loadRssMB * MIB_PER_MB, 1)} MiB): ${verdict(peakRss('service') <= TARGETS.loadRssMB * MIB_PER_MB)} |`,
      `| idle RSS 5 s after the last load | ${mib(afterRss.service)} | ${mib(afterRss.raw)} | | |`,
      '',
      'Rounds (requests/s; the server loaded first in each pair is listed first):',
      '',
      '| round | order | `/health` service | `/health` raw | ratio | item service | item raw | ratio |',
      '|---|---|---|---|---|---|---|---|',
      ...rounds.map((r, i) => {
        const h = r.results.health;
        const it = r.results.item;
        return `| ${i + 1} | ${r.order.join(', ')} | ${rps(h.service.requestsPerSecond)} | ${rps(h.raw.requestsPerSecond)} | ${pct(h.service.requestsPerSecond / h.raw.requestsPerSecond)} | ${rps(it.service.requestsPerSecond)} | ${rps(it.raw.requestsPerSecond)} | ${pct(it.service.requestsPerSecond / it.raw.requestsPerSecond)} |`;
      }),
      '',
      `Load generator CPU (median over all loads): ${fmt(median(rounds.flatMap((r) => (['health', 'item'] as const).flatMap((e) => [r.results[e].service.loadCpuCores, r.results[e].raw.loadCpuCores]))), 2)} cores.`,
      '<!-- bench:end -->',
    ];
    const report = lines.join('\n');
    process.stdout.write(`${report}\n`);

    if (WRITE) {
      const docPath = join(repo, 'docs', 'performance.md');
      const doc = await readFile(docPath, 'utf8');
      const block = /<!-- bench:start[\s\S]*?<!-- bench:end -->/;
      if (!block.test(doc))
        throw new Error('docs/performance.md: no <!-- bench:start --> … <!-- bench:end --> block; add one');
      await writeFile(
        docPath,
        doc.replace(block, () => report),
      );
      log('wrote docs/performance.md');
    }
  } finally {
    await Promise.all(children.map(stop));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
