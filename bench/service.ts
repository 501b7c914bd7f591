/**
 * Service benchmark (not a test): `npm run bench:service` from the repository root.
 *
 * In one run, on this machine, against the real PostgreSQL (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, in a schema of its own that is dropped afterwards):
 *
 * - throughput and p99 latency of `GET /health` and `GET /api/items/:id`, for the production bundle
 *   and for a bare node:http server answering the same JSON (bench/raw-server.ts); ratios service/raw;
 * - start-up: process spawn to the first `GET /ready` 200, production bundle, migrations already
 *   applied, MIGRATE_ON_START=false as on ECS (and, for information, =true);
 * - RSS: idle (after start-up and a few requests), and the peak under load.
 *
 * The load generator (autocannon, bench/load.ts) runs in its own process. With 2 or more CPUs and
 * `taskset` available, the server is pinned to CPU 0 and the load generator to CPU 1; PostgreSQL is not
 * pinned. Environment: BENCH_DURATION (seconds per run, default 10), BENCH_CONNECTIONS (default 50),
 * BENCH_STARTS (start-up samples, default 10).
 *
 * `--write` replaces the results block of docs/performance.md with this run's numbers.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bundle } from '../app/scripts/build.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const STARTS = Number(process.env.BENCH_STARTS ?? 10);
const WARMUP = 3;

const TARGETS = { healthRatio: 0.7, startMs: 300, idleRssMiB: 80, loadRssMiB: 150 };

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true']);
    return cpus().length >= 2;
  } catch {
    return false;
  }
}
const PIN = hasTaskset();

/** Spawns `node <args>`, pinned to `cpu` when pinning is available. */
function spawnNode(args: string[], env: Record<string, string>, cpu: number, cwd = repo): ChildProcess {
  const command = PIN ? 'taskset' : process.execPath;
  const argv = PIN ? ['-c', String(cpu), process.execPath, ...args] : args;
  const child = spawn(command, argv, {
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: 'pipe',
  });
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
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

/** One GET on a fresh connection; resolves with the status, or 0 when nothing answers. */
function status(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function waitFor(port: number, path: string, expected = 200, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await status(port, path)) === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`127.0.0.1:${port}${path} did not answer ${expected}`);
}

/** Resident set size of a process (and its children: `taskset` execs, so the pid is node's), MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

async function load(url: string): Promise<LoadResult> {
  const child = spawnNode(
    [
      '--import',
      'tsx',
      'bench/load.ts',
      JSON.stringify({ url, connections: CONNECTIONS, duration: DURATION, warmupSeconds: WARMUP }),
    ],
    {},
    1,
  );
  let out = '';
  child.stdout?.removeAllListeners('data');
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as LoadResult;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return result;
}

/** Runs `fn` while sampling the RSS of `pid` every 100 ms; returns fn's result and the peak. */
async function withPeakRss<T>(pid: number, fn: () => Promise<T>): Promise<{ result: T; peakMiB: number }> {
  let peak = await rssMiB(pid);
  const timer = setInterval(() => {
    void rssMiB(pid).then((v) => {
      peak = Math.max(peak, v);
    });
  }, 100);
  try {
    return { result: await fn(), peakMiB: peak };
  } finally {
    clearInterval(timer);
  }
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

async function main() {
  const write = process.argv.includes('--write');
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-'));
  const appRoot = join(scratch, 'app');
  const schema = `bench_${process.pid}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const children: ChildProcess[] = [];
  try {
    process.stderr.write(
      `building the production bundle (${PIN ? 'pinned: server CPU 0, load CPU 1' : 'not pinned'})\n`,
    );
    const built = await bundle(join(appRoot, 'dist'));
    await cp(join(repo, 'app', 'migrations'), join(appRoot, 'migrations'), { recursive: true });

    const appEnv = (port: number, extra: Record<string, string> = {}) => ({
      PORT: String(port),
      DATABASE_URL,
      DB_SCHEMA: schema,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      MIGRATE_ON_START: 'false',
      ...extra,
    });
    const main = join(appRoot, 'dist', 'main.js');

    // Migrate once (the deploy hook's job), then seed the item the item benchmark reads.
    const migrate = spawnNode([main, 'migrate'], appEnv(0, { PORT: '1' }), 0);
    children.push(migrate);
    if ((await new Promise((resolve) => migrate.once('exit', resolve))) !== 0)
      throw new Error('migrate failed');
    const { rows } = await admin.query<{ id: string }>(
      `INSERT INTO "${schema}".items (name, note, tags) VALUES ('benchmark item', 'a note', '{a,b}') RETURNING id`,
    );
    const itemPath = `/api/items/${rows[0]?.id}`;

    // Start-up: spawn to first /ready 200.
    const startTimes = async (migrateOnStart: string, samples: number) => {
      const times: number[] = [];
      for (let i = 0; i < samples; i += 1) {
        const port = await freePort();
        const started = performance.now();
        const child = spawnNode([main], appEnv(port, { MIGRATE_ON_START: migrateOnStart }), 0);
        children.push(child);
        await waitFor(port, '/ready');
        times.push(performance.now() - started);
        await stop(child);
      }
      return times;
    };
    process.stderr.write('start-up\n');
    const starts = await startTimes('false', STARTS);
    const startsMigrating = await startTimes('true', Math.max(3, Math.floor(STARTS / 2)));

    // Throughput: the raw server, then the service, each alone on CPU 0.
    const rawPort = await freePort();
    const raw = spawnNode(
      ['--import', 'tsx', 'bench/raw-server.ts', String(rawPort), DATABASE_URL, schema],
      {},
      0,
    );
    children.push(raw);
    await waitFor(rawPort, '/health');
    process.stderr.write('load: raw node:http\n');
    const rawHealth = await load(`http://127.0.0.1:${rawPort}/health`);
    const rawItem = await load(`http://127.0.0.1:${rawPort}${itemPath}`);
    await stop(raw);

    const appPort = await freePort();
    const app = spawnNode([main], appEnv(appPort), 0);
    children.push(app);
    await waitFor(appPort, '/ready');
    for (const path of ['/health', '/ready', '/info', itemPath]) await status(appPort, path);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRss = await rssMiB(app.pid as number);
    process.stderr.write('load: service\n');
    const appHealth = await withPeakRss(app.pid as number, () => load(`http://127.0.0.1:${appPort}/health`));
    const appItem = await withPeakRss(app.pid as number, () =>
      load(`http://127.0.0.1:${appPort}${itemPath}`),
    );
    await stop(app);

    const healthRatio = appHealth.result.requestsPerSecond / rawHealth.requestsPerSecond;
    const itemRatio = appItem.result.requestsPerSecond / rawItem.requestsPerSecond;
    const peakRss = Math.max(appHealth.peakMiB, appItem.peakMiB);
    const startMedian = median(starts);
    const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');

    const date = new Date().toISOString().slice(0, 10);
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL on 127.0.0.1, load average ${execFileSync('cat', ['/proc/loadavg']).toString().split(' ').slice(0, 3).join(' ')} at the end of the run`;
    const report = `<!-- bench:start (generated by \`npm run bench:service -- --write\`; do not edit by hand) -->
Run ${date} on ${machine}. ${PIN ? 'Server pinned to CPU 0, autocannon to CPU 1 (taskset).' : 'Not pinned.'} ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s per run. Bundle ${fmt(built.bytes / 1024)} KiB.

| measure | service | raw node:http | ratio | target |
|---|---|---|---|---|
| \`GET /health\` requests/s | ${fmt(appHealth.result.requestsPerSecond)} | ${fmt(rawHealth.requestsPerSecond)} | ${fmt(healthRatio * 100)} % | ≥ 70 % (${verdict(healthRatio >= TARGETS.healthRatio)}) |
| \`GET /health\` p99 latency | ${appHealth.result.latencyP99Ms} ms | ${rawHealth.latencyP99Ms} ms | | |
| \`GET /api/items/:id\` requests/s | ${fmt(appItem.result.requestsPerSecond)} | ${fmt(rawItem.requestsPerSecond)} | ${fmt(itemRatio * 100)} % | |
| \`GET /api/items/:id\` p99 latency | ${appItem.result.latencyP99Ms} ms | ${rawItem.latencyP99Ms} ms | | |
| start → first \`/ready\` 200 (median of ${starts.length}; min–max) | ${fmt(startMedian)} ms (${fmt(Math.min(...starts))}–${fmt(Math.max(...starts))}) | | | ≤ 300 ms (${verdict(startMedian <= TARGETS.startMs)}) |
| same with \`MIGRATE_ON_START=true\` (nothing to apply; median of ${startsMigrating.length}) | ${fmt(median(startsMigrating))} ms | | | |
| idle RSS | ${fmt(idleRss, 1)} MiB | | | ≤ 80 MB (${verdict(idleRss <= TARGETS.idleRssMiB)}) |
| peak RSS under load | ${fmt(peakRss, 1)} MiB | | | ≤ 150 MB (${verdict(peakRss <= TARGETS.loadRssMiB)}) |
<!-- bench:end -->`;
    process.stdout.write(`${report}\n`);

    if (write) {
      const docPath = join(repo, 'docs', 'performance.md');
      const doc = await readFile(docPath, 'utf8');
      const updated = doc.replace(/<!-- bench:start[\s\S]*?<!-- bench:end -->/, report);
      if (updated === doc && !doc.includes(report))
        throw new Error('docs/performance.md has no bench:start/bench:end block');
      await writeFile(docPath, updated);
      process.stderr.write('wrote docs/performance.md\n');
    }
  } finally {
    await Promise.all(children.map(stop));
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await rm(scratch, { recursive: true, force: true });
  }
}

await main();
