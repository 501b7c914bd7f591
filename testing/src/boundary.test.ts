/**
 * Production code never imports the test support.
 *
 * Scenarios and expected outcomes:
 * - every non-test TypeScript file (not *.test.ts, not under a test/ folder) under config/, app/,
 *   infra/, cli/, scripts/ and bench/ is free of imports of `@slipway/testing` and of any
 *   `testing/` path: pass when none does
 * - the scan itself finds such an import in a planted line (negative control)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TREES = ['config', 'app', 'infra', 'cli', 'scripts', 'bench'];
// Test code lives in *.test.ts files and in test/ folders (app/test/ holds the service's helpers).
const SKIP_DIRS = new Set(['node_modules', 'dist', 'cdk.out', '.data', 'test']);

/** Non-test TypeScript files under a directory. */
function productionFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return SKIP_DIRS.has(entry.name) ? [] : productionFiles(path);
    const isTs = /\.(ts|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts');
    return isTs && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

// Static imports, re-exports, dynamic import() and require() of a module specifier.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

/** The specifiers in a source text that point at the test support. */
export function testingImports(source: string): string[] {
  return [...source.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? '')
    .filter(
      (s) => s === '@slipway/testing' || s.startsWith('@slipway/testing/') || /(^|\/)testing\//.test(s),
    );
}

describe('production code and the test support', () => {
  it('no production file imports @slipway/testing or a testing/ path', () => {
    const files = TREES.flatMap((tree) => productionFiles(join(ROOT, tree)));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.flatMap((file) =>
      testingImports(readFileSync(file, 'utf8')).map((s) => `${relative(ROOT, file)} imports ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('finds a planted import of the test support (negative control)', () => {
    const planted = [
      "import { synth } from '@slipway/testing/synth';",
      "import { startMotoServer } from '../../testing/src/aws/moto-server.ts';",
      "const m = await import('@slipway/testing');",
      "import { buildApp } from '@slipway/infra';",
    ].join('\n');
    expect(testingImports(planted)).toEqual([
      '@slipway/testing/synth',
      '../../testing/src/aws/moto-server.ts',
      '@slipway/testing',
    ]);
  });
});

/**
 * The CLI and the CI scripts reach the CDK app through its one public entry point, never into its
 * files, and take from it only what they run: the synth, and the Control Tower controls the synth
 * runs as a plugin (`plan` runs them after it, beside its other checkers). Every name they share
 * with it comes from the contract (`@slipway/config/contract`).
 */
export function infraImports(source: string): string[] {
  return [...source.matchAll(SPECIFIER)]
    .map((m) => m[1] ?? '')
    .filter((s) => s.startsWith('@slipway/infra') || /(^|\/)infra\//.test(s));
}

/** What the CLI and the scripts may take from `@slipway/infra`. */
const INFRA_ENTRY_POINTS = new Set(['synthesizeApp', 'runGuardParallel']);

/** The names a file takes from `@slipway/infra`, statically or by a destructured dynamic import. */
export function namesFromInfra(source: string): string[] {
  const lists = [
    ...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@slipway\/infra'/g),
    ...source.matchAll(/const\s*\{([^}]*)\}\s*=\s*await\s+import\(\s*'@slipway\/infra'\s*\)/g),
  ];
  return lists.flatMap((m) =>
    (m[1] ?? '')
      .split(',')
      .map(
        (n) =>
          n
            .trim()
            .split(/\s+as\s+|:/)[0]
            ?.trim() ?? '',
      )
      .filter((n) => n !== ''),
  );
}

describe('the CLI and the scripts and the CDK app', () => {
  it('import nothing from infra/ but the synth and the Control Tower controls of @slipway/infra', () => {
    const files = ['cli', 'scripts'].flatMap((tree) => productionFiles(join(ROOT, tree)));
    const offenders = files.flatMap((file) => {
      const source = readFileSync(file, 'utf8');
      // A type-only import is erased before the code runs: it loads nothing of infra.
      const specifiers = infraImports(source.replace(/^import type [^;]*;$/gms, ''));
      const names = namesFromInfra(source);
      const onlyEntryPoints = names.length > 0 && names.every((n) => INFRA_ENTRY_POINTS.has(n));
      return specifiers
        .filter((s) => !(s === '@slipway/infra' && onlyEntryPoints))
        .map((s) => `${relative(ROOT, file)} imports ${s}`);
    });
    expect(offenders).toEqual([]);
  });

  it('flags a planted import of infra’s names (negative control)', () => {
    expect(infraImports("import { PARAMETERS } from '../../infra/src/names.ts';")).toEqual([
      '../../infra/src/names.ts',
    ]);
    expect(namesFromInfra("const { runGuardParallel, buildApp } = await import('@slipway/infra');")).toEqual([
      'runGuardParallel',
      'buildApp',
    ]);
    expect(namesFromInfra("import { synthesizeApp as synth } from '@slipway/infra';")).toEqual([
      'synthesizeApp',
    ]);
  });
});
