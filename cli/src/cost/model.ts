// The cost model, one module per concept: the estimate's types and assumptions, the pricers by
// resource type, the ECS and public-address readings of a template, and the estimate itself.
export { estimateCost } from './estimate.ts';
export { ecsServices, publicIpv4Count, steadyTasks, strategyCapacity } from './services.ts';
export {
  type CostAssumptions,
  type CostEstimate,
  type CostLine,
  DEFAULT_ASSUMPTIONS,
  type Unpriced,
} from './types.ts';
