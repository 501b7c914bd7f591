import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The servers' memory limit: a control group of the benchmark's own, as an ECS task's container
 * gets one. Node sizes V8's heap from the memory it is given (`process.constrainedMemory()`): on a
 * host with gigabytes free and no limit, the young generation is several times larger than in a
 * 512 MiB task, which changes both the CPU a request costs (scavenges) and the RSS under load. So
 * the servers run under the memory the default task has, where the machine lets the benchmark make
 * a control group (root, cgroup v1 `memory` or cgroup v2 with the memory controller); elsewhere they
 * run without one, and the run says so.
 */

/** A memory control group the benchmark made; processes join it by writing their pid to `procsFile`. */
export interface MemoryLimit {
  readonly mib: number;
  /** `cgroup v1` or `cgroup v2`. */
  readonly kind: string;
  readonly procsFile: string;
  /** Removes the group (its processes must have exited). */
  remove(): void;
}

/**
 * The benchmark's own control group path: of the v1 hierarchy with `controller`, or with '' the
 * unified (v2) one, whose line in /proc/self/cgroup names no controller (`0::/path`).
 */
function ownGroup(controller: string): string | undefined {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers = '', path = ''] = line.split(':');
    if (controllers.split(',').includes(controller)) return path;
  }
  return undefined;
}

function tryV1(mib: number, name: string): MemoryLimit | undefined {
  const root = '/sys/fs/cgroup/memory';
  const own = ownGroup('memory');
  if (!existsSync(join(root, 'memory.limit_in_bytes')) || own === undefined) return undefined;
  const dir = join(root, own, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.limit_in_bytes'), String(mib * 1024 * 1024));
  return { mib, kind: 'cgroup v1', procsFile: join(dir, 'cgroup.procs'), remove: () => rmdirSync(dir) };
}

function tryV2(mib: number, name: string): MemoryLimit | undefined {
  const root = '/sys/fs/cgroup';
  const own = ownGroup('');
  if (!existsSync(join(root, 'cgroup.controllers')) || own === undefined) return undefined;
  const parent = join(root, own);
  if (!readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').split(' ').includes('memory'))
    writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory');
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'memory.max'), String(mib * 1024 * 1024));
  return { mib, kind: 'cgroup v2', procsFile: join(dir, 'cgroup.procs'), remove: () => rmdirSync(dir) };
}

/**
 * Makes a memory control group of `mib` MiB for the servers; `reason` says why not when the machine
 * does not let the benchmark (not root, no writable cgroup file system, no memory controller).
 */
export function createMemoryLimit(mib: number): MemoryLimit | { reason: string } {
  const name = `slipway-bench-${process.pid}`;
  try {
    const limit = tryV1(mib, name) ?? tryV2(mib, name);
    return limit ?? { reason: 'no cgroup memory controller at /sys/fs/cgroup' };
  } catch (error) {
    return { reason: (error as Error).message };
  }
}

/**
 * The command line that runs `argv` inside `limit`: a shell writes its own pid to the group's
 * process list, then execs the command, so the pid the caller sees is the command's.
 */
export function inMemoryLimit(limit: MemoryLimit | undefined, argv: readonly string[]): string[] {
  if (!limit) return [...argv];
  return ['sh', '-c', 'echo $$ > "$0" && exec "$@"', limit.procsFile, ...argv];
}
