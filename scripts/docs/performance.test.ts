/*
 * docs/performance.md's service section is generated from bench/results/service.json:
 *   - the page holds exactly what the generator writes from the committed results file
 *   - every verdict on the page follows from the result and the target printed beside it
 *   - the verdicts flip where the numbers cross the targets (checked on edited copies of the results)
 *   - no throughput verdict when the servers did not keep their CPU busy (another job had it)
 *   - the CLI section (bench/results/cli.json) likewise: what its generator writes, each verdict
 *     following from the printed ratio or seconds, flipping where the numbers cross the targets
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CliResults } from '../../bench/cli/results.ts';
import type { ServiceResults } from '../../bench/service/results.ts';
import {
  PERFORMANCE_PAGE,
  readServiceResults,
  renderServiceSection,
  SERVICE_END,
  SERVICE_START,
  withServiceSection,
} from './performance.ts';
import {
  CLI_END,
  CLI_START,
  cliTargetRows,
  readCliResults,
  renderCliSection,
  withCliSection,
} from './performance-cli.ts';

interface TargetRow {
  readonly target: string;
  readonly result: string;
  readonly verdict: string;
}

/** The rows of the "### Targets" table of a rendered section. */
function targetRows(text: string): TargetRow[] {
  const lines = text.split('\n');
  const start = lines.indexOf('### Targets');
  const rows: TargetRow[] = [];
  for (const line of lines.slice(start + 1)) {
    if (rows.length > 0 && !line.startsWith('|')) break;
    if (!line.startsWith('|') || line.startsWith('| target') || line.startsWith('|---')) continue;
    const [target = '', result = '', , verdict = ''] = line
      .split(' | ')
      .map((cell) => cell.replace(/^\| |\|$/g, '').trim());
    rows.push({ target, result, verdict });
  }
  return rows;
}

const number = (text: string) => Number(/[\d,]+(\.\d+)?/.exec(text)?.[0].replaceAll(',', '') ?? Number.NaN);

/** The verdict a reader reaches from the printed target ("≥ 85 %", "≤ 150 ms", "≤ 80 MB") and result. */
function expectedVerdict(row: TargetRow): string {
  const idle = /^no verdict: cores busy ([\d.]+) < ([\d.]+)/.exec(row.verdict);
  if (idle) {
    expect(Number(idle[1]), `${row.target}: cores busy below the bar`).toBeLessThan(Number(idle[2]));
    return row.verdict;
  }
  const match = /([≥≤]) ([\d,.]+) (%|ms|MB|×|s)(?=[\s,]|$)/.exec(row.target);
  if (!match) throw new Error(`target without a threshold: ${row.target}`);
  const [, op, threshold = '', unit] = match;
  const result = number(row.result);
  expect(row.result, `${row.target}: result in the target's unit`).toContain(` ${unit}`);
  const met = op === '≥' ? result >= number(threshold) : result <= number(threshold);
  return met ? 'met' : '**missed**';
}

/**
 * A copy of the results whose service answers `/health` at `ratio` of the raw server's rate in every
 * round, both servers keeping `cores` of a core busy.
 */
function withHealthRatio(results: ServiceResults, ratio: number, cores = 0.95): ServiceResults {
  return {
    ...results,
    rounds: results.rounds.map((r) => ({
      ...r,
      results: {
        ...r.results,
        health: {
          raw: { ...r.results.health.raw, cpuCores: cores },
          service: {
            ...r.results.health.service,
            cpuCores: cores,
            requestsPerSecond: r.results.health.raw.requestsPerSecond * ratio,
          },
        },
      },
    })),
  };
}

const results = readServiceResults();
const page = readFileSync(PERFORMANCE_PAGE, 'utf8');

describe('docs/performance.md, service section (npm run docs:performance rewrites it)', () => {
  it('is what the generator writes from bench/results/service.json', () => {
    expect(page).toBe(withServiceSection(page, renderServiceSection(results)));
  });

  it('lists five targets, each with a verdict that follows from the numbers printed beside it', () => {
    const rows = targetRows(page.slice(page.indexOf(SERVICE_START), page.indexOf(SERVICE_END)));
    expect(rows.map((row) => row.target.split(' ').slice(0, 2).join(' '))).toEqual([
      '`GET /health`',
      '`GET /api/items/:id`',
      'start →',
      'idle RSS',
      'RSS under',
    ]);
    for (const row of rows) expect(row.verdict, row.target).toBe(expectedVerdict(row));
  });

  it('marks /health met at the target ratio and missed just below it', () => {
    const at = targetRows(renderServiceSection(withHealthRatio(results, results.targets.throughputRatio)))[0];
    const below = targetRows(
      renderServiceSection(withHealthRatio(results, results.targets.throughputRatio - 0.002)),
    )[0];
    expect(at?.verdict).toBe('met');
    expect(below?.verdict).toBe('**missed**');
    expect(below?.result).toBe('84.8 %');
  });

  it('gives no throughput verdict when the servers were not CPU-bound (a busy machine)', () => {
    const starved = targetRows(renderServiceSection(withHealthRatio(results, 1.2, 0.3)))[0];
    expect(starved?.verdict).toBe('no verdict: cores busy 0.30 < 0.70 (machine busy; see the CPU ratio)');
  });

  it('marks start-up missed when the median start is above the target', () => {
    const slow = {
      ...results,
      starts: {
        ...results.starts,
        service: results.starts.service.map((s) => ({ ...s, readyMs: results.targets.startMs + 1 })),
      },
    };
    const row = targetRows(renderServiceSection(slow))[2];
    expect(row?.result).toBe(`${results.targets.startMs + 1} ms`);
    expect(row?.verdict).toBe('**missed**');
  });

  it("gives start-up against the raw server's as the median of the ratios of samples started back to back", () => {
    const sample = (readyMs: number, cpuMs: number) => ({ readyMs, cpuMs });
    const paired = {
      ...results,
      starts: {
        ...results.starts,
        // Pairs 3.0, 1.5 and 2.0 (median 2.0), where the ratio of the medians would be 300 / 100 = 3.0
        // (CPU: 2.0 against 90 / 40 = 2.25).
        service: [sample(300, 90), sample(150, 60), sample(400, 100)],
        raw: [sample(100, 30), sample(100, 40), sample(200, 50)],
      },
    };
    const section = renderServiceSection(paired);
    expect(targetRows(section)[2]?.result).toBe('300 ms');
    expect(section).toContain("2.00 × the raw server's start (CPU 2.00 ×)");
    expect(section).toContain('first `/ready` 200 2.00 ×, CPU until then 2.00 ×');
  });

  it('states the machine, the commit and the spread of the run', () => {
    const section = renderServiceSection(results);
    expect(section).toContain(`commit ${results.run.commit}`);
    expect(section).toContain(`Node ${results.run.node}`);
    expect(section).toContain(`${results.run.cores} × ${results.run.cpuModel}`);
    expect(section).toMatch(
      /\| `GET \/health` CPU per request \| [\d.]+ µs \| [\d.]+ µs \| raw \/ service \d+ % \| \d+ %–\d+ % \|/,
    );
  });

  it("states the servers' memory limit and Node options, or that there was no limit", () => {
    const run = (extra: Partial<ServiceResults['run']>) =>
      renderServiceSection({ ...results, run: { ...results.run, ...extra } });
    const limited = run({
      memoryLimit: { mib: 512, kind: 'cgroup v1' },
      nodeOptions: '--max-semi-space-size=16',
    });
    expect(limited).toContain(
      "Both servers in a 512 MiB memory limit (cgroup v1), as an ECS task's container has one; Node options from the image: `--max-semi-space-size=16`.",
    );
    expect(run({ memoryLimit: null, nodeOptions: '' })).toContain(
      'No memory limit (BENCH_MEMORY_MIB=0, or the machine did not let the benchmark set one); Node options from the image: `none`.',
    );
  });

  it('keeps the CLI section in its own markers', () => {
    expect(page).toMatch(/<!-- cli: generated [^\n]*-->\n[\s\S]*CLI benchmark[\s\S]*<!-- \/cli -->/);
    expect(page.indexOf('<!-- cli:')).toBeGreaterThan(page.indexOf(SERVICE_END));
  });
});

const cli = readCliResults() as CliResults;

/** A copy of the CLI results with every sample of `key` set to `ms`. */
function withSamples(key: keyof CliResults['samples'], ms: number): CliResults {
  const samples = cli.samples[key] ?? cli.samples.helpMs;
  return { ...cli, samples: { ...cli.samples, [key]: samples.map(() => ms) } };
}

describe('docs/performance.md, CLI section (npm run docs:performance rewrites it)', () => {
  it('is what the generator writes from bench/results/cli.json', () => {
    expect(cli, 'bench/results/cli.json (npm run bench:cli)').toBeDefined();
    expect(page).toBe(withCliSection(page, renderCliSection(cli)));
    expect(page.indexOf(CLI_START)).toBeGreaterThan(page.indexOf(SERVICE_END));
  });

  it('gives each target a verdict that follows from the ratio or the seconds printed beside it', () => {
    const rows = targetRows(page.slice(page.indexOf(CLI_START), page.indexOf(CLI_END)));
    expect(rows.map((row) => row.target.split(' ')[0])).toEqual(
      cli.samples.helpBuiltMs
        ? ['`slipway', '`slipway', '`slipway', '`slipway', '`slipway', '`slipway']
        : ['`slipway', '`slipway', '`slipway', '`slipway'],
    );
    for (const row of rows) expect(row.verdict, row.target).toBe(expectedVerdict(row));
  });

  it('marks --help met at the target ratio of bare Node and missed just above it', () => {
    const help = (helpMs: number): CliResults => ({
      ...cli,
      samples: {
        ...cli.samples,
        bareNodeMs: cli.samples.bareNodeMs.map(() => 100),
        helpMs: cli.samples.helpMs.map(() => helpMs),
      },
    });
    const row = (r: CliResults) => targetRows(`### Targets\n${cliTargetRows(r).join('\n')}`)[0];
    expect(row(help(100 * cli.targets.startRatio))?.verdict).toBe('met');
    const above = row(help(100 * cli.targets.startRatio + 6));
    expect(above?.result).toBe(`${(cli.targets.startRatio + 0.1).toFixed(1)} ×`);
    expect(above?.verdict).toBe('**missed**');
  });

  it('marks the cached plan met at the target seconds and missed just above', () => {
    const row = (r: CliResults) =>
      targetRows(`### Targets\n${cliTargetRows(r).join('\n')}`).find((x) => x.target.includes('cached'));
    expect(row(withSamples('planCachedMs', cli.targets.planCachedSeconds * 1000))?.verdict).toBe('met');
    const slow = row(withSamples('planCachedMs', cli.targets.planCachedSeconds * 1000 + 100));
    expect(slow?.result).toBe(`${(cli.targets.planCachedSeconds + 0.1).toFixed(1)} s`);
    expect(slow?.verdict).toBe('**missed**');
  });
});
