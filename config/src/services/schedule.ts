import * as cronValidate from 'cron-validate';

/*
 * EventBridge Scheduler's recurring expressions: `rate(<value> <unit>)` and
 * `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` (UTC, one of the two day
 * fields `?`). The cron fields are checked by cron-validate's AWS preset.
 */

// cron-validate is CommonJS with `exports.default`; under ESM the function sits one level down.
type CronValidate = (cron: string, options: { preset: string }) => { isValid(): boolean };
const module = cronValidate as unknown as { default: CronValidate | { default: CronValidate } };
const validateCron: CronValidate =
  typeof module.default === 'function' ? module.default : module.default.default;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.+)\)$/;

/**
 * Why `expression` is not an EventBridge Scheduler recurring expression, or undefined when it is.
 * The reason is a fragment that follows "expected …" style messages: what is wrong and an example.
 */
export function scheduleProblem(expression: string): string | undefined {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (value < 1) return 'a rate of at least 1, e.g. rate(5 minutes)';
    const singular = !unit.endsWith('s');
    if (value === 1 && !singular) return `a singular unit for 1, e.g. rate(1 ${unit.slice(0, -1)})`;
    if (value > 1 && singular) return `a plural unit above 1, e.g. rate(${value} ${unit}s)`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? '').trim().split(/\s+/);
    if (fields.length !== 6)
      return `6 cron fields (minutes hours day-of-month month day-of-week year), got ${fields.length}, e.g. cron(0 3 * * ? *)`;
    if (!validateCron(fields.join(' '), { preset: 'aws-cloud-watch' }).isValid())
      return 'valid cron fields, with ? in day-of-month or day-of-week, e.g. cron(0 3 * * ? *) or cron(0 8 ? * MON-FRI *)';
    return undefined;
  }
  return 'cron(...) or rate(...), e.g. cron(0 3 * * ? *) or rate(15 minutes)';
}
