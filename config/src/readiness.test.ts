/*
 * Production-readiness scenarios (the rules of protected environments):
 *   - each rule: a protected environment that takes the risk gets the rule's error at the key path;
 *     the same environment with the risk acknowledged (a reason of 10+ characters) is valid
 *   - the message names the key path, the value, the risk, the fix and the acknowledge key
 *   - a reason shorter than 10 characters → SW104; an unknown acknowledge key → SW101 with the nearest
 *   - an acknowledgement of a risk not taken (safe setting, unprotected environment, no database) → SW138
 *   - an unprotected environment with every risky setting → valid, and not nagged
 *   - the old `waivers` key → SW101 telling what to rename
 *   - with several services, the task rules hold for every web and backend service and name each
 *   - a task per zone: with three or more zones each web and backend service runs at least
 *     network.azCount tasks at rest; with two zones the rule does not apply (singleTask covers it)
 *   - the shipped slipway.config.ts: prod passes every rule with nothing acknowledged
 */
// cspell:ignore Databse
import { describe, expect, it } from 'vitest';
import shipped from '../../slipway.config.ts';
import { parseConfig } from './load.ts';
import { resolveEnvironment, servesHttps } from './resolve.ts';
import type { EnvironmentInput, SlipwayConfigInput } from './types.ts';
import { READINESS_RULES, readinessOf, validateConfig } from './validate/index.ts';

/** A protected environment that passes every rule, and an unprotected one with the cheap defaults. */
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

type Env = EnvironmentInput & Record<string, unknown>;

function check(mutate: (prod: Env, config: SlipwayConfigInput) => void) {
  const config = structuredClone(base());
  mutate(config.environments.prod as Env, config);
  const result = validateConfig(config);
  return {
    codes: result.ok ? [] : result.errors.map((e) => `${e.path} [${e.code}]`),
    messages: result.ok ? [] : result.errors.map((e) => `${e.path}: ${e.message} [${e.code}]`),
  };
}

const REASON = 'a staging copy whose data is restored nightly';
const officeHours = { days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' } as const;

/** For each rule: one way to take its risk, and the error that names it. */
const RISKS: Record<string, { take: (prod: Env) => void; error: string }[]> = {
  noDeletionProtection: [
    {
      take: (p) => (p.database = { deletionProtection: false }),
      error: 'environments.prod.database.deletionProtection [SW115]',
    },
  ],
  singleAzDatabase: [
    { take: (p) => (p.database = { multiAz: false }), error: 'environments.prod.database.multiAz [SW131]' },
  ],
  singleTask: [
    { take: (p) => (p.service = { minTasks: 1 }), error: 'environments.prod.service.minTasks [SW132]' },
    { take: (p) => (p.service = { minTasks: 0 }), error: 'environments.prod.service.minTasks [SW132]' },
  ],
  fewerTasksThanZones: [
    {
      take: (p) => (p.network = { cidr: '10.1.0.0/16', azCount: 3 }),
      error: 'environments.prod.service.minTasks [SW180]',
    },
  ],
  allSpot: [
    { take: (p) => (p.service = { capacity: 'spot' }), error: 'environments.prod.service.capacity [SW133]' },
    {
      take: (p) => (p.service = { capacity: { mixed: { base: 0, spotWeight: 1 } } }),
      error: 'environments.prod.service.capacity [SW133]',
    },
  ],
  noAlarmEmail: [{ take: (p) => delete p.alarms, error: 'environments.prod.alarms.email [SW134]' }],
  noWaf: [{ take: (p) => (p.waf = { enabled: false }), error: 'environments.prod.waf.enabled [SW135]' }],
  noApproval: [{ take: (p) => (p.approval = false), error: 'environments.prod.approval [SW137]' }],
  officeHours: [
    { take: (p) => (p.officeHours = officeHours), error: 'environments.prod.officeHours [SW127]' },
  ],
};

const cases = Object.entries(RISKS).flatMap(([key, risks]) => risks.map((r) => ({ key, ...r })));

describe('production readiness of protected environments', () => {
  it('has a scenario for every rule, and a rule for every scenario', () => {
    expect(Object.keys(RISKS).sort()).toEqual(READINESS_RULES.map((r) => r.key).sort());
  });

  it('accepts a protected environment that takes no risk', () => {
    expect(check(() => {}).codes).toEqual([]);
  });

  it.each(cases)('$key: fails with $error when the risk is taken', ({ take, error }) => {
    expect(check(take).codes).toEqual([error]);
  });

  it.each(cases)('$key: passes when the risk is acknowledged with a reason', ({ key, take }) => {
    expect(
      check((p) => {
        take(p);
        p.acknowledge = { [key]: REASON };
      }).codes,
    ).toEqual([]);
  });

  it('says in one line what is risky, why, the fix and how to acknowledge it', () => {
    expect(check((p) => (p.database = { multiAz: false })).messages).toEqual([
      'environments.prod.database.multiAz: got false in a protected environment: an instance failure or a zone outage stops the database until it is restored, as no standby takes over; set database.multiAz: true (it doubles the instance price), or give a reason in acknowledge.singleAzDatabase [SW131]',
    ]);
  });

  it('reports every risk at once', () => {
    expect(
      check((p) => {
        p.service = { minTasks: 1, capacity: 'spot' };
        p.approval = false;
      }).codes,
    ).toEqual([
      'environments.prod.service.minTasks [SW132]',
      'environments.prod.service.capacity [SW133]',
      'environments.prod.approval [SW137]',
    ]);
  });

  it('holds every web and backend service to the task rules, naming each, and leaves workers and jobs alone', () => {
    const withServices = (mutate: (prod: Env) => void) =>
      check((p, config) => {
        config.app = { name: 'demo', database: false };
        config.services = {
          web: { type: 'web', image: { build: {} } },
          api: { type: 'backend', image: { from: 'web' } },
          worker: { type: 'worker', image: { from: 'web' } },
          prune: { type: 'job', image: { from: 'web' }, command: ['prune'], schedule: 'rate(1 day)' },
        };
        mutate(p);
      });
    expect(withServices(() => {}).codes).toEqual([]);
    const risky = withServices((p) => (p.services = { api: { minTasks: 1, capacity: 'spot' } }));
    expect(risky.codes).toEqual([
      'environments.prod.service.minTasks [SW132]',
      'environments.prod.service.capacity [SW133]',
    ]);
    expect(risky.messages[0]).toContain('got web 2, api 1 in a protected environment');
  });

  it('holds every web and backend service to a task per zone, naming each one below the zone count', () => {
    const threeZones = (mutate: (prod: Env) => void) =>
      check((p, config) => {
        config.services = {
          web: { type: 'web', image: { build: {} } },
          api: { type: 'web', image: { from: 'web' }, route: { paths: ['/api/*'] } },
          internal: { type: 'backend', image: { from: 'web' } },
          worker: { type: 'worker', image: { from: 'web' } },
        };
        p.network = { cidr: '10.1.0.0/16', azCount: 3 };
        p.service = { minTasks: 3 };
        mutate(p);
      });
    expect(threeZones(() => {}).codes).toEqual([]);
    const risky = threeZones((p) => (p.services = { api: { minTasks: 2 }, internal: { minTasks: 2 } }));
    expect(risky.messages).toEqual([
      'environments.prod.service.minTasks: got api 2, internal 2 with 3 zones in a protected environment: at rest a zone runs none of the service, so a zone outage takes a larger share of its capacity than the spread promises, and the survivors must absorb it while replacements start; set service.minTasks (or services.<name>.minTasks here) to network.azCount or more for every web and backend service, or give a reason in acknowledge.fewerTasksThanZones [SW180]',
    ]);
    // One task below two zones' worth is singleTask's risk too: each rule asks for its own reason.
    expect(threeZones((p) => (p.service = { minTasks: 1 })).codes).toEqual([
      'environments.prod.service.minTasks [SW132]',
      'environments.prod.service.minTasks [SW180]',
    ]);
  });

  it('does not apply the task-per-zone rule to two zones, where singleTask already asks for one per zone', () => {
    expect(
      check((p) => {
        p.service = { minTasks: 1 };
        p.acknowledge = { singleTask: REASON, fewerTasksThanZones: REASON };
      }).messages,
    ).toEqual([
      'environments.prod.acknowledge.fewerTasksThanZones: nothing to acknowledge: the rule does not apply (network.azCount is 2, where singleTask already asks for a task per zone); remove acknowledge.fewerTasksThanZones [SW138]',
    ]);
  });

  it('rejects a reason shorter than 10 characters, spaces around it not counted', () => {
    expect(
      check((p) => {
        p.approval = false;
        p.acknowledge = { noApproval: '  ok, fine ' };
      }).messages,
    ).toEqual([
      'environments.prod.acknowledge.noApproval: got "ok, fine"; expected at least 10 characters [SW104]',
    ]);
  });

  it('rejects an unknown acknowledge key and names the closest', () => {
    expect(
      check((p) => {
        p.acknowledge = { singleAZDatabse: REASON } as never;
      }).messages,
    ).toEqual([
      'environments.prod.acknowledge.singleAZDatabse: unknown key; did you mean "singleAzDatabase"? [SW101]',
    ]);
  });

  it('rejects an acknowledgement of a risk the environment does not take', () => {
    expect(check((p) => (p.acknowledge = { noWaf: REASON })).messages).toEqual([
      'environments.prod.acknowledge.noWaf: nothing to acknowledge: waf.enabled is already safe (got true); remove acknowledge.noWaf [SW138]',
    ]);
  });

  it('rejects an acknowledgement of a database risk when the app has no database', () => {
    expect(
      check((p, c) => {
        c.app.database = false;
        p.database = { multiAz: false };
        p.acknowledge = { singleAzDatabase: REASON };
      }).codes,
    ).toEqual(['environments.prod.acknowledge.singleAzDatabase [SW138]']);
  });

  it('tells an old config that says waivers what to rename', () => {
    expect(
      check((p) => {
        p.waivers = { deletionProtection: REASON };
      }).messages,
    ).toEqual([
      'environments.prod.waivers: waivers is now acknowledge; rename the key, and waivers.deletionProtection to acknowledge.noDeletionProtection (waivers.officeHours keeps its name: acknowledge.officeHours) [SW101]',
    ]);
  });
});

describe('unprotected environments', () => {
  const risky: EnvironmentInput = {
    account: '111111111111',
    region: 'us-east-1',
    network: { cidr: '10.0.0.0/16' },
    service: { minTasks: 0, capacity: 'spot' },
    database: { multiAz: false, deletionProtection: false },
    waf: { enabled: false },
    approval: false,
    officeHours,
  };

  it('are not nagged about any risky setting', () => {
    expect(check((_, c) => (c.environments.dev = risky)).codes).toEqual([]);
  });

  it('may not carry acknowledgements, which would have no effect', () => {
    expect(
      check((_, c) => (c.environments.dev = { ...risky, acknowledge: { noWaf: REASON } })).messages,
    ).toEqual([
      'environments.dev.acknowledge.noWaf: nothing to acknowledge: dev is not protected, so its readiness is not checked; remove acknowledge.noWaf [SW138]',
    ]);
  });
});

describe('the shipped slipway.config.ts', () => {
  const config = parseConfig(shipped);
  const statuses = (name: string) => {
    const env = config.environments[name];
    if (!env) throw new Error(`slipway.config.ts has no ${name}`);
    return readinessOf(resolveEnvironment(name, env, config)).map((c) => `${c.rule.key}: ${c.status}`);
  };

  it('has prod pass every readiness rule with nothing acknowledged', () => {
    expect(config.environments.prod?.protected).toBe(true);
    expect(config.environments.prod?.acknowledge).toEqual({});
    expect(statuses('prod')).toEqual(READINESS_RULES.map((r) => `${r.key}: ready`));
  });

  it('leaves dev and test unprotected, taking risks nobody is asked about', () => {
    for (const name of ['dev', 'test']) expect(config.environments[name]?.protected, name).toBe(false);
    expect(statuses('dev')).toContain('singleAzDatabase: risky');
  });
});

describe('servesHttps', () => {
  it('is true with or without a domain: CloudFront serves HTTPS on its own name by default', () => {
    const domain = { name: 'app.example.com', zone: 'Z0123456789ABC' };
    expect(servesHttps({ domain: domain as never })).toBe(true);
    expect(servesHttps({ domain: undefined })).toBe(true);
  });
});
