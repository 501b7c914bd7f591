/**
 * `npm start` from the repository root, as the README gives it.
 *
 * Scenarios and expected outcomes:
 * - `PORT=… npm start` serves on that port from the embedded database's folder; SIGINT to the npm
 *   process stops the service: the port is free and no process npm started is left.
 * - `npm start -- --memory` serves from an in-memory database; SIGTERM to the npm process does the same.
 * - npm killed outright (SIGKILL, nothing forwarded): the service sees its launcher gone and stops.
 * - a second instance on a folder a live process holds prints one line naming the folder, the pid
 *   and the way out, without a JSON log or a stack trace, and npm exits 1.
 * - launcherChain finds nothing above a process that npm did not start.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launcherChain } from '../src/launcher.ts';
import { freePort, killAll, type RunningProcess, spawnCommand, spawnNode, waitForStatus } from './process.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
let scratch: string;
/** Processes npm started: killed at the end should a test fail before they stop. */
const started = new Set<number>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-npm-start-'));
});

afterAll(async () => {
  await killAll();
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await rm(scratch, { recursive: true, force: true });
});

function npmStart(args: readonly string[], env: Record<string, string>): RunningProcess {
  return spawnCommand('npm', ['start', ...args], {
    cwd: repoRoot,
    env: { HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: 'info', ...env },
  });
}

/** Every process below `pid`, from /proc (the test runs where the service's launcher watch runs: Linux). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while listing
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls until `check` holds; the deadline is a hang guard. */
async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Signals the npm process and waits until the port is free and every process below npm is gone. */
async function stopThroughNpm(proc: RunningProcess, port: number, signal: NodeJS.Signals) {
  const npmPid = proc.child.pid ?? 0;
  const below = descendants(npmPid);
  for (const pid of below) started.add(pid);
  expect(below.length).toBeGreaterThan(0);
  proc.child.kill(signal);
  await proc.exited;
  await until(`port ${port} is free`, async () => !(await portAnswers(port)));
  await until(`processes ${below.join(', ')} exited`, () => !below.some(alive));
}

describe('npm start from the repository root', () => {
  it('PORT=… npm start serves from the data folder; SIGINT to npm stops the service', async () => {
    const port = await freePort();
    const proc = npmStart([], { PORT: String(port), DB_EMBEDDED_DIR: join(scratch, 'data') });
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, proc);
    expect(proc.output()).toContain('"mode":"file"');
    await stopThroughNpm(proc, port, 'SIGINT');
    expect(proc.output()).toContain('shut down cleanly');
  });

  it('npm start -- --memory serves from memory; SIGTERM to npm stops the service', async () => {
    const port = await freePort();
    const proc = npmStart(['--', '--memory'], { PORT: String(port) });
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, proc);
    expect(proc.output()).toContain('"mode":"memory"');
    await stopThroughNpm(proc, port, 'SIGTERM');
    expect(proc.output()).toContain('shut down cleanly');
  });

  it('SIGKILL to npm: the service notices its launcher is gone and stops', async () => {
    const port = await freePort();
    const proc = npmStart(['--', '--memory'], { PORT: String(port) });
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, proc);
    await stopThroughNpm(proc, port, 'SIGKILL');
  });

  it('a second instance on a held folder says so in one line and exits 1', async () => {
    const dataDir = join(scratch, 'held');
    await mkdir(dataDir, { recursive: true });
    const holder = spawnNode(['-e', 'setTimeout(() => {}, 120000)']);
    await writeFile(join(dataDir, 'slipway.pid'), String(holder.child.pid));
    const proc = npmStart([], { PORT: String(await freePort()), DB_EMBEDDED_DIR: dataDir });
    expect((await proc.exited).code).toBe(1);
    const output = proc.output();
    const line = `another Slipway service holds ${dataDir}, pid ${holder.child.pid}; stop it or use --memory`;
    expect(output.split('\n').filter((l) => l === line)).toHaveLength(1);
    expect(output).not.toContain('"level"');
    expect(output).not.toMatch(/^\s+at /m);
    holder.child.kill('SIGKILL');
  });

  it('launcherChain is empty for a process npm did not start', () => {
    expect(launcherChain(process.pid)).toEqual([]);
  });
});
