/*
 * database.snapshotOnDelete, resolved (infra turns it into RemovalPolicy.SNAPSHOT or DESTROY):
 *   - default: a final snapshot when the environment is protected or keeps backups for more than
 *     a day; none with one day of backups (the disposable profile of dev, test and previews)
 *   - an explicit value wins either way
 *   - the shipped slipway.config.ts: dev and test delete, staging and prod snapshot
 */
import { describe, expect, it } from 'vitest';
import shipped from '../../slipway.config.ts';
import { parseConfig } from './load.ts';
import { resolveEnvironment } from './resolve.ts';
import type { EnvironmentInput } from './types.ts';

function snapshotOnRemoval(env: Partial<EnvironmentInput>): boolean | undefined {
  const config = parseConfig({
    app: { name: 'demo' },
    environments: {
      it: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' }, ...env },
    },
  });
  const resolved = config.environments.it;
  if (!resolved) throw new Error('no environment');
  return resolveEnvironment('it', resolved, config).database?.snapshotOnRemoval;
}

describe('database.snapshotOnDelete', () => {
  it('defaults to a final snapshot unless the environment keeps a single day of backups', () => {
    expect(snapshotOnRemoval({})).toBe(false);
    expect(snapshotOnRemoval({ database: { backupRetentionDays: 1 } })).toBe(false);
    expect(snapshotOnRemoval({ database: { backupRetentionDays: 7 } })).toBe(true);
    expect(snapshotOnRemoval({ protected: true, alarms: { email: ['a@example.com'] } })).toBe(true);
    expect(
      snapshotOnRemoval({
        protected: true,
        database: { backupRetentionDays: 1 },
        alarms: { email: ['a@example.com'] },
      }),
    ).toBe(true);
  });

  it('takes an explicit value either way', () => {
    expect(snapshotOnRemoval({ database: { snapshotOnDelete: true } })).toBe(true);
    expect(snapshotOnRemoval({ database: { backupRetentionDays: 7, snapshotOnDelete: false } })).toBe(false);
  });

  it('has the shipped staging and prod snapshot on delete, dev and test not', () => {
    const config = parseConfig(shipped);
    const of = (name: string) => {
      const env = config.environments[name];
      if (!env) throw new Error(`slipway.config.ts has no ${name}`);
      return resolveEnvironment(name, env, config).database?.snapshotOnRemoval;
    };
    expect(['dev', 'test', 'staging', 'prod'].map((n) => `${n}: ${of(n)}`)).toEqual([
      'dev: false',
      'test: false',
      'staging: true',
      'prod: true',
    ]);
  });
});
