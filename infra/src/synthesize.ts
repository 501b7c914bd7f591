import { mkdirSync, rmSync } from 'node:fs';
import type { SlipwayConfig } from '@slipway/config';
import { buildApp } from './app.ts';
import { applyPolicies } from './policy/index.ts';

export interface SynthesizeAppOptions {
  /** Environments to build (names of slipway.config.ts, or `pr-<number>` previews). @default every environment of the config */
  readonly environments?: string[];
  /**
   * Run CDK's built-in CloudFormation validation during the synth. It costs seconds per synth;
   * `slipway plan` runs it separately (in a worker, cached per template) and template tests leave
   * it to the policy test.
   * @default on, unless CDK_VALIDATION=false (what `cdk synth --no-validation` sets)
   */
  readonly validation?: boolean;
  /** Add the cdk-nag AwsSolutions pack as a validation plugin. @default on */
  readonly policies?: boolean;
  /**
   * Fail the synth on a validation or cdk-nag finding. When off, findings only land in the
   * assembly's `validation-report.json`, so a caller can list them all.
   * @default on, as `cdk synth` does
   */
  readonly failOnFindings?: boolean;
  /**
   * Bundle the Lambda handlers with esbuild. When off, CDK stages the function sources without
   * running esbuild: the templates are the same, but the assembly cannot be deployed.
   * @default on
   */
  readonly bundling?: boolean;
  /** Cloud assembly directory; emptied first if it exists. @default the one `cdk` asks for (CDK_OUTDIR), else a new temporary directory */
  readonly outdir?: string;
  /** Context values on top of infra/cdk.json's feature flags. @default - only the feature flags */
  readonly context?: Record<string, unknown>;
}

/**
 * Builds and synthesizes the CDK app for a validated config: the one entry point shared by
 * `cdk` (infra/bin/app.ts), the CLI and the tests, so each synthesizes the same app the same way.
 * Returns the built stacks beside the cloud assembly.
 */
export function synthesizeApp(config: SlipwayConfig, options: SynthesizeAppOptions = {}) {
  if (options.outdir) {
    rmSync(options.outdir, { recursive: true, force: true });
    mkdirSync(options.outdir, { recursive: true });
  }
  const validation = options.validation ?? process.env.CDK_VALIDATION !== 'false';
  const context: Record<string, unknown> = { ...options.context };
  if (options.failOnFindings === false) context['@aws-cdk/core:failSynthOnValidationErrors'] = false;
  // An empty list of stacks to bundle: CDK stages the function sources without running esbuild.
  if (options.bundling === false) context['aws:cdk:bundling-stacks'] = [];
  const built = buildApp(config, {
    environments: options.environments,
    appProps: { outdir: options.outdir, context },
  });
  if (options.policies !== false) applyPolicies(built.app);
  // The App reads CDK_VALIDATION when it synthesizes; set it for this synth only.
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = validation ? 'true' : 'false';
  try {
    const assembly = built.app.synth();
    return { ...built, assembly, outdir: assembly.directory };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

/** What `synthesizeApp` returns: the built stacks (as `buildApp` returns them), the assembly and its directory. */
export type SynthesizedApp = ReturnType<typeof synthesizeApp>;
