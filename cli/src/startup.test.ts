/*
 * What `slipway --help`, `--version` and an argument error load: main.ts and every file it imports
 * statically (transitively). Commands load their own modules when they run (dynamic `import()`),
 * so these paths must reach no heavy package:
 *   - no AWS CDK, no AWS SDK, no infra package, no config library (its contract is fine: it loads
 *     no package), no spinner library (ora, loaded by the command wrapper)
 *   - negative control: the walk does find those packages behind a command module (deploy.ts)
 *   - plan reaches no CDK and no infra package until it synthesizes: a cache hit never loads them
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const STATIC_IMPORT = /^(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms;
const HEAVY = /^(aws-cdk-lib|@aws-sdk\/|@aws-cdk\/|@slipway\/infra|@slipway\/config$|ora$|constructs$)/;

/** Packages `file` loads at start, through its static imports and theirs. */
function packagesLoaded(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return [...readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)].flatMap(([, specifier = '']) =>
    specifier.startsWith('.') ? packagesLoaded(resolve(dirname(file), specifier), seen) : [specifier],
  );
}

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('the CLI start (help, --version, argument errors)', () => {
  it('loads no CDK, AWS SDK, infra, config library or spinner', () => {
    const heavy = [...new Set(packagesLoaded(at('./main.ts')))].filter((p) => HEAVY.test(p));
    expect(heavy).toEqual([]);
  });

  it('would see them behind a command module (the walk follows imports)', () => {
    const heavy = new Set(packagesLoaded(at('./commands/deploy.ts')).filter((p) => HEAVY.test(p)));
    expect(heavy.has('@slipway/config')).toBe(true);
    expect([...heavy].some((p) => p.startsWith('aws-cdk-lib') || p.startsWith('@slipway/infra'))).toBe(true);
  });

  it('keeps CDK and the infra package out of plan until it synthesizes (a cached plan loads neither)', () => {
    const heavy = [...new Set(packagesLoaded(at('./commands/plan.ts')))].filter((p) => HEAVY.test(p));
    expect(heavy).toEqual(['@slipway/config']);
  });
});
