/**
 * Ends the service when the `npm start` that launched it ends.
 *
 * The start scripts `exec` npm and node, so SIGINT and SIGTERM sent to `npm start` reach the service
 * through npm's forwarding. Nothing is forwarded when npm is killed outright (SIGKILL, a crash) or
 * when a shell stays in between (a script without `exec`): the service would keep running, holding
 * its port and the embedded database's folder. So it watches the npm and shell processes between it
 * and the outermost npm, and stops (as on SIGTERM) once one of them is gone.
 */
import { readFileSync } from 'node:fs';
import { isAlive } from './pid.ts';

/** Shells npm runs scripts with; part of the launcher chain between two npm processes. */
const SHELLS = new Set(['sh', 'dash', 'bash', 'zsh']);

/** Linux `/proc/<pid>/stat`: the command name (npm sets its title, e.g. `npm run start`) and the parent pid. */
function readStat(pid: number): { name: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(')');
    const name = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number.parseInt(stat.slice(close + 2).split(' ')[1] ?? '', 10);
    return Number.isInteger(ppid) ? { name, ppid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The pids of the npm and shell processes above this one, up to the outermost npm of an unbroken
 * chain of npm and shell processes; empty when not launched by npm or without /proc.
 */
export function launcherChain(startPid: number = process.ppid, maxDepth = 8): number[] {
  const chain: number[] = [];
  let lastNpm = 0;
  let pid = startPid;
  for (let depth = 0; depth < maxDepth && pid > 1; depth += 1) {
    const stat = readStat(pid);
    if (!stat) break;
    const isNpm = stat.name === 'npm' || stat.name.startsWith('npm ');
    if (!isNpm && !SHELLS.has(stat.name)) break;
    chain.push(pid);
    if (isNpm) lastNpm = chain.length;
    pid = stat.ppid;
  }
  return chain.slice(0, lastNpm);
}

/**
 * When started by npm (`npm_lifecycle_event` set), polls the launcher chain and calls `onGone` once
 * when one of its processes has exited. The timer does not keep the process alive.
 */
export function watchLauncher(onGone: () => void, intervalMs = 500): void {
  if (!process.env.npm_lifecycle_event) return;
  const chain = launcherChain();
  if (chain.length === 0) return;
  const timer = setInterval(() => {
    if (chain.every(isAlive)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
}
