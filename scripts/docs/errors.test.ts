/*
 * The error pages are generated from the catalogs the CLI prints from:
 *   - docs/reference/errors.md is exactly what the generator writes today
 *   - the README's troubleshooting section is exactly what the generator writes today
 *   - both list every configuration and CLI code, with its fix
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_ERRORS } from '../../cli/src/errors.ts';
import { CONFIG_ERRORS } from '../../config/src/errors.ts';
import {
  ERROR_PAGE,
  README,
  renderErrorReference,
  renderTroubleshooting,
  withTroubleshooting,
} from './errors.ts';

const codes = [...Object.keys(CONFIG_ERRORS), ...Object.keys(CLI_ERRORS)];

describe('the generated error pages (npm run docs:errors rewrites them)', () => {
  it('docs/reference/errors.md is current', () => {
    expect(readFileSync(ERROR_PAGE, 'utf8')).toBe(renderErrorReference());
  });

  it("the README's troubleshooting section is current", () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withTroubleshooting(readme));
  });

  it('list every code once, with its fix', () => {
    for (const page of [renderErrorReference(), renderTroubleshooting()]) {
      for (const code of codes) {
        expect(page.match(new RegExp(`^\\| ${code} \\|`, 'gm')), code).toHaveLength(1);
      }
    }
    expect(renderTroubleshooting()).toContain(CLI_ERRORS.SW213.solve);
  });

  it('refuses a README that lost its section markers instead of appending a second copy', () => {
    expect(() => withTroubleshooting('# a readme without the section\n')).toThrow(/troubleshooting/);
  });
});
