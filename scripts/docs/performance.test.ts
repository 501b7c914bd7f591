/*
 * docs/performance.md's service section is generated from bench/results/service.json:
 *   - the page holds exactly what the generator writes from the committed results file
 *   - every verdict on the page follows from the result and the target printed beside it
 *   - the verdicts flip where the numbers cross the targets (checked on edited copies of the results)
 *   - no throughput verdict when the servers did not keep their CPU busy (another job had it)
 *   - the CLI section's markers stay in place for its own generator
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ServiceResults } from '../../bench/service/results.ts';
import {
  PERFORMANCE_PAGE,
  readServiceResults,
  renderServiceSection,
  SERVICE_END,
  SERVICE_START,
  withServiceSection,
} from './performance.ts';

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
  const match = /([≥≤]) ([\d,.]+) (%|ms|MB)/.exec(row.target);
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

  it('states the machine, the commit and the spread of the run', () => {
    const section = renderServiceSection(results);
    expect(section).toContain(`commit ${results.run.commit}`);
    expect(section).toContain(`Node ${results.run.node}`);
    expect(section).toContain(`${results.run.cores} × ${results.run.cpuModel}`);
    expect(section).toMatch(
      /\| `GET \/health` CPU per request \| [\d.]+ µs \| [\d.]+ µs \| raw \/ service \d+ % \| \d+ %–\d+ % \|/,
    );
  });

  it('keeps the CLI section in its own markers', () => {
    expect(page).toMatch(/<!-- cli: generated [^\n]*-->\n[\s\S]*CLI benchmark[\s\S]*<!-- \/cli -->/);
    expect(page.indexOf('<!-- cli:')).toBeGreaterThan(page.indexOf(SERVICE_END));
  });
});
