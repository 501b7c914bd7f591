/**
 * Start, reset and stop a local `moto_server` for API-level tests (verification ladder rung 4).
 *
 * Usage in a test file:
 *
 *   const moto = motoServerAvailability(); // prints one loud line and throws under CI=true when missing
 *   describe.skipIf(!moto.available)('… against moto', () => {
 *     let server: MotoServer;
 *     beforeAll(async () => { server = await startMotoServer(); });
 *     afterAll(async () => { await server?.stop(); });
 *     beforeEach(async () => { await server.reset(); });
 *     … new ECRClient(server.clientConfig) …
 *   });
 *
 * Facts (moto 5.2): use `http://localhost:<port>`, not 127.0.0.1 (S3-style calls break);
 * `POST /moto-api/reset` clears all state; ECR DescribeImages/ListImages ignore `maxResults` and
 * never return `nextToken` (moto/ecr/models.py: "maxResults and filtering not implemented");
 * PutImage honours an explicit `imageDigest`; `imagePushedAt` is always the real push time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export const MOTO_MISSING_MESSAGE = "MOTO_SERVER NOT FOUND — install with: pip install 'moto[server]'";

export interface MotoAvailability {
  available: boolean;
  /** The printed reason when not available. */
  reason?: string;
}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Whether `moto_server` is on PATH. When it is not, prints ONE loud line; under `CI=true` it then
 * throws (the test file fails), otherwise the caller skips with that printed reason.
 */
export function motoServerAvailability(): MotoAvailability {
  if (onPath('moto_server') !== undefined) return { available: true };
  console.error(MOTO_MISSING_MESSAGE);
  if (process.env.CI === 'true') throw new Error(MOTO_MISSING_MESSAGE);
  return { available: false, reason: MOTO_MISSING_MESSAGE };
}

export interface MotoServer {
  port: number;
  /** `http://localhost:<port>` — use as AWS_ENDPOINT_URL or a client's `endpoint`. */
  endpoint: string;
  region: string;
  /** SDK v3 client config pointing at this server with dummy credentials. */
  clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Environment variables for code that builds its own clients (e.g. a handler's index.ts). */
  env: Record<string, string>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return true;
  } catch {
    return false;
  }
}

export async function startMotoServer(
  options: { region?: string; startTimeoutMs?: number } = {},
): Promise<MotoServer> {
  const region = options.region ?? 'us-east-1';
  const port = await freeLoopbackPort();
  const endpoint = `http://localhost:${port}`;
  let stderr = '';
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await answers(endpoint))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${endpoint} (exited: ${exited}); stderr:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  return {
    port,
    endpoint,
    region,
    clientConfig: { endpoint, region, credentials },
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async reset() {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
    },
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}
