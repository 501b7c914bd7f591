import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceFilesUnder } from '@slipway/cli/src/commands/plan-cache.ts';
import type { Synthesized } from '@slipway/cli/src/synth/synthesize.ts';
import type { SlipwayConfig, SlipwayConfigInput } from '@slipway/config';
import { configVariant, shippedConfig } from '../synth.ts';

// Shared by the CLI tests: the shipped config synthesized the way `plan` synthesizes it (offline,
// cdk-nag on, the slow CloudFormation validator and the Control Tower controls left to the checks
// after the synth) and config variants, without esbuild (the templates are the same, and no test
// here deploys the assembly).
//
// The shipped assembly is plain data (templates and paths), so one synth serves every test file:
// it is kept on disk under a hash of everything that shapes it, and a file that finds it there
// reads it instead of synthesizing again. A change to the config, the infra code or the lockfile
// changes the hash, so a stale assembly is never read.

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'slipway', 'test-assembly');
const INPUTS = [
  'slipway.config.ts',
  'config/src',
  'infra/src',
  'infra/functions',
  'infra/cdk.json',
  'cli/src/synth',
  'package-lock.json',
];

/** A hash of every file that shapes the shipped assembly. */
function inputsHash(): string {
  const hash = createHash('sha256');
  const files = INPUTS.flatMap((input) => sourceFilesUnder(join(ROOT, input))).sort();
  for (const file of files)
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 24);
}

const MANIFEST = 'synthesized.json';

/** Reads an assembly written by `store`, with its template paths pointing into `dir`. */
function load(dir: string): Synthesized {
  const stored = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')) as Synthesized;
  return {
    ...stored,
    outdir: dir,
    stacks: stored.stacks.map((s) => ({ ...s, templatePath: join(dir, s.templatePath) })),
  };
}

async function synthesizeShipped(): Promise<Synthesized> {
  const { synthesize } = await import('@slipway/cli/src/synth/synthesize.ts');
  const dir = join(CACHE, inputsHash());
  if (existsSync(join(dir, MANIFEST))) return load(dir);
  // Synthesize beside the final place and rename: a concurrent test file sees all of it or none.
  const building = `${dir}.building-${process.pid}`;
  const synthesized = synthesize(await shippedConfig(), {
    bundling: false,
    controlTower: false,
    outdir: building,
  });
  const relativePaths = synthesized.stacks.map((s) => ({
    ...s,
    templatePath: relative(building, s.templatePath),
  }));
  writeFileSync(join(building, MANIFEST), JSON.stringify({ ...synthesized, stacks: relativePaths }));
  mkdirSync(CACHE, { recursive: true });
  try {
    renameSync(building, dir);
  } catch {
    // Another test file stored the same assembly first; use that one.
    rmSync(building, { recursive: true, force: true });
  }
  return load(dir);
}

let all: Promise<Synthesized> | undefined;

/** Every environment of the shipped slipway.config.ts, synthesized once for all test files. */
export function shippedAssembly(): Promise<Synthesized> {
  all ??= synthesizeShipped();
  return all;
}

export { shippedConfig };

/** A variant of the shipped config (one setting changed), synthesized for the named environments. */
export async function variantAssembly(
  mutate: (config: SlipwayConfigInput) => void,
  environments: string[],
): Promise<{ config: SlipwayConfig; synthesized: Synthesized }> {
  const { synthesize } = await import('@slipway/cli/src/synth/synthesize.ts');
  const config = await configVariant(mutate);
  return { config, synthesized: synthesize(config, { environments, bundling: false, controlTower: false }) };
}
