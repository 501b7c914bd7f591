/**
 * docs/service.md stays in sync with the code: a catalog a user reads must not lie.
 *
 * Scenarios and expected outcomes:
 * - the error-code table lists exactly the codes of src/errors.ts, with the same status, message and
 *   "how to solve".
 * - the readiness table lists exactly the readiness reasons, with the same texts.
 * - the environment table lists exactly the variables of the config schema.
 * A failure prints the rows the docs should have.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { envSchema } from '../src/config.ts';
import { errorCatalog, readinessCatalog } from '../src/errors.ts';

let doc: string;

beforeAll(async () => {
  doc = await readFile(new URL('../../docs/service.md', import.meta.url), 'utf8');
});

/** The table rows (cells, trimmed) under a heading, up to the next heading. */
function tableUnder(heading: string): string[][] {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/service.md has no heading "${heading}"`);
  const rest = doc.slice(start + heading.length + 2);
  const section = rest.slice(0, rest.search(/\n#{1,6} /) === -1 ? undefined : rest.search(/\n#{1,6} /));
  const rows = section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  // Header and separator rows.
  return rows.slice(2);
}

describe('docs/service.md', () => {
  it('documents every error code with its status, message and how to solve it', () => {
    const expected = Object.entries(errorCatalog).map(([code, spec]) => [
      `\`${code}\``,
      String(spec.status),
      spec.message,
      spec.howToSolve,
    ]);
    const actual = tableUnder('### Error codes');
    expect(actual, `expected rows:\n${expected.map((r) => `| ${r.join(' | ')} |`).join('\n')}`).toEqual(
      expected,
    );
  });

  it('documents every readiness reason', () => {
    const expected = Object.entries(readinessCatalog).map(([reason, spec]) => [
      `\`${reason}\``,
      spec.message,
      spec.howToSolve,
    ]);
    const actual = tableUnder('### Readiness reasons');
    expect(actual, `expected rows:\n${expected.map((r) => `| ${r.join(' | ')} |`).join('\n')}`).toEqual(
      expected,
    );
  });

  it('documents every environment variable of the config schema, in schema order', () => {
    const documented = tableUnder('## Environment variables').map((row) => row[0]?.replaceAll('`', ''));
    expect(documented).toEqual(Object.keys(envSchema.properties));
  });
});
