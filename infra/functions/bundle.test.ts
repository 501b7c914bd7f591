/**
 * Each handler entry bundles the way NodejsFunction bundles it (esbuild, one ESM file for the
 * Node.js 24 runtime), with no dynamic require left that the bundle cannot satisfy, and exports
 * `handler`.
 *
 * Scenarios and expected outcomes:
 * 1. grafana-db, image-cleanup, migrate-hook, registry-trigger, smoke-hook and zone-lookup each bundle without errors or warnings.
 * 2. The bundle's exports are exactly ["handler"].
 */
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entries = [
  'grafana-db',
  'image-cleanup',
  'migrate-hook',
  'registry-trigger',
  'smoke-hook',
  'zone-lookup',
] as const;

describe('handler bundles', { timeout: 60_000 }, () => {
  it.each(entries)('%s bundles for Node.js 24 as ESM and exports handler', async (name) => {
    const result = await build({
      entryPoints: [new URL(`./${name}/index.ts`, import.meta.url).pathname],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node24',
      write: false,
      metafile: true,
      logLevel: 'silent',
      // What NodejsFunction adds for ESM output so CommonJS dependencies can still require().
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    expect(result.errors).toEqual([]);
    expect(result.warnings.map((w) => w.text)).toEqual([]);
    const outputs = Object.values(result.metafile.outputs);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]?.exports).toEqual(['handler']);
  });
});
