/**
 * The name the AWS Control Tower controls' validation plugin reports under in a cloud assembly's
 * `validation-report.json`, and the namespace of its rule ids when acknowledging one
 * (`control-tower::CT.S3.PR.2`): infra registers the plugin, `slipway plan` reads its report.
 */
export const CONTROL_TOWER_PLUGIN = 'control-tower';

/**
 * Where, under the repository's root, the policy checkers keep their results per template (one
 * file per template, checker and version): `slipway plan` and the Control Tower plugin of a
 * `cdk synth` share it, so a template either evaluated is not evaluated again.
 */
export const POLICY_CACHE_DIR = 'node_modules/.cache/slipway/policy';
