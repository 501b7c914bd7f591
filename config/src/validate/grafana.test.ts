/**
 * Grafana's state and task counts in the config.
 *
 * Scenarios and expected outcomes:
 * 1. Defaults: an environment with a database and NAT runs Grafana on PostgreSQL, 1 to 2 tasks;
 *    a protected one 2 to 4; without a database (or without NAT) SQLite with exactly one task.
 * 2. `database: 'postgres'` without the app database, or with `nat: 'none'`, is SW177.
 * 3. More than one task with SQLite is SW178 (per key).
 * 4. minTasks above maxTasks is SW179; a disabled Grafana reports nothing.
 */
import { describe, expect, it } from 'vitest';
import { resolveEnvironment } from '../resolve.ts';
import type { SlipwayConfigInput } from '../types.ts';
import { validateConfig } from './index.ts';

function config(mutate: (c: SlipwayConfigInput) => void = () => {}): SlipwayConfigInput {
  const c: SlipwayConfigInput = {
    app: { name: 'demo' },
    environments: {
      dev: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' } },
      prod: {
        account: '222222222222',
        region: 'us-east-1',
        protected: true,
        network: { cidr: '10.1.0.0/16' },
        alarms: { email: ['oncall@example.com'] },
      },
    },
  };
  mutate(c);
  return c;
}

function errorsOf(mutate: (c: SlipwayConfigInput) => void): string[] {
  const result = validateConfig(config(mutate));
  return result.ok ? [] : result.errors.map((e) => `${e.path} [${e.code}]`);
}

function grafanaOf(name: string, mutate?: (c: SlipwayConfigInput) => void) {
  const result = validateConfig(config(mutate));
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const env = result.config.environments[name];
  if (!env) throw new Error(name);
  const { database, minTasks, maxTasks } = resolveEnvironment(name, env, result.config).grafana;
  return { database, minTasks, maxTasks };
}

// biome-ignore lint/suspicious/noExplicitAny: tests write values the input type does not name
const env = (c: SlipwayConfigInput, name: string): any => c.environments[name];

describe('grafana state and task counts', () => {
  it('defaults to PostgreSQL with 1-2 tasks, 2-4 when protected', () => {
    expect(grafanaOf('dev')).toEqual({ database: 'postgres', minTasks: 1, maxTasks: 2 });
    expect(grafanaOf('prod')).toEqual({ database: 'postgres', minTasks: 2, maxTasks: 4 });
  });

  it('falls back to SQLite with one task without a database or without NAT', () => {
    const noDb = (c: SlipwayConfigInput) => (c.app.database = false);
    expect(grafanaOf('prod', noDb)).toEqual({ database: 'sqlite', minTasks: 1, maxTasks: 1 });
    const noNat = (c: SlipwayConfigInput) => (env(c, 'dev').network.nat = 'none');
    expect(grafanaOf('dev', noNat)).toEqual({ database: 'sqlite', minTasks: 1, maxTasks: 1 });
  });

  it('raises the default maximum to an explicit minimum', () => {
    const three = (c: SlipwayConfigInput) => (env(c, 'dev').grafana = { minTasks: 3 });
    expect(grafanaOf('dev', three)).toEqual({ database: 'postgres', minTasks: 3, maxTasks: 3 });
  });

  it('SW177: PostgreSQL without the app database or without NAT', () => {
    expect(
      errorsOf((c) => {
        c.app.database = false;
        env(c, 'dev').grafana = { database: 'postgres' };
      }),
    ).toEqual(['environments.dev.grafana.database [SW177]']);
    expect(
      errorsOf((c) => {
        env(c, 'dev').network.nat = 'none';
        env(c, 'dev').grafana = { database: 'postgres' };
      }),
    ).toEqual(['environments.dev.grafana.database [SW177]']);
  });

  it('SW178: more than one task on SQLite', () => {
    expect(
      errorsOf((c) => (env(c, 'dev').grafana = { database: 'sqlite', minTasks: 2, maxTasks: 2 })),
    ).toEqual(['environments.dev.grafana.minTasks [SW178]', 'environments.dev.grafana.maxTasks [SW178]']);
  });

  it('SW179: minTasks above maxTasks; nothing for a disabled Grafana', () => {
    expect(errorsOf((c) => (env(c, 'dev').grafana = { minTasks: 3, maxTasks: 2 }))).toEqual([
      'environments.dev.grafana.minTasks [SW179]',
    ]);
    expect(errorsOf((c) => (env(c, 'dev').grafana = { enabled: false, minTasks: 3, maxTasks: 2 }))).toEqual(
      [],
    );
  });
});
