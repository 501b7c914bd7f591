export {
  type AccountHome,
  accountHomes,
  buildApp,
  cdkContext,
  type EnvironmentStacks,
  type SlipwayAppOptions,
} from './app.ts';
export { OFFICE_HOURS_ACTIONS } from './constructs/schedule/index.ts';
export { type Layer, PARAMETERS, parameterName, stackName } from './names.ts';
export { acknowledge, applyPolicies } from './policy/index.ts';
export { type SynthesizeAppOptions, type SynthesizedApp, synthesizeApp } from './synthesize.ts';
