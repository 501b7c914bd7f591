import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { inMemoryLimit, type MemoryLimit } from './memory-limit.ts';
import { CLOCK_TICKS, PIN, repo } from './settings.ts';

// The processes the benchmark spawns and what it reads of them (HTTP answers, RSS, CPU time).

/** How every Node process of the benchmark runs: the image's Node options, the task's memory limit. */
export interface NodeRuntime {
  /** NODE_OPTIONS of the image's runtime stage (app/Dockerfile). */
  readonly nodeOptions?: string | undefined;
  readonly memoryLimit?: MemoryLimit | undefined;
}
let runtime: NodeRuntime = {};

/** Sets how `spawnNode` runs Node from now on (main does, once, before the first process). */
export function useNodeRuntime(settings: NodeRuntime): void {
  runtime = settings;
}

/**
 * Spawns `node <args>` as `useNodeRuntime` says, pinned to `cpu` when pinning is available
 * (`taskset` and the memory limit's shell exec: the pid is node's).
 */
export function spawnNode(
  args: string[],
  env: Record<string, string>,
  cpu: number,
  stdout: 'pipe' | 'ignore' = 'pipe',
): ChildProcess {
  const [command, ...argv] = [
    ...(PIN ? ['taskset', '-c', String(cpu)] : []),
    ...inMemoryLimit(runtime.memoryLimit, [process.execPath, ...args]),
  ] as [string, ...string[]];
  const options = runtime.nodeOptions ? { NODE_OPTIONS: runtime.nodeOptions } : {};
  const child = spawn(command, argv, {
    cwd: repo,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options, ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

/** Calls `onLine` with each complete stdout line of `child`. */
export function onStdoutLine(child: ChildProcess, onLine: (line: string) => void): void {
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

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

export async function freePort(): Promise<number> {
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
export function get(port: number, path: string): Promise<{ status: number; body: string }> {
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
export async function waitFor(port: number, path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await get(port, path)).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`127.0.0.1:${port}${path} did not answer 200 within ${timeoutMs} ms`);
}

/** Resident set size of a process, MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** CPU time (user + system) a process has used so far, seconds. */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm) ": state is the first; utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
