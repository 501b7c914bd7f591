// The catalog's documentation is generated from it (scripts/docs/errors.ts), so only its content is checked here.
import { describe, expect, it } from 'vitest';
import { RESERVED_VARIABLES } from './contract/index.ts';
import { CONFIG_ERRORS } from './errors.ts';

describe('SW130', () => {
  it('names every reserved container variable in its fix', () => {
    for (const name of RESERVED_VARIABLES) expect(CONFIG_ERRORS.SW130.solve, name).toContain(name);
  });
});
