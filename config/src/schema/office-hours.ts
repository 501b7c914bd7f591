import { z } from 'zod';

const WEEKDAY = '(SUN|MON|TUE|WED|THU|FRI|SAT)';
/** Day-of-week order of AWS cron expressions (1 = SUN ... 7 = SAT). */
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a 24-hour time HH:MM such as 08:00');

/**
 * Office hours: when an environment runs its tasks, database and NAT instance. Outside them the
 * ECS services scale to zero and the RDS instance and the NAT instance are stopped; the load
 * balancer, storage and everything else stay (docs/infrastructure.md, "Office hours").
 */
export const officeHoursSchema = z.strictObject({
  /**
   * Days it runs, as in a cron day-of-week field: ranges in SUN..SAT order and lists, e.g.
   * `MON-FRI`, `MON,WED,FRI`, `SUN,TUE-SAT`.
   * @default 'MON-FRI'
   */
  days: z
    .string()
    .regex(
      new RegExp(`^${WEEKDAY}(-${WEEKDAY})?(,${WEEKDAY}(-${WEEKDAY})?)*$`),
      'days such as MON-FRI or MON,WED,FRI (SUN MON TUE WED THU FRI SAT)',
    )
    .refine(
      (value) =>
        value.split(',').every((part) => {
          const [from, to = from] = part.split('-') as [
            (typeof WEEKDAYS)[number],
            (typeof WEEKDAYS)[number]?,
          ];
          return WEEKDAYS.indexOf(from) <= WEEKDAYS.indexOf(to);
        }),
      'ranges in SUN..SAT order, e.g. MON-FRI; split a range across the weekend, e.g. SUN,FRI-SAT',
    )
    .default('MON-FRI'),
  /**
   * Local time the service is up from, 24-hour `HH:MM`. The database and the NAT instance start
   * 10 minutes earlier so the tasks find them running.
   * @default '08:00'
   */
  start: clockTime.default('08:00'),
  /** Local time the service scales to zero, `HH:MM`, at least an hour after `start` on the same day. @default '18:00' */
  stop: clockTime.default('18:00'),
  /** IANA time zone of `start` and `stop`, e.g. `Europe/London`; daylight saving time is followed. @default 'UTC' */
  timezone: z.string().min(1).default('UTC'),
});
