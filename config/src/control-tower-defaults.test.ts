/*
 * The settings AWS Control Tower's proactive controls ask for, as config data:
 *   - app.user: a non-root user by default (1000:1000); root and uid 0 are refused naming the key
 *   - a protected environment defaults to a year of logs, customer-managed keys for its log groups
 *     and database, and Enhanced Monitoring every 60 s; a standard one to none of them
 *   - an explicit setting wins over either profile
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.ts';
import { resolveEnvironment } from './resolve.ts';
import type { SlipwayConfigInput } from './types.ts';
import { validateConfig } from './validate/index.ts';

function base(): SlipwayConfigInput {
  return {
    app: { name: 'demo' },
    environments: {
      dev: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' } },
      prod: {
        account: '222222222222',
        region: 'af-south-1',
        protected: true,
        network: { cidr: '10.1.0.0/16' },
        alarms: { email: ['oncall@example.com'] },
      },
    },
  };
}

function resolved(name: 'dev' | 'prod', mutate: (c: SlipwayConfigInput) => void = () => {}) {
  const input = base();
  mutate(input);
  const config = parseConfig(input, 'test config');
  const env = config.environments[name];
  if (!env) throw new Error(`no ${name}`);
  return resolveEnvironment(name, env, config);
}

describe('app.user', () => {
  it('runs the container as 1000:1000 by default', () => {
    expect(resolved('dev').app.user).toBe('1000:1000');
  });

  it.each(['root', '0', '0:0', 'root:root', '000'])('refuses %s, naming the key', (user) => {
    const result = validateConfig({ ...base(), app: { name: 'demo', user } });
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['app.user']);
  });

  it.each(['1000:1000', 'node', '10001', 'app:app'])('accepts %s', (user) => {
    expect(validateConfig({ ...base(), app: { name: 'demo', user } }).ok).toBe(true);
  });
});

describe('the defaults Control Tower asks for', () => {
  it('gives a protected environment a year of logs, customer-managed keys and Enhanced Monitoring', () => {
    const prod = resolved('prod');
    expect({
      service: prod.service.logRetentionDays,
      flow: prod.network.flowLogRetentionDays,
      waf: prod.waf.logRetentionDays,
      logKey: prod.logEncryptionKey,
      dbKey: prod.database?.encryptionKey,
      monitoring: prod.database?.monitoringIntervalSeconds,
    }).toEqual({
      service: 365,
      flow: 365,
      waf: 365,
      logKey: 'customer-managed',
      dbKey: 'customer-managed',
      monitoring: 60,
    });
  });

  it('keeps a standard environment cheap: short retention, AWS keys, no Enhanced Monitoring', () => {
    const dev = resolved('dev');
    expect({
      service: dev.service.logRetentionDays,
      waf: dev.waf.logRetentionDays,
      logKey: dev.logEncryptionKey,
      dbKey: dev.database?.encryptionKey,
      monitoring: dev.database?.monitoringIntervalSeconds,
    }).toEqual({ service: 14, waf: 30, logKey: 'aws-owned', dbKey: 'aws-managed', monitoring: 0 });
  });

  it('lets an explicit setting win over the profile', () => {
    const prod = resolved('prod', (c) => {
      const env = c.environments.prod as Record<string, unknown>;
      env.logEncryptionKey = 'aws-owned';
      env.database = { encryptionKey: 'aws-managed', monitoringIntervalSeconds: 15 };
    });
    expect([
      prod.logEncryptionKey,
      prod.database?.encryptionKey,
      prod.database?.monitoringIntervalSeconds,
    ]).toEqual(['aws-owned', 'aws-managed', 15]);
  });
});
