/*
 * The readiness section of `slipway plan`:
 *   - the shipped prod: protected, every rule ✓, "ready"
 *   - a protected environment with an acknowledged risk: ~ and the reason, counted in the heading
 *   - dev (unprotected): "not checked", its risky settings marked · with the key that would accept them
 *   - an app without a database: the database rules do not apply (-); two zones: nor does the
 *     task-per-zone rule, each with its reason
 */
import { parseConfig } from '@slipway/config';
import { describe, expect, it } from 'vitest';
import shipped from '../../../slipway.config.ts';
import { environmentReadiness, renderReadiness } from './render.ts';

const config = parseConfig(shipped);

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
}

describe('the readiness section of slipway plan', () => {
  it('lists every rule of the shipped prod as ready', () => {
    const text = lines(renderReadiness(environmentReadiness(config, ['prod'])));
    expect(text[0]).toMatch(/^Production readiness \(✓ ready, ~ acknowledged, ✗ risky/);
    expect(text[1]).toBe('prod (protected): ready');
    expect(text.slice(2, 11)).toEqual([
      '✓ database deletion protection database.deletionProtection',
      '✓ database standby in a second availability zone database.multiAz',
      '✓ at least two tasks at rest (two availability zones) service.minTasks',
      '✓ a task in every availability zone at rest service.minTasks',
      '✓ an on-demand base task service.capacity',
      '✓ alarms emailed to someone alarms.email',
      '✓ AWS WAF in front of the load balancer waf.enabled',
      "✓ a reviewer's approval before deploying approval",
      '✓ runs around the clock officeHours',
    ]);
  });

  it('shows an acknowledged risk with its reason', () => {
    const acknowledged = parseConfig({
      ...shipped,
      environments: {
        ...shipped.environments,
        prod: {
          ...shipped.environments.prod,
          database: { ...shipped.environments.prod?.database, multiAz: false },
          acknowledge: { singleAzDatabase: 'restored from a snapshot within the hour' },
        },
      },
    } as typeof shipped);
    const text = lines(renderReadiness(environmentReadiness(acknowledged, ['prod'])));
    expect(text).toContain('prod (protected): ready, 1 acknowledged');
    const row = text.indexOf('~ database standby in a second availability zone database.multiAz');
    expect(text[row + 1]).toBe('acknowledge.singleAzDatabase: "restored from a snapshot within the hour"');
  });

  it('shows an unprotected environment as not checked, its risks for information', () => {
    const text = lines(renderReadiness(environmentReadiness(config, ['dev'])));
    expect(text[1]).toBe('dev (not protected: not checked, shown for information)');
    const row = text.indexOf('· database standby in a second availability zone database.multiAz');
    expect(text[row + 1]).toBe('would need acknowledge.singleAzDatabase if protected');
    expect(text.slice(1).join('\n')).not.toContain('✗');
    // Two zones: the task-per-zone rule does not apply, and says why.
    const zones = text.indexOf('- a task in every availability zone at rest service.minTasks');
    expect(text[zones + 1]).toBe('network.azCount is 2, where singleTask already asks for a task per zone');
  });

  it('marks the database rules as not applying to an app without a database', () => {
    const services = Object.fromEntries(
      Object.entries(shipped.services ?? {}).map(([name, s]) => [
        name,
        { ...s, database: false, migrate: undefined, migrationsPath: undefined },
      ]),
    );
    const noDatabase = parseConfig({
      ...shipped,
      app: { ...shipped.app, database: false },
      services,
    } as typeof shipped);
    const [prod] = environmentReadiness(noDatabase, ['prod']);
    expect(prod?.checks.filter((c) => c.status === 'not-applicable').map((c) => c.rule.key)).toEqual([
      'noDeletionProtection',
      'singleAzDatabase',
    ]);
    const text = lines(renderReadiness([prod as never]));
    expect(text[text.indexOf('- database deletion protection database.deletionProtection') + 1]).toBe(
      'no database',
    );
  });

  it('gives --json each rule with its key, code, setting and status', () => {
    const [prod] = JSON.parse(JSON.stringify(environmentReadiness(config, ['prod'])));
    expect(prod.checks[1]).toMatchObject({
      rule: { key: 'singleAzDatabase', id: 'SW131', setting: 'database.multiAz' },
      status: 'ready',
    });
  });
});
