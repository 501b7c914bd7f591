/*
 * The app workflow's `grafana` job against the rest of the pipeline:
 *   - it builds grafana/Dockerfile (context grafana/) with the shared build-image action, scanned
 *     with Trivy there, and pushes to `<app>-grafana` (the context's registry URI plus `-grafana`)
 *     with the tag scripts/ci/grafana-image-tag.ts writes; it runs on every push (after the quality
 *     gate) and Run workflow, before every deploy job; it skips the build when that tag is already pushed
 *   - the script's tag is the one synth gives the task definition (the same folder, the same hash),
 *     and its repository is the one the registry stack creates
 */
import { fileURLToPath } from 'node:url';
import { grafanaImageTag, grafanaRepositoryName } from '@slipway/config/contract';
import { shippedConfig } from '@slipway/testing/synth';
import { describe, expect, it } from 'vitest';
import { GRAFANA_ROOT } from '../../infra/src/package-files.ts';
import { grafanaImage } from '../../scripts/ci/grafana-image-tag.ts';
import { pipelineContext } from '../../scripts/ci/pipeline.ts';
import { type Job, needsOf, workflow } from './load.ts';

const gha = (expression: string) => `\${{ ${expression} }}`;
const job = () => workflow('app.yml').jobs.grafana as Job;

describe('the grafana job of app.yml', () => {
  it('builds grafana/Dockerfile and pushes the content tag to <app>-grafana', () => {
    const steps = job().steps ?? [];
    const build = steps.find((s) => s.uses === './.github/actions/build-image');
    expect(build?.with).toMatchObject({
      context: 'grafana',
      dockerfile: 'grafana/Dockerfile',
      'registry-uri': `${gha('needs.context.outputs.registry-uri')}-grafana`,
      tags: gha('steps.image.outputs.tag'),
      'push-role-arn': gha('needs.context.outputs.push-role-arn'),
    });
    expect(build?.if).toBe("steps.exists.outputs.found != 'true'");
    const image = steps.find((s) => s.id === 'image');
    expect(image?.run).toBe('npx tsx scripts/ci/grafana-image-tag.ts');
    expect(steps.find((s) => s.id === 'exists')?.run).toContain('aws ecr describe-images');
  });

  it('runs on every push after the quality gate and on Run workflow, never on a pull request', () => {
    expect(needsOf(job())).toEqual(['context', 'quality']);
    expect(job().if).toContain("needs.quality.result == 'success'");
    expect(job().if).toContain("github.event_name != 'pull_request'");
  });

  it('is there before every deploy job: a deploy never waits for a missing Grafana image', () => {
    const deploys = Object.entries(workflow('app.yml').jobs).filter(([id]) => id.startsWith('deploy-'));
    expect(deploys.length).toBeGreaterThan(0);
    for (const [id, deploy] of deploys) {
      expect(needsOf(deploy as Job), id).toContain('grafana');
      expect(String((deploy as Job).if), id).toContain("needs.grafana.result == 'success'");
    }
  });

  it('pushes the tag synth pulls, to the repository the registry stack creates', async () => {
    const config = await shippedConfig();
    const image = await grafanaImage();
    expect(image.tag).toBe(grafanaImageTag(fileURLToPath(GRAFANA_ROOT)));
    expect(image.repository).toBe(grafanaRepositoryName(config.app.name));
    const context = pipelineContext(config);
    expect(`${context.registry.uri}-grafana`).toBe(`${context.registry.host}/${image.repository}`);
  });
});
