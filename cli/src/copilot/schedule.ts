import { scheduleProblem } from '@slipway/config';
import { durationSeconds } from './values.ts';

/*
 * A Scheduled Job's `on.schedule` as an EventBridge Scheduler expression. Copilot's forms
 * (site/content/docs/manifest/scheduled-job.en.md, "on.schedule"; converted the way
 * internal/pkg/deploy/cloudformation/stack/scheduled_job.go `awsSchedule` does):
 *   - `rate(...)` / `cron(...)`: already AWS syntax, passed through;
 *   - `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`): fixed crons;
 *   - `@every <Go duration>`: a rate in whole minutes;
 *   - a standard 5-field cron `m h dom mon dow`: AWS's 6 fields with a year, `?` in one day field
 *     (AWS refuses `*` in both), and day-of-week numbers 0-7 (Sunday = 0 or 7) turned into names,
 *     as AWS numbers the days 1-7 from Sunday;
 *   - `none`: the job never runs.
 */

export type Schedule =
  | { readonly kind: 'expression'; readonly expression: string; readonly note?: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'invalid'; readonly reason: string };

const FIXED: Record<string, string> = {
  '@hourly': 'cron(0 * * * ? *)',
  '@daily': 'cron(0 0 * * ? *)',
  '@midnight': 'cron(0 0 * * ? *)',
  '@weekly': 'cron(0 0 ? * SUN *)',
  '@monthly': 'cron(0 0 1 * ? *)',
  '@yearly': 'cron(0 0 1 1 ? *)',
  '@annually': 'cron(0 0 1 1 ? *)',
};

const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

/** A standard day-of-week field (0-7 or names, lists, ranges, steps) in AWS's form. */
function awsDayOfWeek(field: string): string {
  return field
    .split(',')
    .map((part) => {
      const [range = '', step] = part.split('/');
      const named = range.replace(/\d+/g, (n) => DAYS[Number(n)] ?? n).toUpperCase();
      return step === undefined ? named : `${named}/${step}`;
    })
    .join(',');
}

const isAny = (field: string) => field === '*' || field === '?';

function fromStandardCron(fields: string[]): Schedule {
  const [minute, hour, dom = '*', month, dow = '*'] = fields;
  let days: [string, string];
  if (isAny(dow)) days = [isAny(dom) ? '*' : dom, '?'];
  else if (isAny(dom)) days = ['?', awsDayOfWeek(dow)];
  else
    return {
      kind: 'invalid',
      reason: `"${fields.join(' ')}" sets both day-of-month and day-of-week, which EventBridge cannot express (Copilot refuses it too); split it into two jobs`,
    };
  return { kind: 'expression', expression: `cron(${minute} ${hour} ${days[0]} ${month} ${days[1]} *)` };
}

function fromEvery(duration: string): Schedule {
  const seconds = durationSeconds(duration);
  if (seconds === undefined || seconds < 60 || seconds % 60 !== 0)
    return {
      kind: 'invalid',
      reason: `"@every ${duration}" is not a whole number of minutes (Copilot requires one too)`,
    };
  const minutes = seconds / 60;
  const [value, unit] =
    minutes % 1440 === 0
      ? [minutes / 1440, 'day']
      : minutes % 60 === 0
        ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
  return { kind: 'expression', expression: `rate(${value} ${unit}${value === 1 ? '' : 's'})` };
}

/** The EventBridge Scheduler expression of a Copilot schedule. */
export function convertSchedule(schedule: string): Schedule {
  const text = schedule.trim();
  if (text === 'none') return { kind: 'none' };
  let result: Schedule;
  if (/^(rate|cron)\(.*\)$/.test(text)) result = { kind: 'expression', expression: text };
  else if (text.startsWith('@every ')) result = fromEvery(text.slice('@every '.length).trim());
  else if (text.startsWith('@')) {
    const fixed = FIXED[text];
    result = fixed
      ? { kind: 'expression', expression: fixed }
      : {
          kind: 'invalid',
          reason: `"${text}" is not one of Copilot's presets (${Object.keys(FIXED).join(', ')})`,
        };
  } else {
    const fields = text.split(/\s+/);
    if (fields.length !== 5)
      return {
        kind: 'invalid',
        reason: `"${text}" is neither a preset nor a 5-field cron (m h dom mon dow)`,
      };
    result = fromStandardCron(fields);
  }
  if (result.kind !== 'expression') return result;
  const problem = scheduleProblem(result.expression);
  return problem
    ? {
        kind: 'invalid',
        reason: `"${text}" became "${result.expression}", which is not valid: expected ${problem}`,
      }
    : result;
}
