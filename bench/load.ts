/**
 * Runs one autocannon load in its own process (so the load generator never shares an event loop with
 * the server, and can be pinned to its own CPU), and prints JSON lines on stdout:
 *
 * 1. `{"phase":"measuring"}` when the warm-up is over and the measured run starts (the parent reads the
 *    server's CPU time at that moment);
 * 2. the measured run's summary.
 *
 * The warm-up is a separate autocannon run with the same options; its numbers are discarded.
 *
 * Usage: node --import tsx bench/load.ts '{"url":"http://127.0.0.1:3000/health","connections":50,"duration":10,"warmupSeconds":2}'
 */
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  warmupSeconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const common = { url: options.url, connections: options.connections, pipelining: 1 };

if (options.warmupSeconds > 0) await autocannon({ ...common, duration: options.warmupSeconds });

process.stdout.write(`${JSON.stringify({ phase: 'measuring' })}\n`);
const cpuBefore = process.cpuUsage();
const result = await autocannon({ ...common, duration: options.duration });
const cpu = process.cpuUsage(cpuBefore);

process.stdout.write(
  `${JSON.stringify({
    // Completed requests over the measured run's actual length (autocannon reports it in seconds).
    requestsPerSecond: result.requests.total / result.duration,
    // autocannon records latencies in a histogram of whole milliseconds.
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    total: result.requests.total,
    durationSeconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    // The load generator's own CPU, in cores: near 1.0 would mean it, not the server, is the limit.
    loadCpuCores: (cpu.user + cpu.system) / 1e6 / result.duration,
  })}\n`,
);
