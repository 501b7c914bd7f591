/*
 * The Control Tower controls as `plan` runs them, after the synth, on the shipped dev stacks:
 *   - every finding on the shipped templates is covered by an acknowledgement the constructs
 *     recorded, so none is reported, and the count of acknowledged ones is the count of raw ones;
 *   - negative control: the same templates with one stack's acknowledgements dropped report that
 *     stack's findings, each under its control id and its resource's construct path; that second
 *     run reads each template's result from the cache instead of running cfn-guard again;
 *   - an acknowledgement on a construct covers the resources under it, not a sibling whose name
 *     merely starts the same.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedAssembly } from '@slipway/testing/cli/fixtures';
import { stackInfo } from '@slipway/testing/cli/stacks';
import { describe, expect, it } from 'vitest';
import type { StackInfo } from '../synth/stacks.ts';
import { stacksOf } from '../synth/stacks.ts';
import { applyAcknowledgements, controlTowerChecks } from './control-tower.ts';

async function devStacks(): Promise<StackInfo[]> {
  return stacksOf(await shippedAssembly(), 'dev');
}

describe('the Control Tower controls after the synth', () => {
  it('reports nothing on the shipped dev stacks: each finding is acknowledged where it was recorded', async () => {
    const stacks = await devStacks();
    const cache = mkdtempSync(join(tmpdir(), 'slipway-ct-cache-'));
    const { findings, run } = await controlTowerChecks(stacks, cache);
    expect(findings).toEqual([]);
    expect(run.status).toBe('ran');
    const acknowledged = Number(/(\d+) acknowledged/.exec(run.note ?? '')?.[1]);
    expect(acknowledged).toBeGreaterThan(0);

    // Negative control: without the service stack's acknowledgements, its findings are reported.
    const service = stacks.find((s) => s.stackName.endsWith('-service'));
    if (!service) throw new Error('no service stack in dev');
    const bare = stacks.map((s) => (s === service ? { ...s, acknowledged: {} } : s));
    const unacknowledged = await controlTowerChecks(bare, cache);
    expect(unacknowledged.run.status).toBe('cached');
    expect(unacknowledged.run.note).toMatch(/^cached results on \d+ templates/);
    expect(unacknowledged.findings.length).toBeGreaterThan(0);
    for (const f of unacknowledged.findings) {
      expect(f.stack).toBe(service.stackName);
      expect(f.rule).toMatch(/^CT\.[A-Z0-9]+\.PR\.\d+$/);
      expect(f.where.startsWith(`${service.constructPath}/`)).toBe(true);
      expect(Object.keys(service.acknowledged ?? {})).toContain(`control-tower::${f.rule}`);
    }
    const left = Number(/(\d+) acknowledged/.exec(unacknowledged.run.note ?? '')?.[1]);
    expect(left + unacknowledged.findings.length).toBe(acknowledged);
  });

  it('lets an acknowledgement cover the constructs under it, not a sibling with a longer name', () => {
    const stack = stackInfo('app-dev-data', {
      resourcePaths: { DbA: 'Database/Instance/Resource', DbB: 'DatabaseProxy/Resource' },
      acknowledged: { 'control-tower::CT.RDS.PR.1': ['Database'] },
    });
    const raw = [
      { control: 'CT.RDS.PR.1', description: 'd', logicalId: 'DbA' },
      { control: 'CT.RDS.PR.1', description: 'd', logicalId: 'DbB' },
      { control: 'CT.RDS.PR.2', description: 'd', logicalId: 'DbA' },
    ];
    const { findings, acknowledged } = applyAcknowledgements(stack, raw);
    expect(acknowledged).toBe(1);
    expect(findings.map((f) => `${f.rule} ${f.where}`)).toEqual([
      'CT.RDS.PR.1 app-dev-data/DatabaseProxy/Resource',
      'CT.RDS.PR.2 app-dev-data/Database/Instance/Resource',
    ]);
  });
});
