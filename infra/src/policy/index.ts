import { type App, type IPolicyValidationPlugin, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlTowerChecks } from './control-tower/plugin.ts';

export { acknowledge } from './acknowledge.ts';
export { acknowledgeControls, CONTROL_ACKNOWLEDGEMENTS } from './control-tower/acknowledgements.ts';
export {
  CONTROL_TOWER_PLUGIN,
  ControlTowerChecks,
  type ControlTowerChecksProps,
} from './control-tower/plugin.ts';

/**
 * The policy rung of the verification ladder, on every synth: cdk-nag's AWS Solutions pack and the
 * AWS Control Tower proactive controls (cfn-guard rules, `control-tower/`) as CDK validation
 * plugins. CDK's built-in CloudFormation validation runs as well (cdk.json sets
 * `@aws-cdk/core:validateAgainstDefaultRules`, making its findings errors). `observe` may wrap
 * each plugin (the synth times them); @default adds them as they are. `controlTower: false` leaves
 * the controls to the caller (`slipway plan` runs them after the synth, beside cfn-lint);
 * `policyCacheDir` is where the controls' results per template are kept (none: not kept).
 */
export function applyPolicies(
  app: App,
  observe: (plugin: IPolicyValidationPlugin) => IPolicyValidationPlugin = (plugin) => plugin,
  options: { readonly controlTower?: boolean; readonly policyCacheDir?: string } = {},
) {
  Validations.of(app).addPlugins(observe(new AwsSolutionsChecks(app)));
  if (options.controlTower !== false)
    Validations.of(app).addPlugins(observe(new ControlTowerChecks({ cacheDir: options.policyCacheDir })));
}
