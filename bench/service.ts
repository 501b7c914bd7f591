/**
 * Service benchmark (not a test): `npm run bench:service` from the repository root prints the run's
 * tables; add `-- -- --write` (or BENCH_WRITE=1) to save the run's JSON in bench/results/service.json
 * and regenerate the service section of docs/performance.md from it (scripts/docs/performance.ts).
 *
 * In one run, on the machine it runs on, against the real PostgreSQL (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/test, in a schema of its own that is dropped afterwards):
 *
 * - start-up: process spawn to the first `GET /ready` 200, production bundle, migrations already
 *   applied, MIGRATE_ON_START=false as on ECS (and, for information, =true), split into phases read
 *   from the service's own log lines; with, as floors, the raw server's spawn to its first `/ready`
 *   200 and a bare `node -e 0`;
 * - throughput, server CPU per request and p99 latency of `GET /health` and `GET /api/items/:id`, for
 *   the production bundle and for a bare node:http server answering the same JSON
 *   (bench/raw-server.ts, bundled the same way), in alternating rounds; each round's ratios;
 * - RSS: idle (after start-up and a few requests), the peak under load, and idle again after the load.
 *
 * Both servers run side by side for the whole load phase (the idle one costs nothing) and get the same
 * load from the same generator (autocannon in its own process, bench/load.ts). Each round loads
 * /health on both, then the item on both; the order within a pair alternates from round to round, so
 * neither server is always first when the machine gets busier or quieter. With 2 or more CPUs and
 * `taskset`, the servers are pinned to CPU 0, the load generator and this process to CPU 1;
 * PostgreSQL is not pinned.
 *
 * Environment: BENCH_ROUNDS (default 10), BENCH_DURATION (measured seconds per load, default 5),
 * BENCH_WARMUP (seconds of warm-up load before each, default 2), BENCH_CONNECTIONS (default 50),
 * BENCH_STARTS (start-up samples, default 10), BENCH_MEMORY_MIB (the servers' memory limit, default
 * the default task's 512; 0: none).
 *
 * Every Node process runs with the image's NODE_OPTIONS and, where the machine lets the benchmark
 * make a memory control group, in a limit of the default task's memory, so V8 sizes its heap as it
 * does in the task (bench/service/memory-limit.ts).
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DockerfileParser } from 'dockerfile-ast';
import pg from 'pg';
import { bundle } from '../app/scripts/build.ts';
import { runtimeStageEnv } from '../app/scripts/dockerfile-env.ts';
import { renderServiceSection, writePerformancePage } from '../scripts/docs/performance.ts';
import {
  bareNodeMs,
  bundleRawServer,
  type LoadResult,
  load,
  type StartSample,
  startOnce,
} from './service/measure.ts';
import { createMemoryLimit } from './service/memory-limit.ts';
import {
  freePort,
  get,
  type NodeRuntime,
  rssMiB,
  spawnNode,
  stop,
  useNodeRuntime,
  waitFor,
} from './service/processes.ts';
import { type Measurements, toResults } from './service/results.ts';
import {
  DATABASE_URL,
  LOAD_CPU,
  MEMORY_MIB,
  PIN,
  RESULTS_FILE,
  ROUNDS,
  repo,
  SERVER_CPU,
  STARTS,
  WRITE,
} from './service/settings.ts';
import { fmt, pct } from './service/stats.ts';

type AppEnv = (extra?: Record<string, string>) => Record<string, string>;
type Log = (message: string) => void;

async function main() {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-bench-'));
  const appRoot = join(scratch, 'app');
  const schema = `bench_${process.pid}`;
  const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
  const children: ChildProcess[] = [];
  const log = (message: string) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${message}\n`);
  const loadBefore = loadavg();
  let runtime: NodeRuntime | undefined;
  const down = await admin.query('SELECT 1').then(
    () => undefined,
    (error: Error) => error.message || String(error),
  );
  if (down !== undefined) {
    await admin.end();
    await rm(scratch, { recursive: true, force: true });
    process.stderr.write(
      `bench:service needs PostgreSQL at ${new URL(DATABASE_URL).host}: ${down}; start it with npm run setup, or point TEST_DATABASE_URL at one (npx slipway doctor lists what is missing)\n`,
    );
    process.exitCode = 1;
    return;
  }
  try {
    if (PIN) execFileSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)]);
    runtime = nodeRuntime(log);
    log(
      `building the production bundle (${PIN ? `pinned: servers CPU ${SERVER_CPU}, load generator and this process CPU ${LOAD_CPU}` : 'not pinned'})`,
    );
    const built = await bundle(join(appRoot, 'dist'));
    await cp(join(repo, 'app', 'migrations'), join(appRoot, 'migrations'), { recursive: true });
    const rawMain = await bundleRawServer(join(scratch, 'raw'));
    // As the image does (app/Dockerfile): Node's compile cache written by one `--help` run, then read
    // at every start.
    const compileCache = join(appRoot, '.compile-cache');
    await warmCompileCache(join(appRoot, 'dist', 'main.js'), compileCache);
    const appEnv: AppEnv = (extra = {}) => ({
      NODE_COMPILE_CACHE: compileCache,
      DATABASE_URL,
      DB_SCHEMA: schema,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      // The start-up phases are read from the service's JSON lines.
      LOG_FORMAT: 'json',
      MIGRATE_ON_START: 'false',
      ...extra,
    });
    const appMain = join(appRoot, 'dist', 'main.js');
    const itemPath = await migrateAndSeed(appMain, appEnv, schema, admin, children);
    const startSamples = await measureStarts(rawMain, appMain, appEnv, schema, log);
    const throughput = await measureThroughput(rawMain, appMain, appEnv, schema, itemPath, children, log);
    const results = toResults({
      ...startSamples,
      ...throughput,
      bundle: { bytes: built.bytes, startupBytes: built.startupBytes },
      loadBefore,
      loadAfter: loadavg(),
      memoryLimit: runtime.memoryLimit
        ? { mib: runtime.memoryLimit.mib, kind: runtime.memoryLimit.kind }
        : null,
      nodeOptions: runtime.nodeOptions ?? '',
    });
    process.stdout.write(`${renderServiceSection(results)}\n`);
    if (WRITE) {
      await mkdir(dirname(RESULTS_FILE), { recursive: true });
      await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
      writePerformancePage(results);
      log(`wrote ${RESULTS_FILE} and the service section of docs/performance.md`);
    }
  } finally {
    await Promise.all(children.map(stop));
    runtime?.memoryLimit?.remove();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await admin.end();
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * How the servers run: with the image's Node options (app/Dockerfile's runtime ENV) and, where the
 * machine allows, in a memory limit of the default task's size (MEMORY_MIB); said loudly when not.
 */
function nodeRuntime(log: Log): NodeRuntime {
  const dockerfile = DockerfileParser.parse(readFileSync(join(repo, 'app', 'Dockerfile'), 'utf8'));
  const nodeOptions = runtimeStageEnv(dockerfile).NODE_OPTIONS;
  const limit = MEMORY_MIB > 0 ? createMemoryLimit(MEMORY_MIB) : { reason: 'BENCH_MEMORY_MIB=0' };
  const memoryLimit = 'reason' in limit ? undefined : limit;
  if ('reason' in limit)
    log(
      `NO MEMORY LIMIT for the servers (${limit.reason}): V8 sizes its heap from the whole machine's memory, not from a task's; run as root with a writable /sys/fs/cgroup for task-like numbers`,
    );
  else log(`servers in a ${limit.mib} MiB memory limit (${limit.kind}); NODE_OPTIONS=${nodeOptions ?? ''}`);
  const runtime = { nodeOptions, memoryLimit };
  useNodeRuntime(runtime);
  return runtime;
}

/** `node <main> --help` with the compile cache in `dir`: writes the compiled code of every module a start loads. */
async function warmCompileCache(main: string, dir: string): Promise<void> {
  const child = spawnNode([main, '--help'], { NODE_COMPILE_CACHE: dir }, SERVER_CPU, 'ignore');
  if ((await new Promise((resolve) => child.once('exit', resolve))) !== 0)
    throw new Error(`${main} --help failed`);
}

/** Migrates once (the deploy hook's job), then seeds the item the item benchmark reads; returns its path. */
async function migrateAndSeed(
  appMain: string,
  appEnv: AppEnv,
  schema: string,
  admin: pg.Pool,
  children: ChildProcess[],
): Promise<string> {
  const migrate = spawnNode([appMain, 'migrate'], appEnv({ PORT: '1' }), SERVER_CPU);
  children.push(migrate);
  if ((await new Promise((resolve) => migrate.once('exit', resolve))) !== 0)
    throw new Error('migrate failed');
  const { rows } = await admin.query<{ id: string }>(
    `INSERT INTO "${schema}".items (name, note, tags) VALUES ('benchmark item', 'a note', '{a,b}') RETURNING id`,
  );
  return `/api/items/${rows[0]?.id}`;
}

/** Start-up. The samples of each kind alternate, so a busy moment hits all of them alike. */
async function measureStarts(rawMain: string, appMain: string, appEnv: AppEnv, schema: string, log: Log) {
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
  return { starts, startsMigrating, rawStarts, bareNode };
}

/** Throughput and RSS: both servers up for the whole phase, loaded in alternating order. */
async function measureThroughput(
  rawMain: string,
  appMain: string,
  appEnv: AppEnv,
  schema: string,
  itemPath: string,
  children: ChildProcess[],
  log: Log,
): Promise<Pick<Measurements, 'idleRss' | 'afterRss' | 'rounds'>> {
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
    if (a.status !== 200 || b.status !== 200 || !isDeepStrictEqual(JSON.parse(a.body), JSON.parse(b.body))) {
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
  return { idleRss, afterRss, rounds };
}

await main();
