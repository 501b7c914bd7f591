/*
 * Copilot's `on.schedule` forms become EventBridge Scheduler expressions that Slipway's own
 * schedule check accepts:
 *   - presets (@hourly … @yearly) → the crons Copilot used, with `?` in day-of-week
 *   - `@every <duration>` → a rate in the largest whole unit; a duration below a minute is refused
 *   - 5-field crons → 6 fields with a year, `?` in the unset day field, weekday numbers as names
 *   - both day fields set, an unknown preset, a wrong field count → invalid with a reason
 *   - `none` → the schedule is off; `rate(…)`/`cron(…)` pass through
 */
import { scheduleProblem } from '@slipway/config';
import { describe, expect, it } from 'vitest';
import { convertSchedule } from './schedule.ts';

const expression = (s: string) => {
  const r = convertSchedule(s);
  if (r.kind !== 'expression') throw new Error(`${s}: ${JSON.stringify(r)}`);
  expect(scheduleProblem(r.expression)).toBeUndefined();
  return r.expression;
};

describe('convertSchedule', () => {
  it.each([
    ['@hourly', 'cron(0 * * * ? *)'],
    ['@daily', 'cron(0 0 * * ? *)'],
    ['@midnight', 'cron(0 0 * * ? *)'],
    ['@weekly', 'cron(0 0 ? * SUN *)'],
    ['@monthly', 'cron(0 0 1 * ? *)'],
    ['@yearly', 'cron(0 0 1 1 ? *)'],
  ])('turns the preset %s into %s', (preset, cron) => {
    expect(expression(preset)).toBe(cron);
  });

  it.each([
    ['@every 2h', 'rate(2 hours)'],
    ['@every 1h30m', 'rate(90 minutes)'],
    ['@every 1m', 'rate(1 minute)'],
    ['@every 24h', 'rate(1 day)'],
    ['@every 48h', 'rate(2 days)'],
  ])('turns %s into %s', (every, rate) => {
    expect(expression(every)).toBe(rate);
  });

  it('refuses an interval that is not whole minutes', () => {
    expect(convertSchedule('@every 90s')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('whole number of minutes'),
    });
  });

  it.each([
    ['0 9 * * 1-5', 'cron(0 9 ? * MON-FRI *)'],
    ['30 4 1 * *', 'cron(30 4 1 * ? *)'],
    ['*/15 * * * *', 'cron(*/15 * * * ? *)'],
    ['0 0 * * 0', 'cron(0 0 ? * SUN *)'],
    ['0 0 * * 7', 'cron(0 0 ? * SUN *)'],
    ['0 12 * * 1,3,5', 'cron(0 12 ? * MON,WED,FRI *)'],
    ['0 6 * * sat', 'cron(0 6 ? * SAT *)'],
  ])('turns the 5-field cron "%s" into %s', (cron, aws) => {
    expect(expression(cron)).toBe(aws);
  });

  it('refuses a cron that sets both day-of-month and day-of-week, which EventBridge cannot express', () => {
    expect(convertSchedule('0 0 1 * 1')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('both day-of-month and day-of-week'),
    });
  });

  it('refuses an unknown preset and a cron with the wrong number of fields', () => {
    expect(convertSchedule('@fortnightly').kind).toBe('invalid');
    expect(convertSchedule('0 0 * *').kind).toBe('invalid');
  });

  it('passes AWS expressions through and checks them', () => {
    expect(expression('rate(5 minutes)')).toBe('rate(5 minutes)');
    expect(expression('cron(0 3 * * ? *)')).toBe('cron(0 3 * * ? *)');
    expect(convertSchedule('cron(0 3 * * * *)').kind).toBe('invalid');
  });

  it('reads none as a schedule that is off', () => {
    expect(convertSchedule('none')).toEqual({ kind: 'none' });
  });
});
