/*
 * `slipway docs` and the generated pages in docs/generated/:
 *   - each committed page equals what `slipway docs` generates now (regenerated in memory)
 *   - `docs <env> --out <dir>` writes that page there, and prints its path
 *   - `docs --all` writes one page per configured environment
 *   - an --out that is a file is SW203, with nothing written
 *   - the page carries the full cost detail (how each line is reached) that plan's table leaves out
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SlipwayConfig } from '@slipway/config';
import { shippedAssembly, shippedConfig } from '@slipway/testing/cli/fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../context.ts';
import { CliError } from '../errors.ts';
import { captureIo } from '../io.ts';
import type { Synthesized } from '../synth/synthesize.ts';
import { docs, renderDocsPages } from './docs.ts';

let config: SlipwayConfig;
let synthesized: Synthesized;

beforeAll(async () => {
  config = await shippedConfig();
  synthesized = await shippedAssembly();
});

describe('docs/generated', () => {
  it('holds the current page of every environment (else run `npx slipway docs --all`)', () => {
    const names = Object.keys(config.environments);
    const pages = renderDocsPages(config, synthesized, names);
    for (const [name, page] of pages) {
      const file = join(paths.generated, `${name}.md`);
      const committed = existsSync(file) ? readFileSync(file, 'utf8') : '';
      expect(committed, `docs/generated/${name}.md is stale: run \`npx slipway docs --all\``).toBe(page);
    }
    const extra = readdirSync(paths.generated).filter((f) => !names.includes(f.replace(/\.md$/, '')));
    expect(extra, 'pages of no configured environment (remove them)').toEqual([]);
  });

  it('carries how each cost line is reached, which plan prints only in --json', () => {
    const page = renderDocsPages(config, synthesized, ['dev']).get('dev') ?? '';
    expect(page).toContain('| stack | item | how | USD/month |');
    expect(page).toMatch(
      /\| service \| Application Load Balancer \| 1 × 730 h × \$[\d.]+\/h \| \$\d+\.\d\d \|/,
    );
  });
});

describe('slipway docs', () => {
  it('writes the page of one environment into --out and prints its path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-docs-'));
    const cap = captureIo();
    expect(await docs(config, 'dev', { out: dir, synthesized }, cap.io)).toBe(0);
    expect(readdirSync(dir)).toEqual(['dev.md']);
    expect(readFileSync(join(dir, 'dev.md'), 'utf8')).toBe(
      renderDocsPages(config, synthesized, ['dev']).get('dev'),
    );
    expect(cap.stdout()).toBe(`${join(dir, 'dev.md')}\n`);
  });

  it('writes every configured environment with --all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-docs-all-'));
    await docs(config, undefined, { all: true, out: dir, synthesized }, captureIo().io);
    expect(readdirSync(dir).sort()).toEqual(
      Object.keys(config.environments)
        .map((n) => `${n}.md`)
        .sort(),
    );
  });

  it('refuses an --out that is a file and writes nothing', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'slipway-docs-out-')), 'page.md');
    writeFileSync(file, 'mine');
    const error = await docs(config, 'dev', { out: file, synthesized }, captureIo().io).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).code).toBe('SW203');
    expect((error as CliError).next).toBe('slipway docs --out <directory>');
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });
});
