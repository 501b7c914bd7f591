/** Helpers for tests that run the production bundle as a child process, as the image would. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { inject } from 'vitest';

export interface RunningProcess {
  readonly child: ChildProcess;
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcess>();

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** Runs `node <args>` with exactly this environment (plus PATH); tracked so `killAll` can clean up. */
export function spawnNode(args: readonly string[], options: SpawnOptions = {}): RunningProcess {
  return spawnCommand(process.execPath, args, options);
}

/** Runs a command (found on PATH) with exactly this environment (plus PATH). */
export function spawnCommand(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? inject('appRoot'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid }),
    ...(options.gid === undefined ? {} : { gid: options.gid }),
  });
  running.add(child);
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      // Let the last output arrive.
      setImmediate(() => resolve({ code, signal }));
    });
  });
  return { child, output: () => out, exited };
}

/** `node dist/main.js <args>` from the bundled app folder. */
export function spawnBundle(args: readonly string[], env: Record<string, string>, cwd = inject('appRoot')) {
  return spawnNode([join(cwd, 'dist', 'main.js'), ...args], { cwd, env });
}

/** Kills every child process still running (afterAll). */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
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

/**
 * Polls `url` until it answers `status` (or the process exits, or the time runs out). It returns as
 * soon as the answer comes; the default deadline is a hang guard sized for a busy machine, where a
 * bundle that starts PGlite (initdb in WebAssembly, 2-4 s when idle) took close to 30 s.
 */
export async function waitForStatus(
  url: string,
  status: number,
  proc?: RunningProcess,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc?.exited.then(() => {
    exited = true;
  });
  let last = 'no answer';
  while (Date.now() < deadline && !exited) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${response.status} ${await response.text()}`;
      if (response.status === status) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `${url} did not answer ${status} (${exited ? 'process exited' : 'timeout'}; last: ${last})\n${proc?.output() ?? ''}`,
  );
}
