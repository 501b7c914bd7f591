/*
 * Config validation scenarios. Each rule of the schema and of the cross-field checks has one
 * test; every test starts from a valid config and breaks one thing, expecting exactly the error
 * (key path + code) that names it. Also: all errors of several sections arrive in one report,
 * and the shipped slipway.config.ts is valid.
 */
// cspell:ignore Londn
import { describe, expect, it } from 'vitest';
import shipped from '../../slipway.config.ts';
import { closest } from './closest.ts';
import { CONTAINER_VARIABLES } from './contract/index.ts';
import { ConfigValidationError, formatConfigError } from './errors.ts';
import { parseConfig } from './load.ts';
import type { SlipwayConfigInput } from './types.ts';
import { cidrsOverlap, validateConfig } from './validate/index.ts';

function base(): SlipwayConfigInput {
  return {
    app: { name: 'demo' },
    environments: {
      dev: { account: '111111111111', region: 'us-east-1', network: { cidr: '10.0.0.0/16' } },
      prod: {
        account: '222222222222',
        region: 'af-south-1',
        protected: true,
        network: { cidr: '10.0.0.0/16' },
        // What the defaults of a protected environment cannot give: who to page.
        alarms: { email: ['oncall@example.com'] },
      },
    },
  };
}

/** Validates a config that `mutate` broke and returns `path [code]` of each error. */
function errorsOf(mutate: (c: SlipwayConfigInput & Record<string, unknown>) => void): string[] {
  const config = structuredClone(base()) as SlipwayConfigInput & Record<string, unknown>;
  mutate(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map((e) => `${e.path} [${e.code}]`);
}

function messagesOf(mutate: (c: SlipwayConfigInput & Record<string, unknown>) => void): string[] {
  const config = structuredClone(base()) as SlipwayConfigInput & Record<string, unknown>;
  mutate(config);
  const result = validateConfig(config);
  return result.ok ? [] : result.errors.map(formatConfigError);
}

// biome-ignore lint/suspicious/noExplicitAny: tests write deliberately invalid values
const env = (c: SlipwayConfigInput, name: string): any => c.environments[name];

describe('validateConfig', () => {
  it('accepts the shipped slipway.config.ts', () => {
    const result = validateConfig(shipped);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it('accepts the minimal base config', () => {
    expect(errorsOf(() => {})).toEqual([]);
  });

  it('rejects an unknown key and suggests the nearest known one', () => {
    expect(
      messagesOf((c) => {
        env(c, 'dev').netwrk = {};
      }),
    ).toContain('environments.dev.netwrk: unknown key; did you mean "network"? [SW101]');
  });

  it('rejects an unknown top-level key', () => {
    expect(
      errorsOf((c) => {
        c.enviroments = {};
      }),
    ).toEqual(['enviroments [SW101]']);
  });

  it('rejects a Fargate cpu/memory pair Fargate does not offer, listing the allowed sizes', () => {
    const messages = messagesOf((c) => {
      env(c, 'dev').service = { cpu: 256, memoryMiB: 4096 };
    });
    expect(messages).toEqual([
      'environments.dev.service.memoryMiB: got 4096 with cpu 256; Fargate allows memoryMiB 512, 1024, 2048 for cpu 256 [SW110]',
    ]);
  });

  it('rejects a cpu value that is not a Fargate size', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').service = { cpu: 300, memoryMiB: 1024 };
      }),
    ).toEqual(['environments.dev.service.cpu [SW110]']);
  });

  it('rejects minTasks above maxTasks', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').service = { minTasks: 3, maxTasks: 2 };
      }),
    ).toEqual(['environments.dev.service.minTasks [SW111]']);
  });

  it('rejects overlapping CIDRs between environments in the same account', () => {
    expect(
      errorsOf((c) => {
        env(c, 'prod').account = '111111111111';
        env(c, 'prod').network.cidr = '10.0.128.0/17';
      }),
    ).toEqual(['environments.prod.network.cidr [SW112]']);
  });

  it('allows the same CIDR in different accounts', () => {
    // base() already gives dev and prod 10.0.0.0/16 in different accounts
    expect(errorsOf(() => {})).toEqual([]);
  });

  it('rejects a malformed CIDR', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').network.cidr = '10.0.0.300/16';
      }),
    ).toEqual(['environments.dev.network.cidr [SW105]']);
  });

  it('rejects a VPC block larger than /16', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').network.cidr = '10.0.0.0/8';
      }),
    ).toEqual(['environments.dev.network.cidr [SW113]']);
  });

  it('rejects an unknown region and suggests the nearest', () => {
    expect(
      messagesOf((c) => {
        env(c, 'dev').region = 'us-east-9';
      }),
    ).toEqual([
      'environments.dev.region: got "us-east-9"; not one of the 32 allowed values; did you mean "us-east-1"? [SW103]',
    ]);
  });

  it('rejects more availability zones than the region offers', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').region = 'us-west-1';
        env(c, 'dev').network.azCount = 3;
      }),
    ).toEqual(['environments.dev.network.azCount [SW114]']);
    expect(
      messagesOf((c) => {
        env(c, 'dev').region = 'af-south-1';
        env(c, 'dev').network.azCount = 4;
      }),
    ).toEqual([
      'environments.dev.network.azCount: got 4, but af-south-1 has 3 availability zones Slipway can use (af-south-1a, af-south-1b, af-south-1c); set network.azCount to 3 or fewer [SW114]',
    ]);
  });

  // The protected-environment rules (deletion protection, office hours, ...) are in readiness.test.ts.

  describe('office hours', () => {
    const officeHours = { days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' };

    it('accepts an office-hours schedule and fills in the defaults', () => {
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = officeHours;
        }),
      ).toEqual([]);
      const config = structuredClone(base());
      env(config, 'dev').officeHours = {};
      const result = validateConfig(config);
      expect(result.ok && result.config.environments.dev?.officeHours).toEqual({
        days: 'MON-FRI',
        start: '08:00',
        stop: '18:00',
        timezone: 'UTC',
      });
    });

    it('leaves an environment without office hours always on', () => {
      const result = validateConfig(base());
      expect(result.ok && result.config.environments.dev?.officeHours).toBeUndefined();
    });

    it('rejects a time that is not HH:MM, naming the format', () => {
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, start: '8am' };
        }),
      ).toEqual([
        'environments.dev.officeHours.start: got "8am"; expected a 24-hour time HH:MM such as 08:00 [SW105]',
      ]);
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, stop: '24:00' };
        }),
      ).toEqual(['environments.dev.officeHours.stop [SW105]']);
    });

    it('rejects a stop before the start, or a window shorter than an hour', () => {
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, start: '18:00', stop: '08:00' };
        }),
      ).toEqual([
        'environments.dev.officeHours.stop: got start 18:00, stop 08:00; stop must be at least 60 minutes after start on the same day (windows across midnight are not supported) [SW128]',
      ]);
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, start: '08:00', stop: '08:59' };
        }),
      ).toEqual(['environments.dev.officeHours.stop [SW128]']);
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, start: '08:00', stop: '09:00' };
        }),
      ).toEqual([]);
    });

    it('rejects an unknown time zone and suggests the nearest IANA name', () => {
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, timezone: 'Europe/Londn' };
        }),
      ).toEqual([
        'environments.dev.officeHours.timezone: got "Europe/Londn"; expected an IANA time zone such as Europe/London, America/New_York or UTC; did you mean "Europe/London"? [SW103]',
      ]);
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, timezone: 'europe/london' };
        })[0],
      ).toContain('did you mean "Europe/London"?');
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, timezone: 'CET+1' };
        }),
      ).toEqual(['environments.dev.officeHours.timezone [SW103]']);
    });

    it('rejects days that are not a cron day-of-week field, or a range across the weekend', () => {
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, days: 'Monday-Friday' };
        }),
      ).toEqual([
        'environments.dev.officeHours.days: got "Monday-Friday"; expected days such as MON-FRI or MON,WED,FRI (SUN MON TUE WED THU FRI SAT) [SW105]',
      ]);
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, days: 'FRI-MON' };
        }),
      ).toEqual([
        'environments.dev.officeHours.days: got "FRI-MON"; expected ranges in SUN..SAT order, e.g. MON-FRI; split a range across the weekend, e.g. SUN,FRI-SAT [SW105]',
      ]);
      expect(
        errorsOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, days: 'SUN,TUE-SAT' };
        }),
      ).toEqual([]);
    });

    it('rejects an unknown office-hours key and suggests the nearest', () => {
      expect(
        messagesOf((c) => {
          env(c, 'dev').officeHours = { ...officeHours, timeZone: 'UTC' };
        }),
      ).toContain('environments.dev.officeHours.timeZone: unknown key; did you mean "timezone"? [SW101]');
    });

    it('tells an old config that says uptime that the key is now officeHours, once', () => {
      expect(
        messagesOf((c) => {
          (env(c, 'dev') as Record<string, unknown>).uptime = officeHours;
        }),
      ).toEqual([
        'environments.dev.uptime: uptime is now officeHours; rename the key (days, start, stop and timezone stay the same, and waivers.uptime is now acknowledge.officeHours) [SW101]',
      ]);
    });
  });

  it('rejects a malformed account id', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').account = '1234';
      }),
    ).toEqual(['environments.dev.account [SW105]']);
  });

  it('reports a missing required key', () => {
    expect(
      errorsOf((c) => {
        delete env(c, 'dev').network;
      }),
    ).toEqual(['environments.dev.network [SW106]']);
  });

  it('reports a value of the wrong type', () => {
    expect(
      messagesOf((c) => {
        env(c, 'dev').service = { minTasks: '2' };
      }),
    ).toEqual(['environments.dev.service.minTasks: got "2"; expected number [SW102]']);
  });

  it('reports the inner field of a half-written mixed capacity, not "invalid union"', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').service = { capacity: { mixed: { base: 1 } } };
      }),
    ).toEqual(['environments.dev.service.capacity.mixed.spotWeight [SW106]']);
  });

  it('rejects promoteFrom naming an unknown environment', () => {
    expect(
      errorsOf((c) => {
        env(c, 'prod').promoteFrom = 'stagin';
      }),
    ).toEqual(['environments.prod.promoteFrom [SW116]']);
  });

  it('rejects a test listener on the production ports and a 0 % rollback threshold', () => {
    const messages = messagesOf((c) => {
      env(c, 'prod').deploy = { testListenerPort: 443, rollbackOn5xxPercent: 0 };
    });
    expect(messages).toEqual([
      'environments.prod.deploy.testListenerPort: got 443; expected a port other than 80 and 443 (the production listener) [SW105]',
      'environments.prod.deploy.rollbackOn5xxPercent: got 0; expected more than 0 [SW104]',
    ]);
  });

  it('rejects an environment with neither the CloudWatch dashboard nor Grafana', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').dashboard = false;
        env(c, 'dev').grafana = { enabled: false };
      }),
    ).toEqual(['environments.dev.dashboard [SW129]']);
    expect(
      errorsOf((c) => {
        env(c, 'dev').dashboard = false;
      }),
    ).toEqual([]);
  });

  it('rejects previews derived from an environment that does not exist', () => {
    expect(
      errorsOf((c) => {
        c.previews = { from: 'development' };
      }),
    ).toEqual(['previews.from [SW126]']);
  });

  it('reserves the embedded-database variables (previews set DB_EMBEDDED themselves)', () => {
    expect(
      errorsOf((c) => {
        c.app.environment = { DB_EMBEDDED: 'file' };
      }),
    ).toEqual(['app.environment.DB_EMBEDDED [SW130]']);
  });

  it("rejects a certificate outside us-east-1, even one from the environment's own region", () => {
    expect(
      errorsOf((c) => {
        env(c, 'prod').domain = {
          name: 'app.example.com',
          certificateArn:
            'arn:aws:acm:af-south-1:222222222222:certificate/0b1c2d3e-1111-2222-3333-444455556666',
        };
      }),
    ).toEqual(['environments.prod.domain.certificateArn [SW117]']);
  });

  it('rejects a secret-looking plain environment variable', () => {
    expect(
      errorsOf((c) => {
        c.app.environment = { STRIPE_API_KEY: 'sk_live_x' };
      }),
    ).toEqual(['app.environment.STRIPE_API_KEY [SW118]']);
  });

  it('rejects variables Slipway sets itself', () => {
    expect(
      errorsOf((c) => {
        c.app.environment = { PORT: '8080' };
      }),
    ).toEqual(['app.environment.PORT [SW130]']);
  });

  it('rejects a secret named like the database secret ARN Slipway sets, naming the key and the fix', () => {
    expect(
      messagesOf((c) => {
        c.app.secrets = { DB_SECRET_ARN: { ssmParameter: '/slipway/db-secret-arn' } };
      }),
    ).toEqual([
      'app.secrets.DB_SECRET_ARN: DB_SECRET_ARN collides with a variable Slipway sets in the container (the reserved names are in docs/reference/errors.md); rename it, e.g. APP_DB_SECRET_ARN [SW130]',
    ]);
  });

  it.each(Object.keys(CONTAINER_VARIABLES))(
    'rejects a plain variable named %s, which Slipway sets',
    (name) => {
      expect(
        errorsOf((c) => {
          c.app.environment = { [name]: 'x' };
        }),
      ).toEqual([`app.environment.${name} [SW130]`]);
    },
  );

  it('rejects a name given both as a variable and as a secret', () => {
    expect(
      errorsOf((c) => {
        c.app.environment = { FEATURE_FLAGS: 'a,b' };
        c.app.secrets = { FEATURE_FLAGS: { ssmParameter: '/slipway/flags' } };
      }),
    ).toEqual(['app.secrets.FEATURE_FLAGS [SW119]']);
  });

  it('rejects a config without environments', () => {
    expect(
      errorsOf((c) => {
        c.environments = {};
      }),
    ).toEqual(['environments [SW120]']);
  });

  it('rejects a linear step below 3 percent', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').deploy = { strategy: 'linear', stepPercent: 2 };
      }),
    ).toEqual(['environments.dev.deploy.stepPercent [SW121]']);
  });

  it('rejects a linear deployment longer than 33 hours in total', () => {
    const messages = messagesOf((c) => {
      env(c, 'dev').deploy = { strategy: 'linear', stepPercent: 10, stepBakeMinutes: 240, bakeMinutes: 60 };
    });
    expect(messages).toEqual([
      'environments.dev.deploy.stepBakeMinutes: 10 steps × 240 min + bake 60 min = 2460 min; ECS allows at most 1980 min (33 h) in total [SW121]',
    ]);
  });

  it('rejects a canary step that is not a multiple of 0.1 percent', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').deploy = { strategy: 'canary', stepPercent: 12.25 };
      }),
    ).toEqual(['environments.dev.deploy.stepPercent [SW121]']);
  });

  it('rejects a canary total above 33 hours', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').deploy = { strategy: 'canary', stepBakeMinutes: 1440, bakeMinutes: 1000 };
      }),
    ).toEqual(['environments.dev.deploy.stepBakeMinutes [SW121]']);
  });

  it('rejects smoke tests in an environment without NAT', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').network.nat = 'none';
        env(c, 'dev').deploy = { strategy: 'blue-green' };
      }),
    ).toEqual(['environments.dev.deploy.smokeTest [SW125]']);
  });

  it('accepts blue/green without NAT when smoke tests are off', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').network.nat = 'none';
        env(c, 'dev').deploy = { strategy: 'blue-green', smokeTest: false };
      }),
    ).toEqual([]);
  });

  it('rejects a bake time above 1440 minutes', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').deploy = { bakeMinutes: 2000 };
      }),
    ).toEqual(['environments.dev.deploy.bakeMinutes [SW104]']);
  });

  it('rejects pgAdmin and migrations when the app has no database', () => {
    expect(
      errorsOf((c) => {
        c.app.database = false;
        env(c, 'dev').pgadmin = { enabled: true };
        env(c, 'dev').deploy = { migrate: true };
      }),
    ).toEqual(['environments.dev.pgadmin.enabled [SW122]', 'environments.dev.deploy.migrate [SW122]']);
  });

  it('rejects a storage ceiling below the initial storage', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').database = { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 50 };
      }),
    ).toEqual(['environments.dev.database.maxAllocatedStorageGiB [SW123]']);
  });

  it('rejects a Grafana or pgAdmin size Fargate does not offer', () => {
    expect(
      errorsOf((c) => {
        env(c, 'dev').grafana = { cpu: 256, memoryMiB: 4096 };
        env(c, 'dev').pgadmin = { enabled: true, cpu: 300 };
      }),
    ).toEqual(['environments.dev.grafana.memoryMiB [SW110]', 'environments.dev.pgadmin.cpu [SW110]']);
  });

  it('ignores the size of a tool that is turned off', () => {
    expect(errorsOf((c) => (env(c, 'dev').pgadmin = { enabled: false, cpu: 300 }))).toEqual([]);
  });

  it('rejects more than four allowed CIDRs for a tool route (an ALB rule evaluates at most five values)', () => {
    const five = ['10.9.0.0/24', '10.9.1.0/24', '10.9.2.0/24', '10.9.3.0/24', '10.9.4.0/24'];
    expect(errorsOf((c) => (env(c, 'dev').grafana = { allowedCidrs: five }))).toEqual([
      'environments.dev.grafana.allowedCidrs [SW104]',
    ]);
  });

  it('rejects a Grafana image tag that is not a valid tag', () => {
    expect(errorsOf((c) => (env(c, 'dev').grafana = { imageTag: 'bad tag' }))).toEqual([
      'environments.dev.grafana.imageTag [SW105]',
    ]);
  });

  it('reports the errors of every section at once', () => {
    const errors = errorsOf((c) => {
      (c.app as Record<string, unknown>).prot = 3000;
      env(c, 'dev').region = 'mars-1';
      env(c, 'dev').service = { minTasks: 5, maxTasks: 1 };
      env(c, 'prod').network.cidr = '10.0.0.0/8';
      env(c, 'prod').database = { deletionProtection: false };
    });
    expect(errors).toEqual([
      'app.prot [SW101]',
      'environments.dev.region [SW103]',
      'environments.prod.network.cidr [SW113]',
      'environments.prod.database.deletionProtection [SW115]',
    ]);
  });

  it('still reports cross-field errors of valid environments when another environment is invalid', () => {
    const errors = errorsOf((c) => {
      env(c, 'dev').account = 'x';
      env(c, 'prod').service = { minTasks: 5, maxTasks: 1 };
    });
    expect(errors).toEqual([
      'environments.dev.account [SW105]',
      'environments.prod.service.minTasks [SW111]',
    ]);
  });
});

describe('parseConfig', () => {
  it('throws one error listing every problem with its key path', () => {
    const config = structuredClone(base());
    env(config, 'dev').account = 'x';
    env(config, 'prod').network.cidr = 'nope';
    let thrown: unknown;
    try {
      parseConfig(config);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigValidationError);
    expect((thrown as Error).message).toMatch(
      /^slipway\.config\.ts has 2 errors:\n {2}- environments\.dev\.account: /,
    );
    expect((thrown as Error).message).toContain('environments.prod.network.cidr: got "nope"');
  });
});

describe('helpers', () => {
  it('cidrsOverlap detects containment and disjoint blocks', () => {
    expect(cidrsOverlap('10.0.0.0/16', '10.0.255.0/24')).toBe(true);
    expect(cidrsOverlap('10.0.0.0/16', '10.1.0.0/16')).toBe(false);
    expect(cidrsOverlap('10.0.0.0/8', '10.200.0.0/16')).toBe(true);
  });

  it('closest finds a typo but not an unrelated word', () => {
    expect(closest('memoryMib', ['memoryMiB', 'cpu'])).toBe('memoryMiB');
    expect(closest('banana', ['memoryMiB', 'cpu'])).toBeUndefined();
  });
});
