// The deploy-time model, one module per concept: the settings and assumptions (types.ts), the
// settings as read from a synthesized template (template.ts), and the phases of one deployment
// computed from them (phases.ts).
import { ownerOf, type PathSource, type ServiceOwners } from '../services/owners.ts';
import { resourcesOf, type Template } from '../synth/template.ts';
import { edgeNotes } from './edge.ts';
import { modelDeployTime } from './phases.ts';
import { deploySettings } from './template.ts';
import {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeployTimeAssumptions,
  type DeployTimeModel,
  type JobDeployTime,
} from './types.ts';

export { edgeFirstCreate, edgeNotes } from './edge.ts';
export {
  assumptionsNote,
  formatDuration,
  migrateHookSeconds,
  modelDeployTime,
  pullSeconds,
} from './phases.ts';
export { deploySettings, imageRegistry, imageText } from './template.ts';
export {
  DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  type DeploySettings,
  type DeployTimeAssumptions,
  type DeployTimeModel,
  ECS_DEFAULTS,
  type JobDeployTime,
  MIGRATE_HOOK_CALLBACK_DELAY_SECONDS,
  type Phase,
} from './types.ts';

type StackLike = Template | (PathSource & { readonly region?: string });

const templateOf = (t: StackLike): Template => ('template' in t && t.template ? t.template : (t as Template));

/**
 * The deploy-time model of each ECS service in a set of templates; the load-balanced ones first
 * (the application; tools like Grafana follow). Give `{ template, region }` (a synthesized
 * stack) to compare image registries with the stack's own region, and `owners` to label each
 * model with the app's service it runs (web, backend, worker).
 */
export function deployTimeModels(
  stacks: readonly StackLike[],
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
  owners: ServiceOwners = new Map(),
): DeployTimeModel[] {
  const models = stacks
    .flatMap((t) => {
      const source: PathSource = {
        template: templateOf(t),
        resourcePaths: 'template' in t ? t.resourcePaths : undefined,
      };
      const found =
        'template' in t && t.template ? deploySettings(t.template, t.region) : deploySettings(t as Template);
      return found.map((f) => ({ ...f, owner: ownerOf(source, f.logicalId, owners) }));
    })
    .map(({ service, settings, owner }) => ({
      ...modelDeployTime(service, settings, assumptions),
      ...(owner ? { owner } : {}),
    }))
    .sort((a, b) => Number(b.settings.loadBalanced) - Number(a.settings.loadBalanced));
  // The edge's one-off first-create time goes with the service CloudFront fronts.
  const templates = stacks.map(templateOf);
  const [first, ...rest] = models;
  if (!first?.settings.loadBalanced) return models;
  return [{ ...first, notes: [...first.notes, ...edgeNotes(templates, assumptions)] }, ...rest];
}

/**
 * Each job's part of a deploy: a job (a state machine owned by a job service) runs no task to
 * replace; CloudFormation registers a new task definition revision, and the next run uses it.
 */
export function jobDeployTimes(
  stacks: readonly StackLike[],
  owners: ServiceOwners,
  assumptions: DeployTimeAssumptions = DEFAULT_DEPLOY_TIME_ASSUMPTIONS,
): JobDeployTime[] {
  const jobs = new Set<string>();
  for (const t of stacks) {
    const source: PathSource = {
      template: templateOf(t),
      resourcePaths: 'template' in t ? t.resourcePaths : undefined,
    };
    for (const machine of resourcesOf(source.template, 'AWS::StepFunctions::StateMachine')) {
      const owner = ownerOf(source, machine.logicalId, owners);
      if (owner?.type === 'job') jobs.add(owner.name);
    }
  }
  return [...jobs].map((job) => ({
    job,
    seconds: assumptions.jobUpdateSeconds,
    source: 'assumption',
    detail: 'a new task definition revision; nothing running is replaced, the next run uses it',
  }));
}
