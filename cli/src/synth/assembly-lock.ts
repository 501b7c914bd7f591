import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { CliError } from '../errors.ts';

const held = new Set<string>();

/** Whether a process with this id is running (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the cloud assembly folder `dir` for this process until it exits, through `<dir>.lock`
 * holding the process id. A second slipway run would otherwise empty the folder while the first
 * still reads it (its policy checks, or the deploy of its assets). A lock left by a process that
 * no longer runs is taken over.
 * @throws CliError SW239 when another running process holds it
 */
export function lockAssembly(dir: string): void {
  const lock = `${dir}.lock`;
  if (held.has(lock)) return;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      held.add(lock);
      process.once('exit', () => rmSync(lock, { force: true }));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
      if (pid === process.pid) {
        held.add(lock);
        return;
      }
      if (Number.isInteger(pid) && alive(pid)) {
        throw new CliError(
          'SW239',
          `another slipway run (process ${pid}) is using ${dir}`,
          'wait for it to finish, then run the command again',
          { path: dir },
        );
      }
      rmSync(lock, { force: true });
    }
  }
}
