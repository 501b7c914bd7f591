/*
 * Every environment, every trigger: app.yml against slipway.config.ts.
 *   - push triggers on exactly the branches the config names
 *   - one deploy job per environment of the config (test included), each deploying the image the
 *     context job planned, after the build and after the environment it is promoted from, and
 *     running exactly when the plan names it (the `if:` computed by scripts/ci/triggers.ts)
 *   - workflow_dispatch offers exactly the config's environments and an optional image tag, which
 *     the context job checks with `triggers.ts dispatch` before anything deploys; the inputs are
 *     the ones the registry trigger's function sends
 *   - negative controls: a config whose branches or environments changed is reported as a mismatch
 *   - docs/pipelines.md holds the trigger table computed from the config
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REGISTRY_TRIGGER } from '@slipway/config/contract';
import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { describe, expect, it } from 'vitest';
import { type PipelineContext, pipelineContext } from '../../scripts/ci/pipeline.ts';
import { deployJobCondition, triggerTable } from '../../scripts/ci/triggers.ts';
import { type Job, needsOf, ROOT, type Workflow, workflow } from './load.ts';

const gha = (expression: string) => ['$', '{{ ', expression, ' }}'].join('');
const flat = (text: unknown) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .trim();

interface DispatchInput {
  type: string;
  required?: boolean;
  default?: unknown;
  options?: string[];
}

/** Everything in app.yml that disagrees with the config, one line each (empty when they agree). */
function appMismatches(app: Workflow, context: PipelineContext): string[] {
  const problems: string[] = [];
  const branches = [...new Set(context.environments.flatMap((e) => (e.branch ? [e.branch] : [])))].sort();
  const pushed = [...((app.on.push as { branches?: string[] })?.branches ?? [])].sort();
  if (JSON.stringify(pushed) !== JSON.stringify(branches))
    problems.push(
      `on.push.branches is [${pushed.join(', ')}]; the config's branches are [${branches.join(', ')}]`,
    );
  const dispatch = (app.on.workflow_dispatch as { inputs?: Record<string, DispatchInput> })?.inputs ?? {};
  const names = context.environments.map((e) => e.name);
  if (JSON.stringify(dispatch.environment?.options) !== JSON.stringify(names))
    problems.push(
      `workflow_dispatch offers [${dispatch.environment?.options}]; the config has [${names.join(', ')}]`,
    );
  const deployJobs = Object.entries(app.jobs).filter(([, j]) => j.uses === './.github/workflows/deploy.yml');
  const extra = deployJobs.filter(([, j]) => !names.includes(String(j.with?.environment)));
  for (const [id] of extra) problems.push(`job ${id} deploys an environment the config does not have`);
  for (const env of context.environments) {
    const id = `deploy-${env.name}`;
    const job = app.jobs[id] as Job | undefined;
    if (!job) {
      problems.push(`no job ${id}: add one like deploy-test, with the condition of triggers.ts`);
      continue;
    }
    if (job.with?.environment !== env.name) problems.push(`${id} deploys ${String(job.with?.environment)}`);
    if (job.with?.['image-tag'] !== gha('needs.context.outputs.image-tag'))
      problems.push(`${id} does not deploy the planned image (needs.context.outputs.image-tag)`);
    const needs = ['context', 'build', 'grafana', ...(env.promoteFrom ? [`deploy-${env.promoteFrom}`] : [])];
    if (JSON.stringify(needsOf(job)) !== JSON.stringify(needs))
      problems.push(`${id} needs [${needsOf(job).join(', ')}]; expected [${needs.join(', ')}]`);
    if (flat(job.if) !== deployJobCondition(env))
      problems.push(`${id} runs if: ${flat(job.if)}\n  expected: ${deployJobCondition(env)}`);
  }
  return problems;
}

describe('app.yml deploys every environment of slipway.config.ts', () => {
  it('agrees with the shipped config: branches, one job per environment, conditions, dispatch choices', async () => {
    expect(appMismatches(workflow('app.yml'), pipelineContext(await shippedConfig()))).toEqual([]);
  });

  it('deploys test, which has no branch, on demand', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(context.environments.find((e) => e.name === 'test')?.branch).toBeNull();
    expect(workflow('app.yml').jobs['deploy-test']?.with?.environment).toBe('test');
  });

  it('reports a config whose branch changed (negative control)', async () => {
    const config = await configVariant((c) => {
      (c.environments.test as { branch?: string }).branch = 'qa';
    });
    expect(appMismatches(workflow('app.yml'), pipelineContext(config))).toEqual([
      "on.push.branches is [develop, main]; the config's branches are [develop, main, qa]",
    ]);
  });

  it('reports a config with an environment that has no job, and a promotion the jobs do not follow (negative control)', async () => {
    const config = await configVariant((c) => {
      const test = c.environments.test;
      if (!test) throw new Error('the shipped config has no test environment');
      c.environments.qa = { ...structuredClone(test), network: { cidr: '10.9.0.0/16' } };
      (c.environments.staging as { promoteFrom?: string }).promoteFrom = 'dev';
    });
    const problems = appMismatches(workflow('app.yml'), pipelineContext(config));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^workflow_dispatch offers \[dev,test,staging,prod\]/),
        'no job deploy-qa: add one like deploy-test, with the condition of triggers.ts',
        'deploy-staging needs [context, build, grafana]; expected [context, build, grafana, deploy-dev]',
        expect.stringMatching(/^deploy-staging runs if: /),
      ]),
    );
  });
});

describe('on demand: workflow_dispatch', () => {
  const app = workflow('app.yml');
  const inputs = (app.on.workflow_dispatch as { inputs: Record<string, DispatchInput> }).inputs;
  const context = app.jobs.context as Job;

  it('takes the inputs the registry trigger sends: a required environment and an optional image tag', () => {
    expect(REGISTRY_TRIGGER.workflow).toBe('app.yml');
    expect(Object.keys(inputs).sort()).toEqual(Object.values(REGISTRY_TRIGGER.inputs).sort());
    expect(inputs.environment).toMatchObject({ type: 'choice', required: true });
    expect(inputs['image-tag']).toMatchObject({ type: 'string', required: false, default: '' });
  });

  it('checks the request against the config in the context job, whose plan the deploy jobs read', () => {
    const step = (context.steps ?? []).find((s) => s.id === 'dispatch');
    expect(step?.if).toBe("github.event_name == 'workflow_dispatch'");
    expect(step?.env).toEqual({ ENVIRONMENT: gha('inputs.environment'), IMAGE_TAG: gha('inputs.image-tag') });
    expect(step?.run).toBe(
      'npx tsx scripts/ci/triggers.ts dispatch --environment "$ENVIRONMENT" --image-tag "$IMAGE_TAG"',
    );
    const outputs = (context as Job & { outputs: Record<string, string> }).outputs;
    expect(outputs['deploy-environments']).toBe(
      gha('steps.dispatch.outputs.deploy-environments || steps.context.outputs.deploy-environments'),
    );
    expect(outputs['image-tag']).toBe(
      gha('steps.dispatch.outputs.image-tag || steps.context.outputs.image-tag'),
    );
  });

  it('builds nothing and runs no quality gate, release or Grafana build on a dispatch', () => {
    expect(app.jobs.quality?.if).toBe("github.event_name == 'push'");
    expect(flat(app.jobs.build?.if)).toContain("needs.quality.result == 'success'");
    expect(flat(app.jobs.release?.if)).toContain("github.event_name == 'push'");
    expect(flat(app.jobs.grafana?.if)).toContain("needs.quality.result == 'success'");
  });
});

describe('docs/pipelines.md', () => {
  it('holds the trigger table computed from slipway.config.ts (npx tsx scripts/ci/triggers.ts matrix)', async () => {
    const doc = readFileSync(join(ROOT, 'docs/pipelines.md'), 'utf8');
    const table = /<!-- triggers:start -->\n([\s\S]*?)\n<!-- triggers:end -->/.exec(doc)?.[1];
    expect(table).toBe(triggerTable(pipelineContext(await shippedConfig())));
  });
});
