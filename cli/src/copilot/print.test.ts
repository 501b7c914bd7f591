/*
 * The object-literal printer: the text evaluates to the data, comments sit above their key, short
 * values stay on one line and long ones break as Biome breaks them, keys are quoted only when needed.
 */
import { describe, expect, it } from 'vitest';
import { commented, plain, print, quote } from './print.ts';

const evaluate = (text: string) => new Function(`return (${text});`)();

describe('print', () => {
  it('prints data that evaluates back to itself, quoting keys only when needed', () => {
    const data = { a: 1, 'cost-analyzer': { b: [true, 'x'] }, c: "it's \\ here" };
    const text = print(data);
    expect(text).toBe(`{ a: 1, 'cost-analyzer': { b: [true, 'x'] }, c: 'it\\'s \\\\ here' }`);
    expect(evaluate(text)).toEqual(data);
  });

  it('puts comment lines above their key, with a blank line between commented entries', () => {
    const text = print({
      first: commented({ x: 1 }, ['From a.yml.']),
      second: commented(2, ['From b.yml.']),
    });
    expect(text).toBe('{\n  // From a.yml.\n  first: { x: 1 },\n\n  // From b.yml.\n  second: 2,\n}');
    expect(plain({ first: commented({ x: 1 }, ['c']) })).toEqual({ first: { x: 1 } });
  });

  it('breaks what does not fit on one line, and moves a long string below its key', () => {
    const long = 'x'.repeat(120);
    const text = print({ list: Array.from({ length: 30 }, (_, i) => `item-${i}`), reason: long });
    expect(text.split('\n')[1]).toBe('  list: [');
    expect(text).toContain(`  reason:\n    ${quote(long)},`);
    expect(evaluate(text)).toEqual({ list: Array.from({ length: 30 }, (_, i) => `item-${i}`), reason: long });
  });

  it('leaves out undefined values', () => {
    expect(print({ a: 1, b: undefined })).toBe('{ a: 1 }');
  });
});
