/*
 * The app workflow's `grafana` job against the rest of the pipeline:
 *   - it builds grafana/Dockerfile (context grafana/) with the shared build-image action, scanned
 *     with Trivy there, and pushes to `<app>-grafana` (the context's registry URI plus `-grafana`)
 *     with the tag scripts/ci/grafana-image-tag.ts writes; it runs only when the context job saw
 *     grafana/ change, after the quality gate; it skips the build when that tag is already pushed
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

  it('runs only when grafana/ changed, after the quality gate', () => {
    expect(needsOf(job())).toEqual(['context', 'quality']);
    expect(job().if).toContain("needs.context.outputs.grafana == 'true'");
    expect(job().if).toContain("needs.quality.result == 'success'");
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
