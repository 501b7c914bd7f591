import { closest } from '../closest.ts';
import type { ConfigError } from '../errors.ts';
import { checkTimeZone, knownTimeZones, minutesOfDay } from '../office-hours.ts';
import type { EnvironmentConfig } from '../types.ts';
import { err, show } from './util.ts';

/** Shortest office-hours window: RDS needs minutes to start and to stop, and refuses to stop while starting. */
const MIN_OFFICE_HOURS_MINUTES = 60;

export function officeHoursErrors(env: EnvironmentConfig, at: (key: string) => string): ConfigError[] {
  const errors: ConfigError[] = [];
  const hours = env.officeHours;
  if (!hours) return errors;
  const minutes = minutesOfDay(hours.stop) - minutesOfDay(hours.start);
  if (minutes < MIN_OFFICE_HOURS_MINUTES)
    errors.push(
      err(
        at('officeHours.stop'),
        'SW128',
        `got start ${hours.start}, stop ${hours.stop}; stop must be at least ${MIN_OFFICE_HOURS_MINUTES} minutes after start on the same day (windows across midnight are not supported)`,
      ),
    );
  const zone = checkTimeZone(hours.timezone);
  if (!zone.ok) {
    const near = zone.suggestion ?? closest(hours.timezone, knownTimeZones());
    errors.push(
      err(
        at('officeHours.timezone'),
        'SW103',
        `got ${show(hours.timezone)}; expected an IANA time zone such as Europe/London, America/New_York or UTC${near ? `; did you mean "${near}"?` : ''}`,
      ),
    );
  }
  return errors;
}
