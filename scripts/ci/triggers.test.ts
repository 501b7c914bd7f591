/*
 * What each run of the app workflow deploys, from the config (scripts/ci/triggers.ts):
 *   - a dispatch of any environment of the shipped config, test included; with an image tag, prod
 *     comes after staging (promoteFrom), without one only prod's infrastructure is deployed
 *   - refused: a name that is not an environment (a preview, a typo), a tag Docker would refuse
 *   - `dispatch` writes the plan as step outputs; `context` on a push writes the branch's plan
 *     with the commit's sha and none on other events
 *   - the deploy job's condition names its environment, the build on pushes, and the environment
 *     it is promoted from
 *   - the trigger table of the shipped config, and of a config with the registry trigger on
 *   - `slipway ci context` (the workflows `slipway init` writes) plans every push and dispatch of
 *     the shipped config as this script does
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configVariant, shippedConfig } from '@slipway/testing/synth';
import { describe, expect, it } from 'vitest';
import * as cliPlan from '../../cli/src/commands/ci-plan.ts';
import { deployOrder, pipelineContext } from './pipeline.ts';
import { deployJobCondition, dispatchPlan, promotionChain, triggerMatrix } from './triggers.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Runs a script of scripts/ci as the workflow does; returns its outputs and status. */
function runScript(script: string, args: string[], env: Record<string, string>) {
  const output = join(mkdtempSync(join(tmpdir(), 'slipway-triggers-')), 'output');
  const result = spawnSync('npx', ['tsx', `scripts/ci/${script}`, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, GITHUB_OUTPUT: output },
  });
  let outputs: Record<string, string> = {};
  try {
    outputs = Object.fromEntries(
      readFileSync(output, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
  } catch {
    // no output file: the script failed before writing one
  }
  return { status: result.status, stdout: result.stdout, outputs };
}

describe('dispatch plans of the shipped config', () => {
  it('deploys each environment on demand, test included; prod with an image only after staging', async () => {
    const context = pipelineContext(await shippedConfig());
    const plan = (environment: string, imageTag = 'v1.2.3') =>
      dispatchPlan(context, { environment, imageTag }).environments;
    expect(plan('test')).toEqual(['test']);
    expect(plan('dev')).toEqual(['dev']);
    expect(plan('staging')).toEqual(['staging']);
    expect(plan('prod')).toEqual(['staging', 'prod']);
    expect(plan('prod', '')).toEqual(['prod']);
    expect(dispatchPlan(context, { environment: 'test', imageTag: 'rc-7' }).imageTag).toBe('rc-7');
  });

  it('refuses a name that is not an environment of the config and a tag Docker refuses', async () => {
    const context = pipelineContext(await shippedConfig());
    expect(() => dispatchPlan(context, { environment: 'pr-12', imageTag: '' })).toThrow(
      /"pr-12" is not an environment of slipway.config.ts \(dev, test, staging, prod\)/,
    );
    expect(() => dispatchPlan(context, { environment: 'test', imageTag: '-rf' })).toThrow(
      /image tag "-rf" is not a tag/,
    );
    expect(() => dispatchPlan(context, { environment: 'test', imageTag: 'a;b' })).toThrow(/is not a tag/);
  });

  it('follows a chain of promotions to its start', async () => {
    const config = await configVariant((c) => {
      (c.environments.staging as { promoteFrom?: string }).promoteFrom = 'test';
    });
    expect(promotionChain(pipelineContext(config), 'prod').map((e) => e.name)).toEqual([
      'test',
      'staging',
      'prod',
    ]);
  });
});

describe('the scripts as the workflow runs them', () => {
  it('dispatch writes the plan and the tag; a bad environment fails without writing any', () => {
    const ok = runScript('triggers.ts', ['dispatch', '--environment', 'prod', '--image-tag', 'v2'], {});
    expect(ok.status).toBe(0);
    expect(ok.outputs).toEqual({ 'deploy-environments': '["staging","prod"]', 'image-tag': 'v2' });
    const bad = runScript('triggers.ts', ['dispatch', '--environment', 'qa', '--image-tag', ''], {});
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('::error::deploy refused');
    expect(bad.outputs).toEqual({});
  });

  it('context plans a push of a deploy branch with the commit, and nothing for other events', () => {
    const sha = 'a'.repeat(40);
    const push = runScript('pipeline.ts', ['context'], {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: sha,
    });
    expect(push.outputs['deploy-environments']).toBe('["staging","prod"]');
    expect(push.outputs['image-tag']).toBe(sha);
    const dispatch = runScript('pipeline.ts', ['context'], {
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: sha,
    });
    expect(dispatch.outputs['deploy-environments']).toBe('[]');
    expect(dispatch.outputs['image-tag']).toBe('');
  });
});

describe('deploy job conditions', () => {
  it('name the environment, the build on pushes, and the environment it is promoted from', async () => {
    const context = pipelineContext(await shippedConfig());
    const prod = context.environments.find((e) => e.name === 'prod');
    const test = context.environments.find((e) => e.name === 'test');
    if (!prod || !test) throw new Error('shipped config without prod or test');
    expect(deployJobCondition(test)).toBe(
      "!cancelled() && needs.context.result == 'success' && contains(fromJSON(needs.context.outputs.deploy-environments), 'test') && (needs.build.result == 'success' || github.event_name == 'workflow_dispatch') && needs.grafana.result == 'success'",
    );
    expect(deployJobCondition(prod)).toContain(
      "(needs.deploy-staging.result == 'success' || !contains(fromJSON(needs.context.outputs.deploy-environments), 'staging'))",
    );
  });
});

describe('trigger matrix', () => {
  it('of the shipped config: develop → dev, main → staging → prod, test on demand only', async () => {
    const rows = triggerMatrix(pipelineContext(await shippedConfig()));
    expect(rows.map((r) => [r.environment, r.push, r.dispatch, r.imagePush, r.approval])).toEqual([
      ['dev', 'push to `develop`', 'dev', '', false],
      ['test', '', 'test', '', false],
      ['staging', 'push to `main`', 'staging', '', false],
      ['prod', 'push to `main` (after staging, same image)', 'staging → prod', '', true],
    ]);
  });

  it('names the tag pattern of an environment that deploys on image push', async () => {
    const config = await configVariant((c) => {
      c.github = { owner: 'example-org', repository: 'slipway', appId: 123456 };
      (c.environments.test as { deployOnImagePush?: unknown }).deployOnImagePush = { tagPattern: 'rc-*' };
    });
    const test = triggerMatrix(pipelineContext(config)).find((r) => r.environment === 'test');
    expect(test?.imagePush).toBe('tag `rc-*` pushed to `slipway`');
  });
});

describe('the same model in the CLI', () => {
  it('plans every push and dispatch of the shipped config as slipway ci context does', async () => {
    const config = await shippedConfig();
    const context = pipelineContext(config);
    for (const branch of ['develop', 'main', 'feature/x']) {
      const ours = deployOrder(context, branch).map((e) => e.name);
      expect(cliPlan.pushPlan(config, branch, 'sha').environments, branch).toEqual(ours);
    }
    for (const env of context.environments)
      for (const imageTag of ['', 'v1.0.0'])
        expect(cliPlan.dispatchPlan(config, env.name, imageTag), `${env.name} ${imageTag}`).toEqual(
          dispatchPlan(context, { environment: env.name, imageTag }),
        );
  });
});
