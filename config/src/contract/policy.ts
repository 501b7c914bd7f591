/**
 * The name the AWS Control Tower controls' validation plugin reports under in a cloud assembly's
 * `validation-report.json`, and the namespace of its rule ids when acknowledging one
 * (`control-tower::CT.S3.PR.2`): infra registers the plugin, `slipway plan` reads its report.
 */
export const CONTROL_TOWER_PLUGIN = 'control-tower';
