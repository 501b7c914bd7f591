import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { resolveTarget } from '@slipway/config/contract';
import { paths } from '../context.ts';
import { estimateCost } from '../cost/model.ts';
import { environmentPage } from '../diagram/document.ts';
import { selectEnvironments } from '../environments.ts';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { type Synthesized, stacksOf } from '../synth/stacks.ts';

export interface DocsOptions {
  readonly all?: boolean;
  /** Directory for the pages, relative to the working directory. @default docs/generated at the repository root */
  readonly out?: string;
  /** An assembly synthesized already (tests pass the shared one). @default synthesizes the environments */
  readonly synthesized?: Synthesized;
}

/**
 * The directory the pages go to: `--out`, else `docs/generated` at the repository root. A path
 * that exists and is not a directory is SW203 (checked before any work). `command` names the
 * verb for the hint; undefined when nothing will be written.
 */
export function docsDirectory(out: string | undefined, command: string | undefined): string {
  const dir = out === undefined ? paths.generated : resolve(out);
  if (command === undefined) return dir;
  let isFile = false;
  try {
    isFile = !statSync(dir).isDirectory();
  } catch {
    // Missing: created when the pages are written.
  }
  if (isFile) {
    throw new CliError(
      'SW203',
      `--out "${out}" is a file; the pages go into a directory (one <env>.md each)`,
      `slipway ${command} --out <directory>`,
    );
  }
  return dir;
}

/** Where an environment's page goes in `dir`. */
export const docsPagePath = (dir: string, environment: string) => join(dir, `${environment}.md`);

/** A path as the report prints it: relative to the repository root when inside it. */
export function displayPath(path: string): string {
  const rel = relative(paths.root, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Each named environment's page (diagram and cost detail), by environment, not written. */
export function renderDocsPages(
  config: SlipwayConfig,
  synthesized: Synthesized,
  names: readonly string[],
): Map<string, string> {
  return new Map(
    names.map((name) => {
      const stacks = stacksOf(synthesized, name);
      const { region } = resolveTarget(config, name).environment;
      return [name, environmentPage({ environment: name, stacks, cost: estimateCost(stacks, { region }) })];
    }),
  );
}

/** Writes the named environments' pages into `dir` (created when missing); the paths written. */
export function writeDocsPages(
  config: SlipwayConfig,
  synthesized: Synthesized,
  names: readonly string[],
  dir: string,
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, page] of renderDocsPages(config, synthesized, names)) {
    const file = docsPagePath(dir, name);
    writeFileSync(file, page);
    written.push(displayPath(file));
  }
  return written;
}

/**
 * `slipway docs <env> | --all [--out <dir>]`: synthesize offline and write each environment's
 * page (architecture diagram, itemized monthly cost) to `docs/generated/<env>.md`. The only
 * command that writes into the repository; `plan --write-docs` does the same after its report.
 */
export async function docs(
  config: SlipwayConfig,
  envArg: string | undefined,
  options: DocsOptions,
  io: Io,
): Promise<ExitCode> {
  const names = selectEnvironments(config, envArg, options.all, 'docs');
  const dir = docsDirectory(options.out, 'docs');
  if (options.synthesized) {
    for (const file of writeDocsPages(config, options.synthesized, names, dir)) io.out(`${file}\n`);
    return EXIT.ok;
  }
  io.progress.start(`Synthesizing ${names.join(', ')}`);
  const { synthesize } = await import('../synth/synthesize.ts');
  // Asset bundling changes no template property the pages show; a temporary assembly, removed after.
  const synthesized = synthesize(config, { environments: names, bundling: false });
  try {
    io.progress.succeed(`Synthesized ${synthesized.stacks.length} stacks`);
    for (const file of writeDocsPages(config, synthesized, names, dir)) io.out(`${file}\n`);
  } finally {
    rmSync(synthesized.outdir, { recursive: true, force: true });
  }
  return EXIT.ok;
}
