import { WEEKDAYS } from './schema/office-hours.ts';

/*
 * Helpers for `officeHours`, shared by validation, the CDK constructs that build the
 * schedules and the CLI.
 */

export type Weekday = (typeof WEEKDAYS)[number];

/** The days of a cron day-of-week field such as `MON-FRI` or `SUN,TUE-SAT`, as 0 (SUN) .. 6 (SAT), sorted. */
export function expandDays(days: string): number[] {
  const out = new Set<number>();
  for (const part of days.split(',')) {
    const [from, to = from] = part.split('-') as [Weekday, Weekday?];
    const a = WEEKDAYS.indexOf(from);
    const b = WEEKDAYS.indexOf(to);
    if (a < 0 || b < 0 || a > b) throw new Error(`expandDays: "${part}" is not a SUN..SAT day or range`);
    for (let d = a; d <= b; d++) out.add(d);
  }
  return [...out].sort((x, y) => x - y);
}

/** Days (0 = SUN .. 6 = SAT) as a cron day-of-week field, ranges collapsed: [1,2,3,4,5] → `MON-FRI`. */
export function formatDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    const from = WEEKDAYS[sorted[i] as number];
    const to = WEEKDAYS[sorted[j] as number];
    parts.push(i === j ? `${from}` : `${from}-${to}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Minutes after midnight of a `HH:MM` time. */
export function minutesOfDay(time: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m) throw new Error(`minutesOfDay: "${time}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * Whether `zone` names an IANA time zone as AWS expects it: known to the runtime's time zone
 * database (Intl), and spelled with its canonical capitals. Returns the spelling to suggest when
 * only the capitals are wrong.
 */
export function checkTimeZone(zone: string): { ok: true } | { ok: false; suggestion?: string } {
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return { ok: false };
  }
  // `europe/london` resolves to `Europe/London`; links such as `US/Eastern` resolve to another
  // name and are fine as written.
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) {
    return { ok: false, suggestion: resolved };
  }
  return { ok: true };
}

/** Time zone names to suggest from when a name is unknown. */
export function knownTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone')];
}
