import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CONFIG_FILE,
  findRepoRoot,
  loadConfig,
  parseConfig,
  type SlipwayConfig,
  type SlipwayConfigInput,
} from '@slipway/config';
import { POLICY_CACHE_DIR } from '@slipway/config/contract';
import { type SynthesizedApp, synthesizeApp } from '@slipway/infra';
import { Template } from 'aws-cdk-lib/assertions';

// The one synth helper of the tests: synthesize an app from the shipped config (or a variant of
// it) with @slipway/infra's synthesizeApp and hand out the templates. Template tests switch off
// what does not change a template (CDK's built-in validation costs seconds per synth, cdk-nag,
// esbuild); the per-environment policy test switches validation and cdk-nag on.

let shipped: Promise<SlipwayConfig> | undefined;

/** The validated repository `slipway.config.ts`. */
export function shippedConfig(): Promise<SlipwayConfig> {
  // The repository's own file, wherever the tests are started from.
  shipped ??= loadConfig(join(findRepoRoot(), CONFIG_FILE));
  return shipped;
}

/** A deep copy of the shipped config's input, for tests that change one setting. */
export async function configVariant(mutate: (config: SlipwayConfigInput) => void): Promise<SlipwayConfig> {
  const mod = (await import('../../slipway.config.ts')) as { default: SlipwayConfigInput };
  const input = structuredClone(mod.default);
  mutate(input);
  return parseConfig(input, 'test config');
}

/**
 * Rewrites the shipped config's input in the one-service `app` form it had before it declared
 * services: the default web service's settings under `app`, the other services dropped. For tests
 * that compare the shorthand with something.
 */
export function toShorthand(c: SlipwayConfigInput): void {
  const web = c.services?.web;
  if (web?.type !== 'web') return;
  const {
    type: _type,
    route: _route,
    calls: _calls,
    migrate,
    migrationsPath: _migrationsPath,
    database: _database,
    command: _command,
    ...rest
  } = web;
  if ('from' in rest.image)
    throw new Error('toShorthand: the default web service must build or name its image');
  c.app = { ...c.app, ...rest, image: rest.image, migrateCommand: migrate };
  delete c.services;
}

/** The shipped config in the one-service `app` form (see `toShorthand`). */
export function shorthandConfig(): Promise<SlipwayConfig> {
  return configVariant(toShorthand);
}

export interface SynthOptions {
  /** Run CDK's built-in CloudFormation validation (slow; the policy test does). @default off */
  readonly validation?: boolean;
  /** Add the cdk-nag plugin (the policy test does). @default off */
  readonly policies?: boolean;
  /** Environments to build. @default every environment of the config */
  readonly environments?: string[];
  /** Extra context values. @default - only the feature flags of infra/cdk.json */
  readonly context?: Record<string, unknown>;
  /**
   * Bundle the Lambda functions with esbuild. Templates are the same either way (only the asset
   * hash differs), so tests skip it; `infra/functions/bundle.test.ts` checks the bundles.
   * @default off
   */
  readonly bundling?: boolean;
}

// Synthesized apps by config object and options. Tests only read what they get, so a file that
// asks again for the same config (the shipped one, above all) gets the same synth: in the infra
// project, whose files share a worker's modules, that spares one whole-app synth per file.
const synthesized = new WeakMap<SlipwayConfig, Map<string, SynthesizedApp>>();

/**
 * Synthesizes the app into a new temporary directory, once per config object and options.
 * Findings of validation and cdk-nag (when on) go to the assembly's validation report instead of
 * failing the synth, so tests can list them.
 */
export function synth(config: SlipwayConfig, options: SynthOptions = {}): SynthesizedApp {
  const byOptions = synthesized.get(config) ?? new Map<string, SynthesizedApp>();
  synthesized.set(config, byOptions);
  const key = JSON.stringify(options);
  const cached = byOptions.get(key);
  if (cached) return cached;
  const app = synthesizeApp(config, {
    environments: options.environments,
    validation: options.validation ?? false,
    policies: options.policies ?? false,
    bundling: options.bundling ?? false,
    failOnFindings: false,
    outdir: scratchDir('slipway-synth-'),
    context: options.context,
    // The Control Tower controls' results per template, where `slipway plan` keeps them: the
    // policy tests here and the CLI's plan tests evaluate the same templates.
    policyCacheDir: join(findRepoRoot(), POLICY_CACHE_DIR),
  });
  byOptions.set(key, app);
  return app;
}

export type Synthesized = SynthesizedApp;

/**
 * A temporary folder for a synthesized assembly. It lives as long as the test run (the helper
 * caches the assembly for every file of a worker): under the run's folder that the global setup
 * `scratch-setup.ts` creates and removes, or the system's temporary folder without that setup.
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(process.env.SLIPWAY_SCRATCH ?? tmpdir(), prefix));
}

/** The templates of one environment's layers, as assertion `Template`s. */
export function templatesOf(synthesized: Synthesized, environment: string) {
  const stacks = synthesized.stacks[environment];
  if (!stacks) throw new Error(`environment ${environment} was not synthesized`);
  return {
    network: Template.fromStack(present(stacks.network, `${environment}'s network stack`)),
    data: stacks.data ? Template.fromStack(stacks.data) : undefined,
    edge: stacks.edge ? Template.fromStack(stacks.edge) : undefined,
    service: Template.fromStack(stacks.service),
  };
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not synthesized (a pull-request preview has none)`);
  return value;
}

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
