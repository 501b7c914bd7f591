/*
 * One slipway run at a time on the shared cloud assembly folder:
 *   - a lock held by another running process → SW239, exit 4, naming the process
 *   - a lock left by a process that no longer runs is taken over
 *   - the same process may claim the folder again (plan synthesizes, then deploys read it)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { lockAssembly } from './assembly-lock.ts';

const scratch = () => join(mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), 'lock-')), 'cdk.out');

describe('the assembly lock', () => {
  it('refuses a folder another running process holds', () => {
    const dir = scratch();
    writeFileSync(`${dir}.lock`, String(process.ppid));
    let error: unknown;
    try {
      lockAssembly(dir);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ code: 'SW239', exitCode: 4 });
    expect((error as CliError).message).toBe(`another slipway run (process ${process.ppid}) is using ${dir}`);
  });

  it('takes over a lock whose process has ended', () => {
    const dir = scratch();
    const ended = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(`${dir}.lock`, ended.stdout);
    lockAssembly(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
  });

  it('lets the holder claim it again', () => {
    const dir = scratch();
    lockAssembly(dir);
    lockAssembly(dir);
    expect(existsSync(`${dir}.lock`)).toBe(true);
  });
});
