import type { PriceTable } from '../pricing/index.ts';
import type { StackInfo } from '../synth/synthesize.ts';
import type { NamedResource } from '../synth/template.ts';
import { hoursOf, type OfficeHoursUse } from './schedule.ts';
import type { CostAssumptions, CostLine } from './types.ts';

/** What a pricer sees of one stack, and where it writes its lines. */
export interface Context {
  readonly stack: StackInfo;
  readonly prices: PriceTable;
  readonly assumptions: CostAssumptions;
  readonly add: (line: Omit<CostLine, 'stack' | 'monthly' | 'service'> & { monthly: number }) => void;
  /** A resource the pricer met but could not price (an instance class missing from the table). */
  readonly unpriced: (type: string) => void;
}

/** Prices every resource of one CloudFormation type in one stack. */
export type Pricer = (resources: NamedResource[], ctx: Context) => void;

/** Dollars as the detail column writes them: 4 decimals under $0.10, 3 under $1. */
export const usd = (n: number) => `$${n < 0.1 ? n.toFixed(4).replace(/0+$/, '') : n.toFixed(n < 1 ? 3 : 2)}`;

/** `count` resources billed by the hour for the whole month. */
export function hourly(ctx: Context, count: number, price: number) {
  return {
    monthly: count * price * ctx.prices.hoursPerMonth,
    detail: `${count} × ${ctx.prices.hoursPerMonth} h × ${usd(price)}/h`,
  };
}

/** Every price table bills 730 hours a month (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** `, office hours: 222.7 h of 730` for a scheduled resource, nothing for an always-on one. */
export function officeHours(scheduled: OfficeHoursUse | undefined): string {
  return scheduled ? `, office hours: ${hoursOf(scheduled, HOURS_PER_MONTH)}` : '';
}

/** Hours as the detail column writes them: `730 h`, or `222.7 h (MON-FRI 07:50-18:05 Europe/London)`. */
export function hoursDetail(scheduled: OfficeHoursUse | undefined): string {
  return scheduled ? `${round(scheduled.hours, 1)} h (${scheduled.window})` : `${HOURS_PER_MONTH} h`;
}

export const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
