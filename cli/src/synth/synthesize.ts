import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { type SynthPhases, synthesizeApp } from '@slipway/infra';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { paths } from '../context.ts';
import { lockAssembly } from './assembly-lock.ts';
import { holdingStderr } from './quiet.ts';
import type { Template } from './template.ts';

/** One synthesized stack, as the CLI needs it. */
export interface StackInfo {
  readonly stackName: string;
  /** The environment the stack belongs to; undefined for account-level stacks (registry, audit, CI access). */
  readonly environment: string | undefined;
  readonly account: string;
  readonly region: string;
  readonly template: Template;
  /** Absolute path of the template file in the cloud assembly. */
  readonly templatePath: string;
  /** Construct path of the stack (for the built-in validator's report). */
  readonly constructPath: string;
  /** Names of the stacks this one depends on (deployed before it). */
  readonly dependencies: string[];
  readonly terminationProtection: boolean;
  /**
   * The construct path (below the stack) of each resource, by logical id: what `plan` attributes
   * cost and deploy time to a service by. The templates carry no `aws:cdk:path` metadata (only the
   * cdk CLI adds it), so the paths are read from the constructs at synth time.
   */
  readonly resourcePaths?: Readonly<Record<string, string>>;
}

export interface Synthesized {
  /** The cloud assembly directory (what `cdk deploy` and toolkit-lib read). */
  readonly outdir: string;
  /** Every stack, in dependency order (a stack comes after the stacks it depends on). */
  readonly stacks: StackInfo[];
  /** The environments that were synthesized, in config order. */
  readonly environments: string[];
  /** Wall-clock time of the synthesis, in milliseconds. */
  readonly durationMs: number;
  /** Where the synth spent its time (bundling, each validation plugin). @default unknown (an assembly read back from a cache) */
  readonly phases?: SynthPhases;
}

export interface SynthesizeOptions {
  /** Environments to build. @default every environment of the config */
  readonly environments?: string[];
  /** Assembly directory; replaced if it exists. @default a new temporary directory */
  readonly outdir?: string;
  /**
   * Bundle the Lambda handlers with esbuild. Off gives the same templates without a deployable
   * assembly (tests that only read templates).
   * @default on
   */
  readonly bundling?: boolean;
}

/**
 * Synthesizes the CDK app in process with @slipway/infra's `synthesizeApp` (as `cdk` does), with
 * cdk-nag running as a validation plugin. CDK's built-in CloudFormation validation is switched
 * off here because the CLI runs it separately on the templates (in a worker, beside cfn-lint,
 * with a cache); cdk-nag findings land in the assembly's `validation-report.json` instead of
 * failing the synth, so `plan` can list them.
 */
export function synthesize(config: SlipwayConfig, options: SynthesizeOptions = {}): Synthesized {
  const started = performance.now();
  const outdir = options.outdir ?? mkdtempSync(join(tmpdir(), 'slipway-plan-'));
  // The shared `cdk.out` of the CLI: one run at a time (a second one would empty it midway).
  if (resolve(outdir) === paths.assembly) lockAssembly(outdir);
  const built = holdingStderr(() =>
    synthesizeApp(config, {
      environments: options.environments,
      outdir,
      validation: false,
      policies: true,
      failOnFindings: false,
      bundling: options.bundling,
    }),
  );
  const { assembly } = built;
  const owner = new Map<Stack, string>();
  for (const [env, layers] of Object.entries(built.stacks)) {
    for (const value of Object.values(layers)) if (Stack.isStack(value)) owner.set(value, env);
  }
  const all = [...owner.keys(), ...built.accountStacks];
  const infos = all.map((stack): StackInfo => {
    const artifact = assembly.getStackArtifact(stack.artifactId);
    return {
      stackName: artifact.stackName,
      environment: owner.get(stack),
      account: artifact.environment.account,
      region: artifact.environment.region,
      template: artifact.template as Template,
      templatePath: join(outdir, artifact.templateFile),
      constructPath: stack.node.path,
      dependencies: stack.dependencies.map((d) => d.stackName),
      terminationProtection: stack.terminationProtection === true,
      resourcePaths: resourcePaths(stack),
    };
  });
  return {
    outdir,
    stacks: dependencyOrder(infos),
    environments: Object.keys(built.stacks),
    durationMs: Math.round(performance.now() - started),
    phases: built.phases,
  };
}

/** Logical id → construct path below the stack, for every resource of the stack itself. */
function resourcePaths(stack: Stack): Record<string, string> {
  const out: Record<string, string> = {};
  for (const construct of stack.node.findAll()) {
    if (!CfnResource.isCfnResource(construct) || Stack.of(construct) !== stack) continue;
    out[stack.resolve(construct.logicalId) as string] = construct.node.path.slice(stack.node.path.length + 1);
  }
  return out;
}

/**
 * Orders stacks so each comes after its dependencies (stable: ties keep their input order).
 * The deploy order is taken from here, never from a hard-coded list of layers.
 */
export function dependencyOrder<T extends { stackName: string; dependencies: readonly string[] }>(
  stacks: readonly T[],
): T[] {
  const byName = new Map(stacks.map((s) => [s.stackName, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (stack: T) => {
    if (done.has(stack.stackName)) return;
    if (visiting.has(stack.stackName)) throw new Error(`stack dependency cycle through ${stack.stackName}`);
    visiting.add(stack.stackName);
    for (const dep of stack.dependencies) {
      const d = byName.get(dep);
      if (d) visit(d);
    }
    visiting.delete(stack.stackName);
    done.add(stack.stackName);
    out.push(stack);
  };
  for (const s of stacks) visit(s);
  return out;
}

/** The stacks of one environment, in dependency order. */
export function stacksOf(synthesized: Synthesized, environment: string): StackInfo[] {
  return synthesized.stacks.filter((s) => s.environment === environment);
}

/** Account-level stacks (shared by the environments of one account), in dependency order. */
export function accountLevelStacks(synthesized: Synthesized): StackInfo[] {
  return synthesized.stacks.filter((s) => s.environment === undefined);
}
