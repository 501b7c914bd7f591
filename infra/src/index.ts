export {
  type AccountHome,
  accountHomes,
  buildApp,
  cdkContext,
  type EnvironmentStacks,
  type SlipwayAppOptions,
} from './app.ts';
export { type ControlFinding, type GuardRun, runGuardParallel } from './policy/control-tower/guard.ts';
export { acknowledge, applyPolicies } from './policy/index.ts';
export {
  type SynthesizeAppOptions,
  type SynthesizedApp,
  type SynthPhases,
  synthesizeApp,
} from './synthesize.ts';
