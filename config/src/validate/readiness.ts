import type { ConfigError, ConfigErrorCode } from '../errors.ts';
import type { ResolvedEnvironment } from '../resolve.ts';
import type { AcknowledgeKey } from '../schema/acknowledge.ts';
import { err } from './util.ts';

/*
 * Production readiness: what a protected environment must not do without saying why. The rules
 * are data, so validation (one error per risky setting) and `slipway plan` (one line per rule)
 * read the same list; each rule's key is also its name under `acknowledge`.
 */

export interface ReadinessRule {
  /** The name under `acknowledge` that accepts this risk with a reason. */
  readonly key: AcknowledgeKey;
  /** The error code a protected environment gets when it takes the risk unacknowledged. */
  readonly id: ConfigErrorCode;
  /** The setting that decides, relative to the environment, e.g. `database.multiAz`. */
  readonly setting: string;
  /** What the rule wants, as `slipway plan` lists it, e.g. "database in two availability zones". */
  readonly title: string;
  /** What goes wrong when the environment takes the risk. */
  readonly risk: string;
  /** What to change instead. */
  readonly fix: string;
  /** Whether the rule concerns this environment at all (the database rules need a database). */
  readonly appliesTo: (env: ResolvedEnvironment) => boolean;
  /** Why the rule does not apply, for `slipway plan` and an acknowledgement that accepts nothing. @default 'app.database is false' (plan: "no database") */
  readonly notApplicable?: string;
  /** Whether the environment, defaults applied, takes the risk. */
  readonly isRisky: (env: ResolvedEnvironment) => boolean;
  /** The current value, for the message ("got false"). */
  readonly got: (env: ResolvedEnvironment) => string;
}

const always = () => true;
const hasDatabase = (env: ResolvedEnvironment) => env.database !== undefined;

/** The services that answer requests (web and backend): each must survive a task or zone failure. */
function answering(env: ResolvedEnvironment) {
  return env.services.filter((s) => s.type === 'web' || s.type === 'backend');
}
const allSpot = (capacity: ResolvedEnvironment['service']['capacity']) =>
  capacity === 'spot' || (typeof capacity === 'object' && capacity.mixed.base === 0);
/** `web 2, api 1` with several services; the bare value with one (as the single-service setting reads). */
function perService(env: ResolvedEnvironment, value: (s: ReturnType<typeof answering>[number]) => string) {
  const services = answering(env);
  return services.length === 1 && services[0]
    ? value(services[0])
    : services.map((s) => `${s.name} ${value(s)}`).join(', ');
}

/** The web and backend services that run fewer tasks at rest than the environment has zones. */
function belowZones(env: ResolvedEnvironment) {
  return answering(env).filter((s) => s.minTasks < env.network.azCount);
}

/** The rules keyed by their `acknowledge` name: a key without a rule, or a rule without a key, does not compile. */
const RULES: { readonly [K in AcknowledgeKey]: Omit<ReadinessRule, 'key'> } = {
  noDeletionProtection: {
    id: 'SW115',
    setting: 'database.deletionProtection',
    title: 'database deletion protection',
    risk: 'one stack replacement or console click deletes the production database',
    fix: 'set database.deletionProtection: true',
    appliesTo: hasDatabase,
    isRisky: (env) => env.database?.deletionProtection === false,
    got: (env) => String(env.database?.deletionProtection),
  },
  singleAzDatabase: {
    id: 'SW131',
    setting: 'database.multiAz',
    title: 'database standby in a second availability zone',
    risk: 'an instance failure or a zone outage stops the database until it is restored, as no standby takes over',
    fix: 'set database.multiAz: true (it doubles the instance price)',
    appliesTo: hasDatabase,
    isRisky: (env) => env.database?.multiAz === false,
    got: (env) => String(env.database?.multiAz),
  },
  singleTask: {
    id: 'SW132',
    setting: 'service.minTasks',
    title: 'at least two tasks at rest (two availability zones)',
    risk: 'at rest a service runs in one availability zone or not at all, so one task crash, Spot interruption or zone outage is downtime',
    fix: 'set service.minTasks (or services.<name>.minTasks here) to 2 or more for every web and backend service',
    appliesTo: always,
    isRisky: (env) => answering(env).some((s) => s.minTasks < 2),
    got: (env) => perService(env, (s) => String(s.minTasks)),
  },
  fewerTasksThanZones: {
    id: 'SW180',
    setting: 'service.minTasks',
    title: 'a task in every availability zone at rest',
    risk: 'at rest a zone runs none of the service, so a zone outage takes a larger share of its capacity than the spread promises, and the survivors must absorb it while replacements start',
    fix: 'set service.minTasks (or services.<name>.minTasks here) to network.azCount or more for every web and backend service',
    // With two zones, singleTask's two tasks are already one per zone.
    appliesTo: (env) => env.network.azCount > 2,
    notApplicable: 'network.azCount is 2, where singleTask already asks for a task per zone',
    isRisky: (env) => belowZones(env).length > 0,
    got: (env) =>
      `${belowZones(env)
        .map((s) => `${s.name} ${s.minTasks}`)
        .join(', ')} with ${env.network.azCount} zones`,
  },
  allSpot: {
    id: 'SW133',
    setting: 'service.capacity',
    title: 'an on-demand base task',
    risk: 'Fargate Spot may reclaim every task at once with two minutes of notice',
    fix: "set service.capacity (or services.<name>.capacity here) to { mixed: { base: 1, spotWeight: 1 } } or 'on-demand' for every web and backend service",
    appliesTo: always,
    isRisky: (env) => answering(env).some((s) => allSpot(s.capacity)),
    got: (env) => perService(env, (s) => JSON.stringify(s.capacity)),
  },
  noAlarmEmail: {
    id: 'SW134',
    setting: 'alarms.email',
    title: 'alarms emailed to someone',
    risk: 'alarms go to an SNS topic nobody subscribes to, so an outage goes unnoticed',
    fix: "list who is on call in alarms.email, e.g. ['oncall@example.com']",
    appliesTo: always,
    isRisky: (env) => env.alarms.email.length === 0,
    got: () => '[]',
  },
  noWaf: {
    id: 'SW135',
    setting: 'waf.enabled',
    title: 'AWS WAF in front of the load balancer',
    risk: 'no managed rule groups and no per-IP rate limit stand between the internet and the service',
    fix: 'set waf.enabled: true',
    appliesTo: always,
    isRisky: (env) => !env.waf.enabled,
    got: (env) => String(env.waf.enabled),
  },
  noApproval: {
    id: 'SW137',
    setting: 'approval',
    title: "a reviewer's approval before deploying",
    risk: 'every push to the branch reaches production without a second pair of eyes',
    fix: 'set approval: true (a GitHub Environment with required reviewers)',
    appliesTo: always,
    isRisky: (env) => !env.approval,
    got: (env) => String(env.approval),
  },
  officeHours: {
    id: 'SW127',
    setting: 'officeHours',
    title: 'runs around the clock',
    risk: 'the service, its database and its NAT instance stop outside office hours',
    fix: 'remove officeHours',
    appliesTo: always,
    isRisky: (env) => env.officeHours !== undefined,
    got: () => 'a schedule',
  },
};

/** Every readiness rule, in the order `slipway plan` lists them. */
export const READINESS_RULES: readonly ReadinessRule[] = Object.entries(RULES).map(([key, rule]) => ({
  key: key as AcknowledgeKey,
  ...rule,
}));

export type ReadinessStatus = 'ready' | 'acknowledged' | 'risky' | 'not-applicable';

export interface ReadinessCheck {
  readonly rule: ReadinessRule;
  readonly status: ReadinessStatus;
  /** The reason given under `acknowledge`, when there is one. */
  readonly reason?: string;
}

/** Each rule's verdict on one environment (protected or not: callers decide what an unprotected one means). */
export function readinessOf(env: ResolvedEnvironment): ReadinessCheck[] {
  return READINESS_RULES.map((rule) => {
    const reason = env.acknowledge[rule.key];
    if (!rule.appliesTo(env)) return { rule, status: 'not-applicable', reason };
    if (!rule.isRisky(env)) return { rule, status: 'ready', reason };
    return { rule, status: reason ? 'acknowledged' : 'risky', reason };
  });
}

/**
 * The errors of one environment: every risk a protected environment takes without an
 * acknowledgement, and every acknowledgement that accepts no risk (a stale reason would hide the
 * day the setting changes back).
 */
export function readinessErrors(env: ResolvedEnvironment, at: (key: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const { rule, status, reason } of readinessOf(env)) {
    const ack = `acknowledge.${rule.key}`;
    if (status === 'risky' && env.protected)
      errors.push(
        err(
          at(rule.setting),
          rule.id,
          `got ${rule.got(env)} in a protected environment: ${rule.risk}; ${rule.fix}, or give a reason in ${ack}`,
        ),
      );
    if (reason === undefined || (env.protected && status === 'acknowledged')) continue;
    const why = !env.protected
      ? `${env.name} is not protected, so its readiness is not checked`
      : status === 'not-applicable'
        ? `the rule does not apply (${rule.notApplicable ?? 'app.database is false'})`
        : `${rule.setting} is already safe (got ${rule.got(env)})`;
    errors.push(err(at(ack), 'SW138', `nothing to acknowledge: ${why}; remove ${ack}`));
  }
  return errors;
}
