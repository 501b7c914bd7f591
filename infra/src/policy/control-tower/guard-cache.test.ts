/*
 * The Control Tower controls' results per template, cached (`GuardOptions.cacheDir`):
 *   - a second run on the same template reads the result instead of running cfn-guard, with the
 *     same findings; the entry is what is read (an entry changed by hand changes the findings)
 *   - a changed template, or another set of controls (`controls`), is evaluated again
 *   - an entry that cannot be read counts as missing: evaluated again and written anew
 *   - without a folder nothing is cached
 *   - through CDK: the plugin given the folder reports the template it took from the cache
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { describe, expect, it } from 'vitest';
import { type GuardOptions, runGuard, runGuardParallel } from './guard.ts';
import { ControlTowerChecks } from './plugin.ts';

const ENV = { account: '111111111111', region: 'us-east-1' };

/** A task definition whose container has no memory limit (CT.ECS.PR.7 fires), or one with it. */
function taskTemplate(memoryLimitMiB?: number): string {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'slipway-ct-cache-')) });
  const stack = new Stack(app, 'Control', { env: ENV });
  new ecs.FargateTaskDefinition(stack, 'Task', { memoryLimitMiB: 512 }).addContainer('app', {
    image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
    user: '1000:1000',
    memoryLimitMiB,
  });
  return app.synth().getStackByName('Control').templateFullPath;
}

const lines = (run: { findings: { rule: { control: string }; logicalId: string }[] }) =>
  run.findings.map((f) => `${f.rule.control} ${f.logicalId}`).sort();

const entries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('the cache of results per template', () => {
  it('reads a template evaluated before instead of running cfn-guard again', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    const template = taskTemplate();
    const first = runGuard([template], { cacheDir });
    expect(first).toMatchObject({ evaluated: 1, cached: 0 });
    expect(lines(first)).toContain('CT.ECS.PR.7 Task79114B6B');
    expect(entries(cacheDir)).toHaveLength(1);

    const second = await runGuardParallel([template], { cacheDir });
    expect(second).toMatchObject({ evaluated: 0, cached: 1, rulesEvaluated: first.rulesEvaluated });
    expect(lines(second)).toEqual(lines(first));

    // What the entry says is what the run reports: it was read, not computed again.
    const [entry = ''] = entries(cacheDir);
    const file = join(cacheDir, entry);
    writeFileSync(file, readFileSync(file, 'utf8').replaceAll('Task79114B6B', 'EditedByHand'));
    expect(lines(runGuard([template], { cacheDir }))).toContain('CT.ECS.PR.7 EditedByHand');
  });

  it('evaluates a changed template and another set of controls again', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    runGuard([taskTemplate()], { cacheDir });
    const fixed = runGuard([taskTemplate(512)], { cacheDir });
    expect(fixed).toMatchObject({ evaluated: 1, cached: 0 });
    expect(lines(fixed).filter((l) => l.startsWith('CT.ECS.PR.7 '))).toEqual([]);

    const only: GuardOptions = { cacheDir, controls: ['CT.ECS.PR.7'] };
    const one = runGuard([taskTemplate()], only);
    expect(one).toMatchObject({ evaluated: 1, cached: 0, rulesEvaluated: 1 });
    expect(lines(one)).toEqual(['CT.ECS.PR.7 Task79114B6B']);
    expect(runGuard([taskTemplate()], only)).toMatchObject({ evaluated: 0, cached: 1 });
  });

  it('evaluates again over an entry it cannot read, and writes it anew', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    const template = taskTemplate();
    const first = runGuard([template], { cacheDir });
    const [entry = ''] = entries(cacheDir);
    writeFileSync(join(cacheDir, entry), '{"cut off');
    const again = runGuard([template], { cacheDir });
    expect(again).toMatchObject({ evaluated: 1, cached: 0 });
    expect(lines(again)).toEqual(lines(first));
    expect(() => JSON.parse(readFileSync(join(cacheDir, entry), 'utf8'))).not.toThrow();
  });

  it('caches nothing without a folder', () => {
    const template = taskTemplate();
    runGuard([template]);
    expect(runGuard([template])).toMatchObject({ evaluated: 1, cached: 0 });
  });

  it('lets the CDK plugin take a template from the cache, and says so in its report', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    runGuard([taskTemplate()], { cacheDir });
    const outdir = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    const app = new App({ outdir, context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
    const stack = new Stack(app, 'Control', { env: ENV });
    new ecs.FargateTaskDefinition(stack, 'Task', { memoryLimitMiB: 512 }).addContainer('app', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:24'),
      user: '1000:1000',
    });
    Validations.of(app).addPlugins(new ControlTowerChecks({ cacheDir }));
    app.synth();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        metadata?: Record<string, string>;
        violations: { ruleName: string }[];
      }[];
    };
    const entry = report.pluginReports.find((p) => p.pluginName === 'control-tower');
    expect(entry?.metadata?.templatesFromCache).toBe('1');
    expect(entry?.violations.map((v) => v.ruleName)).toContain('CT.ECS.PR.7');
  });
});
