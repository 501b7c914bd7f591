import type { CostEstimate } from '../cost/model.ts';
import type { DeployTimeModel, JobDeployTime } from '../deploy-time/model.ts';
import type { ServiceOwner } from '../services/owners.ts';

/** One service of an environment in `plan`: its monthly cost and its modeled part of a deploy. */
export interface ServicePlan {
  readonly name: string;
  readonly type: ServiceOwner['type'];
  /** The sum of its cost lines, USD. */
  readonly monthly: number;
  /** Its modeled deploy time, seconds; undefined when the templates hold none of its resources yet. */
  readonly deploySeconds?: number;
  /** How it deploys: `ROLLING, 2 tasks`, `new task definition`. */
  readonly deploy: string;
  /** Whether the synthesized templates hold any of its resources (the stack may not create it yet). */
  readonly inTemplates: boolean;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Every service's cost and deploy time side by side. Web and backend services deploy with the
 * strategy their ECS service has (the environment's), workers roll, jobs only get a new task
 * definition; all of them in the one service stack update, so they deploy in parallel.
 */
export function servicePlans(
  owners: readonly ServiceOwner[],
  cost: CostEstimate,
  models: readonly DeployTimeModel[],
  jobs: readonly JobDeployTime[],
): ServicePlan[] {
  return owners.map((o) => {
    const monthly = cost.services.find((s) => s.name === o.name)?.monthly ?? 0;
    const priced = cost.lines.some((l) => l.service === o.name);
    if (o.type === 'job') {
      const job = jobs.find((j) => j.job === o.name);
      return {
        ...o,
        monthly,
        deploySeconds: job?.seconds,
        deploy: job ? 'new task definition' : 'not in the templates',
        inTemplates: priced || job !== undefined,
      };
    }
    const model = models.find((m) => m.owner?.name === o.name);
    if (!model) return { ...o, monthly, deploy: 'not in the templates', inTemplates: priced };
    const lb = model.settings.loadBalanced ? '' : ', no load balancer';
    return {
      ...o,
      monthly,
      deploySeconds: model.totalSeconds,
      deploy: `${model.strategy}, ${plural(model.settings.tasks, 'task')}${lb}`,
      inTemplates: true,
    };
  });
}

/**
 * The environment's deploy time: its services deploy in parallel within one stack update, so the
 * slowest one sets it; without services in the templates, the first model's (the web service's).
 */
export function environmentDeploySeconds(
  services: readonly ServicePlan[],
  models: readonly DeployTimeModel[],
): number | undefined {
  const times = services.flatMap((s) => (s.deploySeconds === undefined ? [] : [s.deploySeconds]));
  return times.length > 0 ? Math.max(...times) : models[0]?.totalSeconds;
}
