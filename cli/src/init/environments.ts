/*
 * The environments `slipway init` writes: dev (cheap), staging (production-like) and prod
 * (protected), as in Slipway's own slipway.config.ts, with placeholder accounts until the user
 * gives theirs.
 */
import { commented, type Printable } from '../copilot/print.ts';
import type { InitAnswers } from './config-source.ts';

/** Placeholder accounts, one per environment, so the three stay apart until replaced. */
export const PLACEHOLDER_ACCOUNTS = {
  dev: '111111111111',
  staging: '222222222222',
  prod: '333333333333',
} as const;

const database = (
  instanceClass: string,
  multiAz: boolean,
  backupRetentionDays: number,
  protect: boolean,
) => ({
  instanceClass,
  multiAz,
  backupRetentionDays,
  deletionProtection: protect,
});

/** The `environments` map; `withDatabase` adds each one's PostgreSQL settings. */
export function environments(answers: InitAnswers, withDatabase: boolean): Record<string, Printable> {
  const account = (env: keyof typeof PLACEHOLDER_ACCOUNTS) => answers.account ?? PLACEHOLDER_ACCOUNTS[env];
  const db = (settings: ReturnType<typeof database>) => (withDatabase ? { database: settings } : {});
  const dev = commented(
    {
      account: account('dev'),
      region: answers.region,
      branch: 'develop',
      network: { cidr: '10.0.0.0/16', azCount: 2, nat: 'instance' },
      service: { cpu: 256, memoryMiB: 512, minTasks: 1, maxTasks: 2, capacity: 'spot' },
      ...db(database('t4g.micro', false, 1, false)),
      deploy: { strategy: 'rolling' },
      dashboard: false,
      officeHours: commented({ days: 'MON-FRI', start: '08:00', stop: '18:00', timezone: 'Europe/London' }, [
        'Tasks scale to zero (and the database stops) outside office hours; set your time zone.',
      ]),
    },
    [
      'Everything cheap: Fargate Spot, one small task, a NAT instance' +
        (withDatabase ? ', single-AZ t4g.micro.' : '.'),
    ],
  );
  const staging = commented(
    {
      account: account('staging'),
      region: answers.region,
      branch: 'main',
      network: { cidr: '10.2.0.0/16', azCount: 2, nat: 'gateway' },
      service: {
        cpu: 512,
        memoryMiB: 1024,
        minTasks: 1,
        maxTasks: 2,
        capacity: { mixed: { base: 1, spotWeight: 1 } },
      },
      ...db(database('t4g.micro', false, 7, false)),
      deploy: { strategy: 'blue-green', bakeMinutes: 5 },
      waf: { enabled: true },
    },
    ['Production-like: one NAT gateway, blue/green deploys, WAF on. A push to main deploys it, then prod.'],
  );
  const prod = commented(
    {
      account: account('prod'),
      region: answers.region,
      protected: true,
      branch: 'main',
      promoteFrom: 'staging',
      approval: true,
      network: { cidr: '10.3.0.0/16', azCount: 2, nat: 'gateway-per-az' },
      service: {
        cpu: 1024,
        memoryMiB: 2048,
        minTasks: 2,
        maxTasks: 4,
        capacity: { mixed: { base: 1, spotWeight: 1 } },
      },
      ...db(database('t4g.small', true, 14, true)),
      deploy: { strategy: 'canary', stepPercent: 10, stepBakeMinutes: 10, bakeMinutes: 15 },
      waf: { enabled: true },
      alarms: commented({ email: ['oncall@example.com'] }, [
        'Who gets paged: replace with your on-call address.',
      ]),
    },
    [
      "Production: staging's image after an approval, two tasks in two zones, canary deploys, alarms.",
      'Protected: it must pass the production-readiness rules (docs/production-readiness.md).',
    ],
  );
  return { dev, staging, prod };
}
