import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The contract is loaded by the CLI's fast paths, the workflows' scripts and the service: it and
// every file it loads must import no package at run time (no CDK, no AWS SDK, not even zod);
// Node.js's own modules (`node:path`) are not packages and load in all three.
const INDEX = fileURLToPath(new URL('./index.ts', import.meta.url));
const RUNTIME_IMPORT = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms;

function runtimeImports(file: string, seen = new Set<string>()): { file: string; specifier: string }[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RUNTIME_IMPORT)].flatMap(([, specifier = '']) =>
    specifier.startsWith('.')
      ? runtimeImports(resolve(dirname(file), specifier), seen)
      : specifier.startsWith('node:')
        ? []
        : [{ file, specifier }],
  );
}

describe('the contract', () => {
  it('loads no package at run time, directly or through the files it imports', () => {
    expect(runtimeImports(INDEX)).toEqual([]);
  });
});
