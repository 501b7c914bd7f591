/*
 * Which run of the app workflow deploys which environment, from slipway.config.ts:
 *
 *   npx tsx scripts/ci/triggers.ts dispatch --environment <env> [--image-tag <tag>]   # check a workflow_dispatch, write its plan
 *   npx tsx scripts/ci/triggers.ts matrix                                              # the trigger table of docs/pipelines.md
 *
 * app.yml has one deploy job per environment. The `context` job says which of them run
 * (`deploy-environments`) and with which image (`image-tag`): a push, the environments of its
 * branch in promotion order with the commit's image (scripts/ci/pipeline.ts); a workflow_dispatch
 * (the Run workflow button, or the registry trigger's function), the environment asked for, after
 * the environments it is promoted from when an image is given. `.github/tests/` checks every job's
 * `if:` against `deployJobCondition`.
 */
import { parseArgs } from 'node:util';
import { defaultConfigPath, loadConfig } from '@slipway/config';
import { IMAGE_TAG, REGISTRY_TRIGGER } from '@slipway/config/contract';
import { isMain, run, setOutput } from './actions.ts';
import { type PipelineContext, type PipelineEnvironment, pipelineContext } from './pipeline.ts';

/** The subcommands of this script (the workflow tests check every call against them). */
export const TRIGGER_COMMANDS = ['dispatch', 'matrix'] as const;

/** What one run deploys: environments in order, and the image tag ('' keeps the running image). */
export interface DeployPlan {
  readonly environments: string[];
  readonly imageTag: string;
}

/** `name`, after every environment it is promoted from (prod: staging, prod). */
export function promotionChain(context: PipelineContext, name: string): PipelineEnvironment[] {
  const chain: PipelineEnvironment[] = [];
  let current = context.environments.find((e) => e.name === name);
  while (current) {
    if (chain.includes(current)) throw new Error(`promoteFrom cycle at ${current.name}`);
    chain.unshift(current);
    const from = current.promoteFrom;
    current = from ? context.environments.find((e) => e.name === from) : undefined;
  }
  return chain;
}

/**
 * The plan of a workflow_dispatch, or why it is refused. The environment must be one of the
 * config (previews have their own workflow); an image tag must be a valid tag. With an image, an
 * environment promoted from another gets it only after that one deployed and verified it (prod
 * after staging, as on a push); without one, only the environment's infrastructure is deployed.
 */
export function dispatchPlan(
  context: PipelineContext,
  input: { environment: string; imageTag: string },
): DeployPlan {
  const names = context.environments.map((e) => e.name);
  const problems: string[] = [];
  if (!names.includes(input.environment))
    problems.push(`"${input.environment}" is not an environment of slipway.config.ts (${names.join(', ')})`);
  if (input.imageTag !== '' && !IMAGE_TAG.test(input.imageTag))
    problems.push(
      `image tag "${input.imageTag}" is not a tag: 1-128 of A-Z a-z 0-9 _ . -, not starting with . or -`,
    );
  if (problems.length > 0) throw new Error(`deploy refused:\n- ${problems.join('\n- ')}`);
  const environments =
    input.imageTag === ''
      ? [input.environment]
      : promotionChain(context, input.environment).map((e) => e.name);
  return { environments, imageTag: input.imageTag };
}

/** `contains(fromJSON(needs.context.outputs.deploy-environments), '<name>')`: `name` is in the run's plan. */
export const planned = (name: string) =>
  `contains(fromJSON(needs.context.outputs.deploy-environments), '${name}')`;

/**
 * The `if:` of app.yml's `deploy-<env>` job: the run's plan names it; on a push the images were
 * built (a dispatch builds nothing: its image is in the registry already); and the environment it
 * is promoted from, when the plan names that one too, succeeded first.
 */
export function deployJobCondition(env: PipelineEnvironment): string {
  const parts = [
    '!cancelled()',
    "needs.context.result == 'success'",
    planned(env.name),
    "(needs.build.result == 'success' || github.event_name == 'workflow_dispatch')",
    // Grafana's image (pushed when grafana/ changed) is there before any stack pulls it.
    "needs.grafana.result == 'success'",
  ];
  if (env.promoteFrom)
    parts.push(`(needs.deploy-${env.promoteFrom}.result == 'success' || !${planned(env.promoteFrom)})`);
  return parts.join(' && ');
}

/** One row of the trigger table: how each environment gets deployed. */
export interface TriggerRow {
  readonly environment: string;
  /** `push to <branch>` (after the environment it is promoted from), or ''. */
  readonly push: string;
  /** What a Run workflow of app.yml with an image tag deploys. */
  readonly dispatch: string;
  /** `tag <glob>` pushed to the registry, or ''. */
  readonly imagePush: string;
  readonly approval: boolean;
}

export function triggerMatrix(context: PipelineContext): TriggerRow[] {
  return context.environments.map((env) => {
    const chain = promotionChain(context, env.name).map((e) => e.name);
    return {
      environment: env.name,
      push: env.branch
        ? `push to \`${env.branch}\`${env.promoteFrom ? ` (after ${env.promoteFrom}, same image)` : ''}`
        : '',
      dispatch: chain.length > 1 ? `${chain.join(' → ')}` : env.name,
      imagePush: env.imagePushTag
        ? `tag \`${env.imagePushTag}\` pushed to \`${context.registry.repository}\``
        : '',
      approval: env.approval,
    };
  });
}

/** The trigger table as Markdown (docs/pipelines.md holds it between markers; a test compares). */
export function triggerTable(context: PipelineContext): string {
  const rows = triggerMatrix(context).map(
    (r) =>
      `| ${r.environment} | ${r.push || '—'} | ${r.dispatch} | ${r.imagePush || '— (off)'} | ${r.approval ? 'required reviewers' : '—'} |`,
  );
  return [
    `| environment | push (\`app.yml\`) | Run workflow with an image tag (\`${REGISTRY_TRIGGER.workflow}\`) deploys | image pushed to the registry | approval |`,
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      environment: { type: 'string', default: '' },
      'image-tag': { type: 'string', default: '' },
      config: { type: 'string' },
    },
  });
  const context = pipelineContext(await loadConfig(values.config ?? defaultConfigPath()));
  const [command] = positionals;
  if (command === 'dispatch') {
    const plan = dispatchPlan(context, {
      environment: values.environment ?? '',
      imageTag: values['image-tag'] ?? '',
    });
    setOutput('deploy-environments', JSON.stringify(plan.environments));
    setOutput('image-tag', plan.imageTag);
    console.log(
      `deploying ${plan.environments.join(' → ')} ${plan.imageTag ? `with image ${plan.imageTag}` : '(infrastructure only: the running image stays)'}`,
    );
    return;
  }
  if (command === 'matrix') {
    console.log(triggerTable(context));
    return;
  }
  throw new Error(
    `usage: triggers.ts dispatch --environment <env> [--image-tag <tag>] | matrix (got "${command ?? ''}")`,
  );
}

if (isMain(import.meta.url)) run(main);
