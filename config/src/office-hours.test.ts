import { describe, expect, it } from 'vitest';
import { checkTimeZone, expandDays, formatDays, minutesOfDay } from './office-hours.ts';

describe('office-hours helpers', () => {
  it('expands cron day-of-week fields to day numbers (0 = SUN)', () => {
    expect(expandDays('MON-FRI')).toEqual([1, 2, 3, 4, 5]);
    expect(expandDays('SUN,TUE-SAT')).toEqual([0, 2, 3, 4, 5, 6]);
    expect(expandDays('FRI,MON,MON')).toEqual([1, 5]);
    expect(() => expandDays('FRI-MON')).toThrow('FRI-MON');
  });

  it('formats day numbers back, collapsing runs into ranges', () => {
    expect(formatDays([1, 2, 3, 4, 5])).toBe('MON-FRI');
    // The day before each of MON-FRI: what a start 10 minutes before 00:05 needs.
    expect(formatDays([0, 1, 2, 3, 4])).toBe('SUN-THU');
    expect(formatDays([6, 0, 2])).toBe('SUN,TUE,SAT');
  });

  it('reads HH:MM as minutes after midnight', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('18:05')).toBe(18 * 60 + 5);
  });

  it('accepts IANA names and links, and suggests the capitals of a miscapitalized one', () => {
    expect(checkTimeZone('Europe/London')).toEqual({ ok: true });
    expect(checkTimeZone('UTC')).toEqual({ ok: true });
    expect(checkTimeZone('US/Eastern')).toEqual({ ok: true });
    expect(checkTimeZone('europe/london')).toEqual({ ok: false, suggestion: 'Europe/London' });
    expect(checkTimeZone('Mars/Olympus_Mons')).toEqual({ ok: false });
  });
});
