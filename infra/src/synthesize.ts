import type { SlipwayConfig } from '@slipway/config';
import { AssetStaging, type IPolicyValidationPlugin } from 'aws-cdk-lib';
import { buildApp } from './app.ts';
import { emptyKeepingAssets, pruneAssets } from './assembly-dir.ts';
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
  /** Add the cdk-nag AwsSolutions pack and the Control Tower controls as validation plugins. @default on */
  readonly policies?: boolean;
  /**
   * With `policies`, add the Control Tower controls too. `slipway plan` switches them off here and
   * runs them after the synth, beside its other checkers (validation plugins run one at a time).
   * @default on
   */
  readonly controlTower?: boolean;
  /**
   * With the Control Tower controls on, the folder of their results per template, shared with
   * `slipway plan` (`POLICY_CACHE_DIR` under the repository): an unchanged template is not
   * evaluated again.
   * @default no cache: every template is evaluated
   */
  readonly policyCacheDir?: string;
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
  /** Cloud assembly directory; emptied first if it exists, but for the staged assets a synth may reuse. @default the one `cdk` asks for (CDK_OUTDIR), else a new temporary directory */
  readonly outdir?: string;
  /** Context values on top of infra/cdk.json's feature flags. @default - only the feature flags */
  readonly context?: Record<string, unknown>;
}

/** Where a synth spent its time, in milliseconds (what `slipway plan --verbose` prints). */
export interface SynthPhases {
  /** The whole synth: building the constructs, bundling, the plugins, writing the assembly. */
  readonly totalMs: number;
  /** esbuild bundling the Lambda handlers (part of building the constructs). */
  readonly bundlingMs: number;
  /** Each validation plugin's `validate` (cdk-nag's `AwsSolutions`, `control-tower`), by plugin name. */
  readonly pluginsMs: Readonly<Record<string, number>>;
}

type Bundle = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Runs `fn` with CDK's asset bundling timed. `AssetStaging#bundle` is CDK's internal step that
 * runs a bundler (esbuild for the handlers); should a CDK release rename it, nothing is wrapped
 * and the bundling time reads 0 (it is still inside the synth's total).
 */
function timingBundles<T>(fn: () => T): { value: T; bundlingMs: number } {
  const proto = AssetStaging.prototype as unknown as { bundle?: Bundle };
  const original = proto.bundle;
  let bundlingMs = 0;
  if (typeof original === 'function') {
    proto.bundle = function (this: unknown, ...args: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        bundlingMs += performance.now() - started;
      }
    };
  }
  try {
    return { value: fn(), bundlingMs: Math.round(bundlingMs) };
  } finally {
    if (typeof original === 'function') proto.bundle = original;
  }
}

/** A validation plugin whose `validate` adds its time to `times`, under the plugin's name. */
function timedPlugin(
  plugin: IPolicyValidationPlugin,
  times: Record<string, number>,
): IPolicyValidationPlugin {
  return {
    name: plugin.name,
    version: plugin.version,
    ruleIds: plugin.ruleIds,
    validate: (context) => {
      const started = performance.now();
      try {
        return plugin.validate(context);
      } finally {
        times[plugin.name] = Math.round((times[plugin.name] ?? 0) + performance.now() - started);
      }
    },
  };
}

/**
 * Builds and synthesizes the CDK app for a validated config: the one entry point shared by
 * `cdk` (infra/bin/app.ts), the CLI and the tests, so each synthesizes the same app the same way.
 * Returns the built stacks beside the cloud assembly, and where the synth spent its time.
 */
export function synthesizeApp(config: SlipwayConfig, options: SynthesizeAppOptions = {}) {
  const started = performance.now();
  if (options.outdir) emptyKeepingAssets(options.outdir);
  const validation = options.validation ?? process.env.CDK_VALIDATION !== 'false';
  const context: Record<string, unknown> = { ...options.context };
  if (options.failOnFindings === false) context['@aws-cdk/core:failSynthOnValidationErrors'] = false;
  // An empty list of stacks to bundle: CDK stages the function sources without running esbuild.
  if (options.bundling === false) context['aws:cdk:bundling-stacks'] = [];
  const pluginsMs: Record<string, number> = {};
  // The App reads CDK_VALIDATION when it synthesizes; set it for this synth only.
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = validation ? 'true' : 'false';
  try {
    const { value, bundlingMs } = timingBundles(() => {
      const built = buildApp(config, {
        environments: options.environments,
        appProps: { outdir: options.outdir, context },
      });
      if (options.policies !== false) {
        applyPolicies(built.app, (plugin) => timedPlugin(plugin, pluginsMs), {
          controlTower: options.controlTower,
          policyCacheDir: options.policyCacheDir,
        });
      }
      return { built, assembly: built.app.synth() };
    });
    const { built, assembly } = value;
    pruneAssets(assembly.directory);
    const phases: SynthPhases = { totalMs: Math.round(performance.now() - started), bundlingMs, pluginsMs };
    return { ...built, assembly, outdir: assembly.directory, phases };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
}

/** What `synthesizeApp` returns: the built stacks (as `buildApp` returns them), the assembly and its directory. */
export type SynthesizedApp = ReturnType<typeof synthesizeApp>;
