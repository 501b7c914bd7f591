/**
 * Runs one autocannon load in its own process (so the load generator never shares an event loop or
 * a CPU with the server) and prints the summary as one JSON line.
 *
 * Usage: node --import tsx bench/load.ts '{"url":"http://127.0.0.1:3000/health","connections":50,"duration":10}'
 */
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  warmupSeconds: number;
}

const options = JSON.parse(process.argv[2] ?? '{}') as LoadOptions;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  ...(options.warmupSeconds > 0
    ? { warmup: { connections: options.connections, duration: options.warmupSeconds } }
    : {}),
});
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
