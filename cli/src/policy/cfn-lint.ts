import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Finding } from './checks.ts';

/*
 * cfn-lint, the Python CloudFormation linter, as `plan` runs it. Most of one cfn-lint run is Python
 * importing cfn-lint (about 1 s of CPU on an idle machine) before it reads a template, so `plan`
 * starts it while the synth still runs (a Python process that imports cfn-lint, then waits for
 * its arguments on stdin) and splits the templates among children forked from it, one per core.
 */

export const CFN_LINT_INSTALL = 'pip install cfn-lint';

/** Whether `cfn-lint` is on PATH, and its version (`cfn-lint 1.51.0`), as the tool prints it. */
export function cfnLintVersion(): string | undefined {
  const result = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The installed cfn-lint: its version and, when found, the Python interpreter that runs it. */
export interface CfnLintTool {
  /** As `cfn-lint --version` prints it: `cfn-lint 1.51.0`. */
  readonly version: string;
  /** The interpreter of the `cfn-lint` script; undefined: only the command itself can be run. */
  readonly python?: string;
}

function onPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

type Run = (command: string, args: string[]) => Promise<string | undefined>;

/** A command's stdout, or undefined when it failed. */
const run: Run = (command, args) =>
  new Promise((resolve) => {
    execFile(command, args, { encoding: 'utf8' }, (error, stdout) =>
      resolve(error ? undefined : stdout.trim()),
    );
  });

/** The real `cfn-lint` script: the file on PATH, or what a pyenv shim on PATH runs. */
async function cfnLintScript(): Promise<string | undefined> {
  const file = onPath('cfn-lint');
  if (!file) return undefined;
  const head = (await readFile(file, 'utf8')).slice(0, 4096);
  const pyenv = /exec "([^"]*\/pyenv)" exec/.exec(head)?.[1];
  return pyenv ? run(pyenv, ['which', 'cfn-lint']) : file;
}

/**
 * cfn-lint's version without starting cfn-lint: read from the package metadata by the
 * interpreter its script names (about 0.1 s, where `cfn-lint --version` takes about 1 s). Falls
 * back to `cfn-lint --version` when the script is not a plain Python entry point.
 * @returns undefined when cfn-lint is not installed
 */
export async function findCfnLint(): Promise<CfnLintTool | undefined> {
  try {
    const script = await cfnLintScript();
    const firstLine = script ? ((await readFile(script, 'utf8')).split('\n')[0] ?? '') : '';
    const python = /^#!\s*(\S*python[\d.]*)\s*$/.exec(firstLine)?.[1];
    if (python) {
      const version = await run(python, [
        '-c',
        'import importlib.metadata as m; print(m.version("cfn-lint"))',
      ]);
      if (version) return { version: `cfn-lint ${version}`, python };
    }
  } catch {}
  const version = await run('cfn-lint', ['--version']);
  return version ? { version } : undefined;
}

/**
 * Imports cfn-lint once, then lints each stdin line's arguments (a JSON array) in a child forked
 * from it, so the children share the import instead of each paying it again, and run side by side.
 * Each child's output goes to a file of its own; once stdin closes, the driver waits for the
 * children and prints their outputs one after the other (never interleaved), then exits with their
 * findings' codes combined, or 1 when one of them failed.
 */
const DRIVER = `
import gc, json, os, sys, tempfile
from cfnlint.runner import main

# What is imported now lives as long as the children: keep the collector off it, so a child's
# collections do not write to (and so copy) the pages it shares with this process.
gc.freeze()

def lint(args, out):
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    sys.argv = ['cfn-lint', *args]
    try:
        code = main()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code or 0)

children = []
while True:
    line = sys.stdin.readline()
    if not line:
        break
    if not line.strip():
        continue
    out = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        lint(json.loads(line), out)
    children.append((pid, out))

code = 0
for pid, out in children:
    status = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    out.seek(0)
    sys.stdout.buffer.write(out.read())
    sys.stdout.flush()
    code = code | status if code != 1 and status in FINDINGS else 1
sys.exit(code)
`.replace('FINDINGS', '(0, 2, 4, 6, 8, 10, 12, 14)');

/** cfn-lint's exit codes that mean it ran: 0 (clean) or the bits of its findings' levels (2, 4, 8). */
function ran(code: number | null): boolean {
  return code !== null && code >= 0 && code <= 14 && code % 2 === 0;
}

/**
 * Collects a cfn-lint process's output as `parseable` lines; rejects when it did not run to the
 * end (a crash, a bad argument), with the end of what it printed.
 */
function collect(child: ChildProcess): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const lines = out.split('\n').filter((l) => l.trim().length > 0);
      if (ran(code)) resolve(lines);
      else reject(new Error(`cfn-lint failed (exit ${code}): ${lines.slice(-5).join(' | ') || 'no output'}`));
    });
  });
}

function plainLint(args: string[]): Promise<string[]> {
  return collect(spawn('cfn-lint', args, { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** One cfn-lint run: templates and the regions to lint them for. */
export interface LintJob {
  readonly files: readonly string[];
  readonly regions: readonly string[];
}

function lintArgs(job: LintJob, configFile: string): string[] {
  return [
    '--config-file',
    configFile,
    '--format',
    'parseable',
    '--regions',
    ...job.regions,
    '--',
    ...job.files,
  ];
}

/**
 * cfn-lint started ahead of the templates: one Python process imports cfn-lint at once (the
 * DRIVER) and lints what `lint` hands it later, each job in a child of its own. Without the
 * interpreter (`CfnLintTool.python` unknown), `lint` starts one plain cfn-lint per job.
 * `close` ends the process when it got nothing to do.
 */
export class CfnLintPool {
  private driver: ChildProcess | undefined;
  readonly tool: CfnLintTool;

  /** `start: false` starts Python only when `lint` is called (nothing to overlap it with). @default starts now */
  constructor(tool: CfnLintTool, options: { readonly start?: boolean } = {}) {
    this.tool = tool;
    if (options.start !== false) this.driver = this.startDriver();
  }

  private startDriver(): ChildProcess | undefined {
    const python = this.tool.python;
    return python ? spawn(python, ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] }) : undefined;
  }

  /** How many jobs to split the templates into: one per core. */
  get width(): number {
    return availableParallelism();
  }

  /**
   * Lints every job side by side with `.cfnlintrc.yaml` `configFile`; all their `parseable` lines
   * (none when clean), each job's together. Call once.
   */
  lint(jobs: readonly LintJob[], configFile: string): Promise<string[]> {
    const driver = this.driver ?? this.startDriver();
    this.driver = undefined;
    if (!driver)
      return Promise.all(jobs.map((j) => plainLint(lintArgs(j, configFile)))).then((l) => l.flat());
    const done = collect(driver);
    driver.stdin?.end(jobs.map((j) => `${JSON.stringify(lintArgs(j, configFile))}\n`).join(''));
    return done;
  }

  close(): void {
    this.driver?.stdin?.end();
    this.driver = undefined;
  }
}

/**
 * The one cfn-lint runner (`plan` and the policy test): lints the templates for each of the
 * regions with the given `.cfnlintrc.yaml` and returns its findings as `parseable` text lines
 * (empty when clean).
 */
export function lintFiles(files: string[], regions: string[], configFile: string): Promise<string[]> {
  return plainLint(lintArgs({ files, regions }, configFile));
}

/** `<file>:<line>:<col>:<endline>:<endcol>:<rule>:<message>` → a finding. */
export function parseLintLine(line: string, stack: string): Finding {
  const m = /^.*?\.template\.json:(\d+):\d+:\d+:\d+:([A-Z]\d+):(.*)$/.exec(line);
  const rule = m?.[2] ?? 'cfn-lint';
  return {
    checker: 'cfn-lint',
    rule,
    severity: rule.startsWith('E') ? 'error' : rule.startsWith('W') ? 'warning' : 'info',
    stack,
    where: m ? `line ${m[1]}` : '',
    message: m?.[3] ?? line,
  };
}

/** Splits `items` into at most `n` groups of about equal total `weight` (largest first, each to the lightest group). */
export function balance<T>(items: readonly T[], n: number, weight: (item: T) => number): T[][] {
  const groups = Array.from({ length: Math.max(1, Math.min(n, items.length)) }, () => ({
    total: 0,
    items: [] as T[],
  }));
  for (const item of [...items].sort((a, b) => weight(b) - weight(a))) {
    const lightest = groups.reduce((a, b) => (b.total < a.total ? b : a));
    lightest.items.push(item);
    lightest.total += weight(item);
  }
  return groups.map((g) => g.items).filter((g) => g.length > 0);
}
