/**
 * @slipway/cli: the `slipway` command (bin/slipway.js → main.ts) and the models other parts of
 * the repository quote (docs/deployments.md uses the deploy-time model; the pipelines' test uses
 * the command list; the drift workflow's issue renders `slipway drift --json` with formatDriftReport).
 */

export type { DriftResult } from './commands/drift/detect.ts';
export { formatReport as formatDriftReport } from './commands/drift/report.ts';
export {
  type CostAssumptions,
  type CostEstimate,
  type CostLine,
  DEFAULT_ASSUMPTIONS,
  estimateCost,
} from './cost/model.ts';
export {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  type DeployTimeModel,
  deploySettings,
  deployTimeModels,
  ECS_DEFAULTS,
  formatDuration,
  modelDeployTime,
} from './deploy-time/model.ts';
export { environmentPage } from './diagram/document.ts';
export { mermaid } from './diagram/mermaid.ts';
export { resolveEnvironmentName } from './environments.ts';
export { CLI_ERRORS, type CliErrorCode, EXIT } from './errors.ts';
export { COMMANDS, type CommandName, main } from './main.ts';
export { PRICE_TABLES, priceTable } from './pricing/index.ts';
export { synthesize } from './synth/synthesize.ts';
