import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { synthesizeApp } from '@slipway/infra';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { paths } from '../context.ts';
import { lockAssembly } from './assembly-lock.ts';
import { holdingStderr } from './quiet.ts';
import { dependencyOrder, type StackInfo, type Synthesized } from './stacks.ts';
import type { Template } from './template.ts';

export { accountLevelStacks, dependencyOrder, type StackInfo, type Synthesized, stacksOf } from './stacks.ts';

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
  /**
   * Run the Control Tower controls inside the synth, as a validation plugin beside cdk-nag (their
   * findings land in `validation-report.json`, where `deploy` reads them). `plan` switches this
   * off and runs them after the synth, beside its other checkers (policy/control-tower.ts).
   * @default on
   */
  readonly controlTower?: boolean;
}

/**
 * Synthesizes the CDK app in process with @slipway/infra's `synthesizeApp` (as `cdk` does), with
 * cdk-nag and the Control Tower controls running as validation plugins (`plan` leaves the controls
 * out and runs them after the synth: `controlTower`). CDK's built-in CloudFormation validation is
 * switched off here because the CLI runs it separately on the templates (side by side with
 * cfn-lint, with a cache: policy/checks.ts); the plugins' findings land in the assembly's
 * `validation-report.json` instead of failing the synth, so the CLI can list them. The
 * acknowledgements the constructs record go with each stack (`StackInfo.acknowledged`).
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
      controlTower: options.controlTower,
      // The controls' results per template, shared with `plan` (policy/control-tower.ts).
      policyCacheDir: paths.policyCache,
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
      ...constructIndex(stack),
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

/**
 * One walk over the stack's own constructs (not those of nested stacks), collecting:
 * - `resourcePaths`: logical id → construct path below the stack, for every resource;
 * - `acknowledged`: the policy findings acknowledged on its constructs (`acknowledge` in
 *   @slipway/infra), by rule id: the construct paths below the stack they were recorded on ('' for
 *   the stack itself).
 */
function constructIndex(stack: Stack): Pick<StackInfo, 'resourcePaths' | 'acknowledged'> {
  const resourcePaths: Record<string, string> = {};
  const acknowledged: Record<string, string[]> = {};
  for (const construct of stack.node.findAll()) {
    if (construct !== stack && Stack.of(construct) !== stack) continue;
    const path = construct === stack ? '' : construct.node.path.slice(stack.node.path.length + 1);
    if (CfnResource.isCfnResource(construct))
      resourcePaths[stack.resolve(construct.logicalId) as string] = path;
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const id of Object.keys(entry.data as Record<string, string>)) {
        acknowledged[id] = [...(acknowledged[id] ?? []), path];
      }
    }
  }
  return { resourcePaths, acknowledged };
}
