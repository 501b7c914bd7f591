import { fileURLToPath } from 'node:url';
import { expect, it, describe as suite } from 'vitest';
import { checkRepository, checkSource, describe, isChecked, listSources } from './readable.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function longFunction(lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`).join('\n');
  return `export function planted(): void {\n${body}\n}\n`;
}

suite('readable source', () => {
  it('no non-test file is over 400 lines and no function is over 80 lines', () => {
    const findings = checkRepository(repoRoot).map(describe);
    expect(findings).toEqual([]);
  });

  it('checks the workspaces and the scripts, including this checker', () => {
    const sources = listSources(repoRoot);
    expect(sources).toContain('scripts/quality/readable.ts');
    expect(sources).toContain('cli/src/main.ts');
    expect(sources).toContain('infra/src/app.ts');
    expect(sources.some((file) => file.endsWith('.test.ts'))).toBe(false);
  });

  it('reports a planted 81-line function with its name and length', () => {
    const findings = checkSource('planted.ts', longFunction(81));
    expect(findings.map(describe)).toEqual([
      'planted.ts:1 planted: 81 lines (a function may have at most 80)',
    ]);
  });

  it('accepts an 80-line function', () => {
    expect(checkSource('planted.ts', longFunction(80))).toEqual([]);
  });

  it('reports a 401-line file and names long arrows and constructors after what holds them', () => {
    const arrow = `export const handler = async () => {\n${'  work();\n'.repeat(85)}};\n`;
    const ctor = `class Stack {\n  constructor() {\n${'    work();\n'.repeat(85)}  }\n}\n`;
    const filler = '// line\n'.repeat(401 - 87 - 89);
    const findings = checkSource('big.ts', arrow + ctor + filler).map(describe);
    expect(findings).toEqual([
      'big.ts: 401 lines (a file may have at most 400)',
      'big.ts:1 handler: 87 lines (a function may have at most 80)',
      'big.ts:89 Stack.constructor: 87 lines (a function may have at most 80)',
    ]);
  });

  it('exempts tests, declaration files and test support folders', () => {
    expect(isChecked('cli/src/main.ts')).toBe(true);
    expect(isChecked('cli/src/main.test.ts')).toBe(false);
    expect(isChecked('cli/src/types.d.ts')).toBe(false);
    expect(isChecked('cli/src/testing/fake-aws.ts')).toBe(false);
  });
});
