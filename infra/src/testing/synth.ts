import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig, type SlipwayConfig, type SlipwayConfigInput } from '@slipway/config';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../app.ts';
import { applyPolicies } from '../policy/index.ts';

// Test helpers shared by every infra test: synthesize an app from the shipped config (or a
// variant of it) and hand out the templates. Fast unit tests switch the built-in CloudFormation
// validator off (it costs seconds per synth); the policy tests keep it on.

let shipped: Promise<SlipwayConfig> | undefined;

/** The validated repository `slipway.config.ts`. */
export function shippedConfig(): Promise<SlipwayConfig> {
  shipped ??= loadConfig();
  return shipped;
}

/** A deep copy of the shipped config's input, for tests that change one setting. */
export async function configVariant(mutate: (config: SlipwayConfigInput) => void): Promise<SlipwayConfig> {
  const mod = (await import('../../../slipway.config.ts')) as { default: SlipwayConfigInput };
  const input = structuredClone(mod.default);
  mutate(input);
  return parseConfig(input, 'test config');
}

export interface SynthOptions {
  /** Run CDK's built-in CloudFormation validation (slow). @default false */
  readonly validation?: boolean;
  /** Add the cdk-nag plugin. @default false */
  readonly policies?: boolean;
  /** Environments to build. @default all */
  readonly environments?: string[];
  /** Extra context values. */
  readonly context?: Record<string, unknown>;
  /**
   * Bundle the Lambda functions with esbuild. Templates are the same either way (only the asset
   * hash differs), so tests skip it; `infra/functions/bundle.test.ts` checks the bundles.
   * @default false
   */
  readonly bundling?: boolean;
}

export function synth(config: SlipwayConfig, options: SynthOptions = {}) {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = options.validation ? 'true' : 'false';
  try {
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-synth-'));
    const built = buildApp(config, {
      environments: options.environments,
      appProps: {
        outdir,
        // Report policy findings in the validation report instead of throwing, so tests can list them.
        context: {
          '@aws-cdk/core:failSynthOnValidationErrors': false,
          // An empty list of stacks to bundle: CDK stages function sources without running esbuild.
          ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
          ...options.context,
        },
      },
    });
    if (options.policies) applyPolicies(built.app);
    const assembly = built.app.synth();
    return { ...built, assembly, outdir };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

export type Synthesized = ReturnType<typeof synth>;

/** The templates of one environment's layers, as assertion `Template`s. */
export function templatesOf(synthesized: Synthesized, environment: string) {
  const stacks = synthesized.stacks[environment];
  if (!stacks) throw new Error(`environment ${environment} was not synthesized`);
  return {
    network: Template.fromStack(present(stacks.network, `${environment}'s network stack`)),
    data: stacks.data ? Template.fromStack(stacks.data) : undefined,
    service: Template.fromStack(stacks.service),
  };
}

function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} was not synthesized (a pull-request preview has none)`);
  return value;
}

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;
