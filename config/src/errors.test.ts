import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESERVED_VARIABLES } from './contract/index.ts';
import { CONFIG_ERRORS } from './errors.ts';

const doc = readFileSync(new URL('../../docs/reference/errors.md', import.meta.url), 'utf8');
const documented = new Map(
  [...doc.matchAll(/^\| (SW\d{3}) \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], { title: m[2]?.trim() }]),
);

describe('the configuration error catalog', () => {
  it('documents every code in docs/reference/errors.md with its title', () => {
    for (const [code, { title }] of Object.entries(CONFIG_ERRORS)) {
      expect(documented.get(code)?.title, code).toBe(title);
    }
  });

  it('documents no configuration code the code does not have', () => {
    const configCodes = [...documented.keys()].filter((c) => c?.startsWith('SW1'));
    expect(configCodes.sort()).toEqual(Object.keys(CONFIG_ERRORS).sort());
  });
});

describe('SW130', () => {
  it('names every reserved container variable in its fix', () => {
    for (const name of RESERVED_VARIABLES) expect(CONFIG_ERRORS.SW130.solve, name).toContain(name);
  });
});
