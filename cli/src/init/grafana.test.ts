/*
 * Grafana's image in what `slipway init` writes: `slipway ci context` gives its repository, the tag
 * synth pulls and the folder to build, and the written app.yml pushes it before any deploy.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@slipway/config';
import { grafanaImageTag } from '@slipway/config/contract';
import { GRAFANA_ROOT } from '@slipway/infra/src/package-files.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ciContext } from '../commands/ci.ts';
import { initCommand } from '../commands/init.ts';
import { captureIo } from '../io.ts';
import { appWorkflow } from './app-workflow.ts';
import { WORKFLOW_ENVIRONMENTS } from './run.ts';

interface Job {
  if?: string;
  needs?: string | string[];
  steps?: { id?: string; uses?: string; run?: string; with?: Record<string, string> }[];
}

const examples = fileURLToPath(new URL('../../../examples', import.meta.url));
const configPackage = fileURLToPath(new URL('../../../config', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'slipway-init-grafana-'));
const dir = join(scratch, 'shop');
let config: Awaited<ReturnType<typeof loadConfig>>;
let jobs: Record<string, Job>;

beforeAll(async () => {
  cpSync(join(examples, 'django'), dir, { recursive: true });
  rmSync(join(dir, 'slipway.config.ts'));
  mkdirSync(join(dir, 'node_modules/@slipway'), { recursive: true });
  symlinkSync(configPackage, join(dir, 'node_modules/@slipway/config'));
  expect(await initCommand({ yes: true, plan: false }, captureIo().io, dir)).toBe(0);
  config = await loadConfig(join(dir, 'slipway.config.ts'));
  jobs = (
    parse(readFileSync(join(dir, '.github/workflows/app.yml'), 'utf8')) as { jobs: Record<string, Job> }
  ).jobs;
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('slipway ci context: Grafana', () => {
  it('gives the repository, the tag synth pulls and the folder to build, when an environment runs Grafana', () => {
    const out = ciContext(config, { branch: 'main' });
    expect(out['grafana-repository']).toBe(`${config.app.name}-grafana`);
    // The tag the observability stack pulls: the same function over the same folder.
    expect(out['grafana-tag']).toBe(grafanaImageTag(fileURLToPath(GRAFANA_ROOT)));
    expect(out['grafana-tag']).toMatch(/^g-[0-9a-f]{16}$/);
    const context = out['grafana-context'] as string;
    expect(resolve(context)).toBe(resolve(fileURLToPath(GRAFANA_ROOT)));
    expect(existsSync(join(context, 'Dockerfile'))).toBe(true);
  });

  it('gives empty values when no environment runs Grafana', () => {
    const off = Object.fromEntries(
      Object.entries(config.environments).map(([name, env]) => [
        name,
        { ...env, grafana: { ...env.grafana, enabled: false } },
      ]),
    );
    const out = ciContext({ ...config, environments: off } as typeof config, { branch: 'main' });
    expect([out['grafana-repository'], out['grafana-tag'], out['grafana-context']]).toEqual(['', '', '']);
    expect(out.images).toBeDefined();
  });
});

describe('slipway init: the Grafana image job of app.yml', () => {
  it('skips a tag already in ECR, else builds, scans and pushes grafana-context as grafana-tag', () => {
    const job = jobs.grafana as Job;
    expect(job).toBeDefined();
    expect(job.needs).toBe('context');
    const steps = job.steps ?? [];
    expect(steps.some((s) => s.with?.['role-to-assume']?.includes('push-role-arn'))).toBe(true);
    const exists = steps.find((s) => s.id === 'exists');
    expect(exists?.run).toContain('aws ecr describe-images');
    const build = steps.find((s) => s.uses?.startsWith('docker/build-push-action'));
    expect(build?.with?.context).toBe(`\${{ needs.context.outputs.grafana-context }}`);
    expect(build?.with?.tags).toContain(`\${{ needs.context.outputs.grafana-tag }}`);
    expect(steps.some((s) => s.uses?.startsWith('aquasecurity/trivy-action'))).toBe(true);
    const push = steps.find((s) => s.run?.includes('docker push'));
    expect(push?.run).toContain('$registry/$REPOSITORY:$TAG');
    for (const step of steps.slice(steps.indexOf(exists as never) + 1))
      expect((step as { if?: string }).if).toBe("steps.exists.outputs.found != 'true'");
  });

  it('makes every deploy job need it and its success', () => {
    const deploys = Object.entries(jobs).filter(([name]) => name.startsWith('deploy-'));
    expect(deploys.map(([name]) => name)).toEqual(['deploy-dev', 'deploy-staging', 'deploy-prod']);
    for (const [, job] of deploys) {
      expect(job.needs).toContain('grafana');
      expect(job.if).toContain("needs.grafana.result == 'success'");
    }
  });

  it('has no Grafana job, and no deploy waits for one, without Grafana', () => {
    const app = parse(appWorkflow(WORKFLOW_ENVIRONMENTS, false)) as { jobs: Record<string, Job> };
    expect(app.jobs.grafana).toBeUndefined();
    for (const [name, job] of Object.entries(app.jobs))
      if (name.startsWith('deploy-')) expect(`${job.needs} ${job.if}`).not.toContain('grafana');
  });
});
