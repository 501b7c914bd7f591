/*
 * `slipway plan`'s report and flags, run in process on the shipped config's assembly (cfn-lint
 * off, so no tool on PATH is needed):
 *   - every line of the report, for every environment, fits a 100-column terminal
 *   - the cost table keeps stack, item and amount; how each line is reached is in --json only
 *   - every usage assumption a † line rests on is named, in the account sections too
 *   - the account-level stacks are named by their layer (audit, registry), not a cut-off name
 *   - plan writes nothing into the repository; --write-docs and --out do, --out refuses a file
 *   - --json prints only the JSON document on stdout, with --all too
 *   - <env> together with --all, and neither, are SW203 naming both forms
 */
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../context.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { type PlanOptions, type PlanResult, plan } from './plan.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;

beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

async function runPlan(env: string | undefined, options: PlanOptions = {}) {
  const cap = captureIo();
  const { exitCode, result } = await plan(
    config,
    env,
    { synthesized, cfnLintAvailable: false, ...options },
    cap.io,
  );
  return { exitCode, result, out: cap.stdout(), err: cap.stderr() };
}

describe('slipway plan report', () => {
  let all: { out: string; result: PlanResult };

  beforeAll(async () => {
    all = await runPlan(undefined, { all: true });
  });

  it('fits every line of every environment in 100 columns', async () => {
    expect(all.result.environments.map((e) => e.name)).toEqual(Object.keys(config.environments));
    for (const env of Object.keys(config.environments)) {
      const { out } = await runPlan(env);
      const long = out.split('\n').filter((line) => line.length > 100);
      expect(long, `${env}: lines over 100 characters`).toEqual([]);
    }
    expect(all.out.split('\n').filter((line) => line.length > 100)).toEqual([]);
  });

  it('prints each cost line as stack, item and amount; how it is reached only in --json', () => {
    const dev = all.result.environments.find((e) => e.name === 'dev');
    const line = dev?.cost.lines.find((l) => l.item.startsWith('Application Load Balancer'));
    expect(line).toBeDefined();
    expect(all.out).toMatch(/^ {2}service +Application Load Balancer +\$\d+\.\d\d$/m);
    expect(all.out).not.toContain(line?.detail);
  });

  it('names every usage assumption a † line rests on, in the account sections too', () => {
    const sections = all.out.split(/^━━ /m).slice(1);
    for (const section of sections) {
      if (!section.includes(' †')) continue;
      expect(section, section.split('\n')[0]).toMatch(/† usage assumption: \w+=/);
    }
    expect(sections.some((s) => s.startsWith('account') && s.includes('† usage assumption'))).toBe(true);
  });

  it('names the account-level stacks by their layer in the cost table', () => {
    const account = all.out.split(/^━━ /m).find((s) => s.startsWith('account 111111111111')) ?? '';
    expect(account).toMatch(/^ {2}audit +KMS key/m);
    expect(account).toMatch(/^ {2}registry +ECR image storage/m);
  });

  it('prints only the JSON document on stdout with --json, for --all too', async () => {
    const { out } = await runPlan(undefined, { all: true, json: true });
    const parsed = JSON.parse(out) as PlanResult;
    expect(parsed.environments).toHaveLength(Object.keys(config.environments).length);
    expect(parsed.environments[0]?.cost.lines[0]?.detail).toMatch(/\$/);
    expect(parsed.docsWritten).toBe(false);
  });
});

describe('slipway plan writes', () => {
  it('nothing into the repository without --write-docs', async () => {
    const before = readdirSync(paths.generated).map((f) => [f, statSync(join(paths.generated, f)).mtimeMs]);
    const { out } = await runPlan('dev');
    const after = readdirSync(paths.generated).map((f) => [f, statSync(join(paths.generated, f)).mtimeMs]);
    expect(after).toEqual(before);
    expect(out).toContain(
      'Diagram and cost detail: docs/generated/dev.md (written by: npx slipway docs dev)',
    );
  });

  it('the environment pages into --out (which implies --write-docs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-plan-docs-'));
    const { out, result } = await runPlan('dev', { out: dir });
    expect(readdirSync(dir)).toEqual(['dev.md']);
    expect(result.docsWritten).toBe(true);
    expect(out).toContain(`Diagram and cost detail: ${join(dir, 'dev.md')} (written)`);
  });

  it('refuses an --out that is a file, before any work', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-plan-out-')), 'notes.txt');
    writeFileSync(file, 'mine');
    const error = await runPlan('dev', { out: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW203');
    expect((error as CliError).message).toContain(`--out "${file}" is a file`);
  });
});

describe('slipway plan arguments', () => {
  it('refuses an environment together with --all, naming both forms', async () => {
    const error = (await runPlan('dev', { all: true }).catch((e: unknown) => e)) as CliError;
    expect(error.code).toBe('SW203');
    expect(error.next).toBe('slipway plan dev or slipway plan --all');
  });

  it('refuses neither an environment nor --all', async () => {
    const error = (await runPlan(undefined).catch((e: unknown) => e)) as CliError;
    expect(error.code).toBe('SW203');
    expect(error.next).toBe('slipway plan dev or slipway plan --all');
  });
});
