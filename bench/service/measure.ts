import { join } from 'node:path';
import { build } from 'esbuild';
import { cpuSeconds, freePort, onStdoutLine, rssMiB, spawnNode, stop, waitFor } from './processes.ts';
import { CONNECTIONS, DURATION, LOAD_CPU, repo, SERVER_CPU, WARMUP } from './settings.ts';

// One load run, one start-up sample, and the raw server's bundle.
export interface LoadResult {
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
export async function load(url: string, serverPid: number): Promise<LoadResult> {
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
export async function bundleRawServer(outdir: string): Promise<string> {
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
    // The same as app/scripts/build.ts: pg's `navigator` probe would load Node's undici at start.
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

export interface StartSample {
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

export async function startOnce(
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
export async function bareNodeMs(): Promise<number> {
  const started = performance.now();
  const child = spawnNode(['-e', '0'], {}, SERVER_CPU);
  await new Promise((resolve) => child.once('exit', resolve));
  return performance.now() - started;
}
