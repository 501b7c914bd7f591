/*
 * The image builds of app.yml and preview.yml, against the pipeline context:
 *   - both build every image in a matrix over the context's `images` output, one leg per image;
 *     each leg takes its context, Dockerfile, repository URI and cache scope from its matrix entry,
 *     and every field the workflows read exists in the context's images (two-image config)
 *   - one failing leg stops the others (a deploy needs every image of the commit)
 *   - app.yml: the deploys need the build; preview.yml: the build runs in the `preview` GitHub
 *     Environment (which the push role trusts) and the deploy needs it, but also runs when no
 *     image is built
 *   - `pipeline.ts context` writes `images` as one JSON line the matrix reads, and `image-build`
 */

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configVariant } from '@slipway/testing/synth';
import { afterAll, describe, expect, it } from 'vitest';
import { pipelineContext } from '../../scripts/ci/pipeline.ts';
import { type Job, needsOf, ROOT, workflow } from './load.ts';

const gha = (expression: string) => `\${{ ${expression} }}`;

function buildStep(job: Job) {
  const step = (job.steps ?? []).find((s) => s.uses === './.github/actions/build-image');
  if (!step) throw new Error('no build-image step');
  return step;
}

/** The `matrix.image.<field>` names a job reads. */
function matrixFields(job: Job): string[] {
  const text = JSON.stringify(job);
  return [...new Set([...text.matchAll(/matrix\.image\.(\w+)/g)].map((m) => m[1] as string))].sort();
}

const builds = [
  { file: 'app.yml', job: 'build' },
  { file: 'preview.yml', job: 'build' },
] as const;

describe('image builds', () => {
  it.each(builds)('$file builds one matrix leg per image of the context', ({ file, job: id }) => {
    const job = workflow(file).jobs[id] as Job;
    expect(job.strategy).toEqual({
      'fail-fast': true,
      matrix: { image: gha('fromJSON(needs.context.outputs.images)') },
    });
    expect(buildStep(job).with).toMatchObject({
      context: gha('matrix.image.context'),
      dockerfile: gha('matrix.image.dockerfile'),
      'registry-uri': gha('matrix.image.uri'),
      'cache-scope': gha('matrix.image.cacheScope'),
    });
    expect(job.if).toContain("needs.context.outputs.image-build == 'true'");
  });

  it.each(builds)('$file reads only fields the context gives each image', async ({ file, job: id }) => {
    const context = pipelineContext(
      await configVariant((c) => {
        const { name, database } = c.app;
        c.app = { name, database };
        c.services = {
          web: { type: 'web', image: { build: {} }, database: true },
          admin: {
            type: 'web',
            image: { build: { context: 'admin', dockerfile: 'admin/Dockerfile' } },
            route: { paths: ['/admin/*'] },
          },
        };
      }),
    );
    expect(context.images).toHaveLength(2);
    for (const image of context.images) {
      for (const field of matrixFields(workflow(file).jobs[id] as Job)) {
        expect(image, `${file} reads matrix.image.${field}`).toHaveProperty(field);
      }
    }
  });

  it('deploys from app.yml only after every image is built', () => {
    const app = workflow('app.yml');
    const deploys = Object.entries(app.jobs).filter(([id]) => id.startsWith('deploy-'));
    expect(deploys.length).toBeGreaterThan(0);
    for (const [id, job] of deploys) expect(needsOf(job), id).toContain('build');
  });

  it('builds previews in the preview GitHub Environment, and deploys them after the build or without one', () => {
    const preview = workflow('preview.yml');
    expect((preview.jobs.build as Job).environment).toEqual({ name: 'preview' });
    const deploy = preview.jobs.deploy as Job;
    expect(needsOf(deploy)).toEqual(['context', 'build']);
    expect(deploy.if).toContain("needs.build.result == 'success' || needs.build.result == 'skipped'");
    expect(JSON.stringify(deploy.steps)).not.toContain('build-image');
  });
});

describe('pipeline.ts context', () => {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-context-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the images as one JSON line the build matrix reads', () => {
    const output = join(dir, 'output');
    execFileSync(process.execPath, ['--import', 'tsx', 'scripts/ci/pipeline.ts', 'context'], {
      cwd: ROOT,
      env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_REF: 'refs/heads/main' },
      stdio: 'pipe',
    });
    const lines = readFileSync(output, 'utf8').split('\n');
    const images = JSON.parse(lines.find((l) => l.startsWith('images='))?.slice('images='.length) ?? '');
    expect(images).toEqual([expect.objectContaining({ service: 'web', dockerfile: 'app/Dockerfile' })]);
    expect(lines).toContain('image-build=true');
  });

  it("gives a subfolder config's build paths relative to the checkout, where the build runs", () => {
    const output = join(dir, 'output-subfolder');
    // The FastAPI example builds `context: '.'` and `dockerfile: 'Dockerfile'` beside its config.
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/ci/pipeline.ts',
        'context',
        '--config',
        'examples/fastapi/slipway.config.ts',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, GITHUB_OUTPUT: output, GITHUB_REF: 'refs/heads/main' },
        stdio: 'pipe',
      },
    );
    const lines = readFileSync(output, 'utf8').split('\n');
    const images = JSON.parse(lines.find((l) => l.startsWith('images='))?.slice('images='.length) ?? '');
    expect(images).toEqual([
      expect.objectContaining({ context: 'examples/fastapi', dockerfile: 'examples/fastapi/Dockerfile' }),
    ]);
    expect(existsSync(join(ROOT, images[0].dockerfile))).toBe(true);
  });
});
