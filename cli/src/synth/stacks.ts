import type { SynthPhases } from '@slipway/infra';
import type { Template } from './template.ts';

/*
 * The synthesized stacks as the CLI reads them, without CDK: what `plan` needs to build its report
 * from the plan cache's stored templates without loading aws-cdk-lib or the CDK app
 * (synthesize.ts loads both, and `plan` imports it only when it synthesizes).
 */

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
  /**
   * The policy findings acknowledged on the stack's constructs, by rule id
   * (`control-tower::CT.S3.PR.9`): the construct paths below the stack they were recorded on, each
   * covering the constructs under it ('' for the whole stack). @default nothing acknowledged
   */
  readonly acknowledged?: Readonly<Record<string, readonly string[]>>;
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
