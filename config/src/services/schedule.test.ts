import { describe, expect, it } from 'vitest';
import { scheduleProblem } from './schedule.ts';

describe('scheduleProblem', () => {
  it.each([
    'cron(0 3 * * ? *)',
    'cron(0/15 * * * ? *)',
    'cron(0 8 ? * MON-FRI *)',
    'cron(15 10 L * ? *)',
    'cron(0 10 ? * 6#3 2027)',
    'rate(1 minute)',
    'rate(15 minutes)',
    'rate(1 day)',
    'rate(12 hours)',
  ])('accepts %s', (expression) => {
    expect(scheduleProblem(expression)).toBeUndefined();
  });

  it.each([
    ['cron(0 3 * * * *)', 'valid cron fields, with ? in day-of-month or day-of-week'],
    ['cron(0 25 * * ? *)', 'valid cron fields'],
    ['cron(0 3 * * ?)', '6 cron fields (minutes hours day-of-month month day-of-week year), got 5'],
    ['rate(0 minutes)', 'a rate of at least 1'],
    ['rate(1 minutes)', 'a singular unit for 1, e.g. rate(1 minute)'],
    ['rate(5 hour)', 'a plural unit above 1, e.g. rate(5 hours)'],
    ['rate(5 weeks)', 'cron(...) or rate(...)'],
    ['0 3 * * ? *', 'cron(...) or rate(...)'],
    ['at(2027-01-01T00:00:00)', 'cron(...) or rate(...)'],
  ])('rejects %s: expected %s', (expression, problem) => {
    expect(scheduleProblem(expression)).toContain(problem);
  });
});
