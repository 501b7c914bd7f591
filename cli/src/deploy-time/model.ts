// The deploy-time model, one module per concept: the settings and assumptions (types.ts), the
// settings as read from a synthesized template (template.ts), and the phases of one deployment
// computed from them (phases.ts).
import type { Template } from '../synth/template.ts';
import { edgeNotes } from './edge.ts';
import { modelDeployTime } from './phases.ts';
import { deploySettings } from './template.ts';
import {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeployTimeAssumptions,
  type DeployTimeModel,
} from './types.ts';

export { edgeFirstCreate, edgeNotes } from './edge.ts';
export { formatDuration, migrateHookSeconds, modelDeployTime } from './phases.ts';
export { deploySettings, imageRegistry, imageText } from './template.ts';
export {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  type DeployTimeAssumptions,
  type DeployTimeModel,
  ECS_DEFAULTS,
  MIGRATE_HOOK_CALLBACK_DELAY_SECONDS,
  type Phase,
} from './types.ts';

/**
 * The deploy-time model of each ECS service in a set of templates; the load-balanced ones first
 * (the application; tools like Grafana follow). Give `{ template, region }` (a synthesized
 * stack) to compare image registries with the stack's own region.
 */
export function deployTimeModels(
  stacks: readonly (Template | { readonly template: Template; readonly region?: string })[],
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): DeployTimeModel[] {
  const models = stacks
    .flatMap((t) =>
      'template' in t && t.template ? deploySettings(t.template, t.region) : deploySettings(t as Template),
    )
    .map(({ service, settings }) => modelDeployTime(service, settings, assumptions))
    .sort((a, b) => Number(b.settings.loadBalanced) - Number(a.settings.loadBalanced));
  // The edge's one-off first-create time goes with the service CloudFront fronts.
  const templates = stacks.map((t) => ('template' in t && t.template ? t.template : (t as Template)));
  const [first, ...rest] = models;
  if (!first?.settings.loadBalanced) return models;
  return [{ ...first, notes: [...first.notes, ...edgeNotes(templates, assumptions)] }, ...rest];
}
