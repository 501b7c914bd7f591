import { expandDays } from '@slipway/config';
import { type NamedResource, numberOf, referencesIn, resourcesOf, type Template } from '../synth/template.ts';

/*
 * Office hours as the synthesized templates state them, for the cost model: the Application Auto
 * Scaling scheduled actions on an ECS service's scalable target, and the EventBridge Scheduler
 * schedules that start and stop an RDS or EC2 instance. A week is replayed edge by edge (each edge
 * sets a level: tasks, or 1/0 for running/stopped) and the running time is scaled to a billing
 * month. Both edges of a schedule are in the same time zone, so daylight saving time moves them
 * together and a week has the same hours in it (except a window that spans the change itself at
 * 01:00-02:00 local, which the model ignores).
 */

const MINUTES_PER_WEEK = 7 * 24 * 60;
const HOURS_PER_WEEK = 7 * 24;

/** One edge: at these minutes of the week (0 = Sunday 00:00) the level becomes `level`. */
interface Edge {
  readonly cron: string;
  readonly minutes: number[];
  readonly level: number;
}

/** What a resource's schedule adds up to in a month. */
export interface OfficeHoursUse {
  /** Hours a month the resource runs (at its highest level), of `hoursPerMonth`. */
  readonly hours: number;
  /** The level while it runs: tasks for a service, 1 for an instance. */
  readonly level: number;
  /** The window for the line, e.g. `MON-FRI 07:50-18:05 Europe/London`. */
  readonly window: string;
}

/**
 * Minutes of the week a `cron(min hour ? * days *)` expression fires at, or undefined for any
 * other shape (a list of hours, a day of the month, a year): the model then keeps the resource
 * running all month rather than guess.
 */
export function cronMinutesOfWeek(expression: string): number[] | undefined {
  const m = /^cron\((\d{1,2}) (\d{1,2}) ([?*]) \* (\S+) \*\)$/.exec(expression.trim());
  if (!m) return undefined;
  const minute = Number(m[1]);
  const hour = Number(m[2]);
  const daysField = m[4] as string;
  if (minute > 59 || hour > 23) return undefined;
  let days: number[];
  if (daysField === '*' || daysField === '?') days = [0, 1, 2, 3, 4, 5, 6];
  else {
    try {
      days = expandDays(daysField);
    } catch {
      return undefined;
    }
  }
  return days.map((d) => d * 24 * 60 + hour * 60 + minute);
}

/** Replays a week of edges: the minutes spent at each level (the level before the first edge is the last one's). */
export function weeklyLevels(edges: readonly Edge[]): Map<number, number> {
  const points = edges
    .flatMap((e) => e.minutes.map((minute) => ({ minute, level: e.level })))
    .sort((a, b) => a.minute - b.minute);
  const spent = new Map<number, number>();
  const last = points[points.length - 1];
  if (!last) return spent;
  let level = last.level;
  let at = 0;
  for (const p of points) {
    spent.set(level, (spent.get(level) ?? 0) + (p.minute - at));
    level = p.level;
    at = p.minute;
  }
  spent.set(level, (spent.get(level) ?? 0) + (MINUTES_PER_WEEK - at));
  return spent;
}

function officeHoursOf(
  edges: Edge[],
  timezone: string | undefined,
  hoursPerMonth: number,
): OfficeHoursUse | undefined {
  if (edges.length === 0 || edges.some((e) => e.minutes.length === 0)) return undefined;
  const spent = weeklyLevels(edges);
  const running = [...spent].filter(([level]) => level > 0);
  const level = Math.max(0, ...running.map(([l]) => l));
  const levelMinutes = running.reduce((n, [l, minutes]) => n + l * minutes, 0);
  const hours = level === 0 ? 0 : (levelMinutes / level / 60) * (hoursPerMonth / HOURS_PER_WEEK);
  return { hours, level, window: describeWindow(edges, timezone) };
}

/** `MON-FRI 07:50-18:05 Europe/London` when the schedule is one daily window, else the expressions. */
function describeWindow(edges: Edge[], timezone: string | undefined): string {
  const up = edges.filter((e) => e.level > 0);
  const down = edges.filter((e) => e.level === 0);
  const field = (cron: string) => /^cron\((\d+) (\d+) [?*] \* (\S+) \*\)$/.exec(cron);
  const [u, d] = [up[0] && field(up[0].cron), down[0] && field(down[0].cron)];
  const zone = timezone ? ` ${timezone}` : ' UTC';
  if (up.length === 1 && down.length === 1 && u && d && u[3] === d[3]) {
    const hhmm = (f: RegExpExecArray) =>
      `${(f[2] as string).padStart(2, '0')}:${(f[1] as string).padStart(2, '0')}`;
    return `${u[3]} ${hhmm(u)}-${hhmm(d)}${zone}`;
  }
  return `${edges.map((e) => e.cron).join(', ')}${zone}`;
}

/** The scalable target of an ECS service, if it has one. */
export function scalableTargetOf(service: NamedResource, template: Template): NamedResource | undefined {
  return resourcesOf(template, 'AWS::ApplicationAutoScaling::ScalableTarget').find((t) =>
    referencesIn(t.Properties?.ResourceId).has(service.logicalId),
  );
}

/**
 * An ECS service's office hours, from the scheduled actions on its scalable target: each action
 * sets the task count to its minimum capacity (a `Fn::If` reads as its first branch, the state
 * once an image is released, as everywhere in the model). Undefined: no schedule (always on).
 */
export function serviceOfficeHours(
  service: NamedResource,
  template: Template,
  hoursPerMonth: number,
): OfficeHoursUse | undefined {
  const target = scalableTargetOf(service, template);
  const actions = (target?.Properties?.ScheduledActions ?? []) as {
    Schedule?: unknown;
    Timezone?: unknown;
    ScalableTargetAction?: { MinCapacity?: unknown };
  }[];
  const edges: Edge[] = [];
  for (const a of actions) {
    const min = numberOf(a.ScalableTargetAction?.MinCapacity);
    if (typeof a.Schedule !== 'string' || min === undefined) continue;
    edges.push({ cron: a.Schedule, minutes: cronMinutesOfWeek(a.Schedule) ?? [], level: min });
  }
  const zone = actions.map((a) => a.Timezone).find((z): z is string => typeof z === 'string');
  return officeHoursOf(edges, zone, hoursPerMonth);
}

/**
 * An RDS or EC2 instance's office hours, from the Scheduler schedules whose universal target
 * starts or stops it (`aws-sdk:rds:startDBInstance`, `aws-sdk:ec2:stopInstances`, ...) with an
 * input that names it. Undefined: no schedule (always on).
 */
export function instanceOfficeHours(
  instance: NamedResource,
  template: Template,
  hoursPerMonth: number,
): OfficeHoursUse | undefined {
  const actions =
    instance.Type === 'AWS::RDS::DBInstance'
      ? { start: 'aws-sdk:rds:startDBInstance', stop: 'aws-sdk:rds:stopDBInstance' }
      : { start: 'aws-sdk:ec2:startInstances', stop: 'aws-sdk:ec2:stopInstances' };
  const edges: Edge[] = [];
  let zone: string | undefined;
  for (const s of resourcesOf(template, 'AWS::Scheduler::Schedule')) {
    const target = s.Properties?.Target as { Arn?: unknown; Input?: unknown } | undefined;
    if (!target || !referencesIn(target.Input).has(instance.logicalId)) continue;
    const arn = JSON.stringify(target.Arn ?? '');
    const level = arn.includes(actions.start) ? 1 : arn.includes(actions.stop) ? 0 : undefined;
    const expression = s.Properties?.ScheduleExpression;
    if (level === undefined || typeof expression !== 'string') continue;
    edges.push({ cron: expression, minutes: cronMinutesOfWeek(expression) ?? [], level });
    const tz = s.Properties?.ScheduleExpressionTimezone;
    if (typeof tz === 'string') zone = tz;
  }
  return officeHoursOf(edges, zone, hoursPerMonth);
}

/** `217.3 h of 730` */
export function hoursOf(scheduled: OfficeHoursUse, hoursPerMonth: number): string {
  return `${scheduled.hours.toFixed(1)} h of ${hoursPerMonth}`;
}
