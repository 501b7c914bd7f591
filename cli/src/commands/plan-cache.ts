import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { filesUnder } from '@slipway/config/contract';
import { paths } from '../context.ts';
import type { PolicyResult } from '../policy/checks.ts';
import type { StackInfo, Synthesized } from '../synth/stacks.ts';

/*
 * The plan cache: what `plan` computes slowly (the synthesized templates and the policy checks'
 * result), kept under a hash of everything that determines it. A `plan` whose key is stored skips
 * the synth and the checks and builds its report (cost, deploy time, readiness) from the stored
 * templates, so the report's own code never needs to be in the key. Why one key for the whole
 * result rather than one per stack: docs/decisions/0026-plan-cache.md.
 */

/** Where the entries live: beside the policy checks' cache. */
export const PLAN_CACHE = join(paths.root, 'node_modules', '.cache', 'slipway', 'plan');

/** Bump when the entry's layout changes: older entries are then never read. */
const FORMAT = 'plan-cache 1';

/** Entries kept; the oldest beyond these are removed when one is written. */
const KEEP = 12;

/**
 * What shapes templates and policy results, relative to the repository (running from Slipway's own
 * sources): the config library, the CDK app and its Lambda handlers, CDK's feature flags and
 * cfn-lint's settings, the CLI's synth and checks, the Grafana files the app reads, and the lockfile
 * (every dependency's version: aws-cdk-lib, cdk-nag, esbuild, the handlers' libraries).
 */
export const SOURCE_INPUTS = [
  'config/src',
  'config/package.json',
  'infra/src',
  'infra/functions',
  'infra/bin',
  'infra/cdk.json',
  'infra/.cfnlintrc.yaml',
  'infra/package.json',
  'cli/src/synth',
  'cli/src/policy',
  'cli/package.json',
  'grafana',
  'package-lock.json',
  'cdk.context.json',
];

/** Every file under `path` (itself when a file), without tests and node_modules; [] when missing. */
export function sourceFilesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return filesUnder(path, { skip: (name) => name.endsWith('.test.ts') || name === 'node_modules' });
}

/** Whether the CLI runs from Slipway's sources (else from installed packages, built JavaScript). */
const fromSources = () => existsSync(join(paths.infra, 'src', 'index.ts'));

/** Every file whose content goes into the key (from sources), sorted. */
export function sourceFiles(root = paths.root): string[] {
  return SOURCE_INPUTS.flatMap((input) => sourceFilesUnder(join(root, input))).sort();
}

function version(pkg: string): string {
  try {
    const file = new URL(import.meta.resolve(`${pkg}/package.json`));
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'missing';
  }
}

/**
 * The sources' part of the key. From sources: every file of `sourceFiles` (path and content).
 * Installed: the packages' versions (a published version never changes), cdk.json and the cfn-lint
 * settings as installed, and the repository's cdk.context.json.
 */
export function sourcesFingerprint(read: (file: string) => Buffer | string = readFileSync): string {
  const hash = createHash('sha256');
  if (fromSources()) {
    for (const file of sourceFiles())
      hash.update(relative(paths.root, file)).update('\0').update(read(file)).update('\0');
  } else {
    for (const pkg of [
      '@slipway/cli',
      '@slipway/infra',
      '@slipway/config',
      'aws-cdk-lib',
      'cdk-nag',
      'esbuild',
    ])
      hash.update(`${pkg}@${version(pkg)}\0`);
    for (const file of [
      join(paths.infra, 'cdk.json'),
      paths.cfnLintConfig,
      join(paths.root, 'cdk.context.json'),
    ])
      if (existsSync(file)) hash.update(read(file)).update('\0');
  }
  return hash.digest('hex');
}

/** JSON with object keys sorted, so the key does not depend on the order the config was written in. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

export interface PlanCacheInputs {
  /** The validated config, every environment (account-level stacks depend on all of them). */
  readonly config: SlipwayConfig;
  /** The environments planned, in order. */
  readonly environments: readonly string[];
  /** `sourcesFingerprint()`. */
  readonly sources: string;
  /** cfn-lint's version (`cfn-lint 1.51.0`), or why it does not run (`not installed`, `off`). */
  readonly cfnLint: string;
  /** @default process.version */
  readonly node?: string;
}

/** The key of a plan's result: a hash of every input that determines it. */
export function planCacheKey(inputs: PlanCacheInputs): string {
  const cdkEnv = Object.entries(process.env)
    .filter(([name]) => name.startsWith('CDK_'))
    .sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256')
    .update(
      stable({
        format: FORMAT,
        config: inputs.config,
        environments: inputs.environments,
        sources: inputs.sources,
        cfnLint: inputs.cfnLint,
        node: inputs.node ?? process.version,
        cdkEnv,
      }),
    )
    .digest('hex')
    .slice(0, 32);
}

/** What an entry holds: the synthesized stacks (templates in files beside it) and the checks' result. */
interface Entry {
  readonly format: string;
  readonly key: string;
  readonly environments: string[];
  readonly durationMs: number;
  readonly stacks: (Omit<StackInfo, 'template' | 'templatePath'> & { readonly templateFile: string })[];
  readonly policy: PolicyResult;
}

export interface CachedPlan {
  /** The stored assembly: templates read back from the entry, paths pointing into it. */
  readonly synthesized: Synthesized;
  readonly policy: PolicyResult;
}

/** The stored result for `key`, or undefined (none, or unreadable: then it is recomputed). */
export function readPlanCache(dir: string, key: string): CachedPlan | undefined {
  const entryDir = join(dir, key);
  const file = join(entryDir, 'plan.json');
  if (!existsSync(file)) return undefined;
  try {
    const entry = JSON.parse(readFileSync(file, 'utf8')) as Entry;
    if (entry.format !== FORMAT || entry.key !== key) return undefined;
    const stacks = entry.stacks.map(({ templateFile, ...info }): StackInfo => {
      const templatePath = join(entryDir, templateFile);
      return { ...info, templatePath, template: JSON.parse(readFileSync(templatePath, 'utf8')) };
    });
    const synthesized = {
      outdir: entryDir,
      stacks,
      environments: entry.environments,
      durationMs: entry.durationMs,
    };
    return { synthesized, policy: entry.policy };
  } catch {
    return undefined;
  }
}

/** Stores a plan's result under `key` (written aside, then renamed: a reader never sees half an entry). */
export function writePlanCache(
  dir: string,
  key: string,
  synthesized: Synthesized,
  policy: PolicyResult,
): void {
  const entryDir = join(dir, key);
  const partial = `${entryDir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const stacks = synthesized.stacks.map(({ template, templatePath, ...info }) => {
    const templateFile = basename(templatePath);
    writeFileSync(join(partial, templateFile), JSON.stringify(template));
    return { ...info, templateFile };
  });
  const entry: Entry = {
    format: FORMAT,
    key,
    environments: synthesized.environments,
    durationMs: synthesized.durationMs,
    stacks,
    policy,
  };
  writeFileSync(join(partial, 'plan.json'), JSON.stringify(entry));
  rmSync(entryDir, { recursive: true, force: true });
  renameSync(partial, entryDir);
  prune(dir);
}

/** Removes the oldest entries beyond KEEP, and partial ones left an hour ago by a run that stopped midway. */
function prune(dir: string): void {
  const entries = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({
      path: join(dir, e.name),
      partial: e.name.includes('.partial-'),
      mtime: statSync(join(dir, e.name)).mtimeMs,
    }))
    .sort((a, b) => b.mtime - a.mtime);
  const stale = Date.now() - 60 * 60 * 1000;
  const old = [
    ...entries.filter((e) => !e.partial).slice(KEEP),
    ...entries.filter((e) => e.partial && e.mtime < stale),
  ];
  for (const e of old) rmSync(e.path, { recursive: true, force: true });
}
