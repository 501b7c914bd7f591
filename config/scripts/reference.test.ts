import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectRows, REFERENCE_PAGE, renderReference } from './reference.ts';

describe('docs/reference/config.md', () => {
  it('is what the generator writes from the schema today (run npx tsx config/scripts/reference.ts)', () => {
    expect(readFileSync(REFERENCE_PAGE, 'utf8')).toBe(renderReference());
  });

  it('lists nested keys with the summary and default written on the schema', () => {
    const rows = collectRows('EnvironmentInput', 'environments.<name>');
    const row = rows.find((r) => r.path === 'environments.<name>.database.multiAz');
    expect(row?.summary).toMatch(/standby/i);
    expect(row?.defaultValue).toMatch(/protected/);
  });

  it('walks maps of names into their value type', () => {
    const rows = collectRows('SlipwayConfigInput', '');
    expect(rows.map((r) => r.path)).toContain('app.secrets.<name>.secretsManager');
  });
});
