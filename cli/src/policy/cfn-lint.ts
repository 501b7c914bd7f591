import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Finding } from './checks.ts';

/*
 * cfn-lint, the Python CloudFormation linter, as `plan` runs it. Most of one cfn-lint run is Python
 * importing cfn-lint (about 1 s of CPU on an idle machine) before it reads a template, so `plan`
 * starts its linters while the synth still runs (a Python process that imports cfn-lint, then
 * waits for its arguments on stdin) and splits the templates among them, one per core.
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

/** Imports cfn-lint, then runs it with the arguments of the first stdin line (a JSON array). */
const DRIVER = [
  'import json, sys',
  'from cfnlint.runner import main',
  'line = sys.stdin.readline()',
  'if not line.strip(): sys.exit(0)',
  "sys.argv = ['cfn-lint', *json.loads(line)]",
  'sys.exit(main())',
].join('\n');

/** Runs cfn-lint with `args`, on a process started earlier when there is one. */
type Lint = (args: string[]) => Promise<string[]>;

/** Collects a cfn-lint process's output as `parseable` lines; rejects when it failed without output. */
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
      // 0 = clean; 2/4/8 and their sums = findings; anything else with no output = cfn-lint failed.
      if (code !== 0 && lines.length === 0) reject(new Error(`cfn-lint exited ${code} without output`));
      else resolve(lines);
    });
  });
}

const plainLint: Lint = (args) => collect(spawn('cfn-lint', args, { stdio: ['ignore', 'pipe', 'pipe'] }));

/**
 * cfn-lint processes started ahead of the templates: each imports cfn-lint at once and lints what
 * `lint` hands it later. One per core by default; a `lint` beyond those starts a plain cfn-lint.
 * `close` ends the processes that got nothing to do.
 */
export class CfnLintPool {
  private readonly idle: ChildProcess[] = [];
  readonly tool: CfnLintTool;

  constructor(tool: CfnLintTool, size = Math.min(2, availableParallelism())) {
    this.tool = tool;
    if (!tool.python) return;
    for (let i = 0; i < size; i++)
      this.idle.push(spawn(tool.python, ['-c', DRIVER], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  /** How many linters may run side by side (the processes started ahead, else the cores). */
  get width(): number {
    return Math.max(this.idle.length, 1);
  }

  /** Lints `files` for `regions` with `.cfnlintrc.yaml` `configFile`; `parseable` lines (empty when clean). */
  lint(files: string[], regions: string[], configFile: string): Promise<string[]> {
    const args = [
      '--config-file',
      configFile,
      '--format',
      'parseable',
      '--regions',
      ...regions,
      '--',
      ...files,
    ];
    const child = this.idle.shift();
    if (!child) return plainLint(args);
    const done = collect(child);
    child.stdin?.end(`${JSON.stringify(args)}\n`);
    return done;
  }

  close(): void {
    for (const child of this.idle.splice(0)) child.stdin?.end();
  }
}

/**
 * The one cfn-lint runner (`plan` and the policy test): lints the templates for each of the
 * regions with the given `.cfnlintrc.yaml` and returns its findings as `parseable` text lines
 * (empty when clean).
 */
export function lintFiles(files: string[], regions: string[], configFile: string): Promise<string[]> {
  return plainLint([
    '--config-file',
    configFile,
    '--format',
    'parseable',
    '--regions',
    ...regions,
    '--',
    ...files,
  ]);
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
