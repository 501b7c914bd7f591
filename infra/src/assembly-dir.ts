import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Empties an assembly directory but for its staged assets (`asset.<hash>`): each is named after a
 * hash of what it was made from (the handlers' bundles: constructs/handler-bundling.ts), so CDK
 * reuses one whose hash it computes again instead of bundling it anew.
 */
export function emptyKeepingAssets(outdir: string): void {
  mkdirSync(outdir, { recursive: true });
  for (const entry of readdirSync(outdir)) {
    if (!entry.startsWith('asset.') || entry.endsWith('-building')) {
      rmSync(join(outdir, entry), { recursive: true, force: true });
    }
  }
}

/** Removes the staged assets no stack of the new assembly refers to (left from an earlier synth). */
export function pruneAssets(outdir: string): void {
  const used = new Set<string>();
  for (const file of readdirSync(outdir).filter((f) => f.endsWith('.assets.json'))) {
    const manifest = JSON.parse(readFileSync(join(outdir, file), 'utf8')) as {
      files?: Record<string, { source?: { path?: string } }>;
      dockerImages?: Record<string, { source?: { directory?: string } }>;
    };
    for (const a of Object.values(manifest.files ?? {})) if (a.source?.path) used.add(a.source.path);
    for (const a of Object.values(manifest.dockerImages ?? {})) {
      if (a.source?.directory) used.add(a.source.directory);
    }
  }
  for (const entry of readdirSync(outdir)) {
    if (entry.startsWith('asset.') && !used.has(entry))
      rmSync(join(outdir, entry), { recursive: true, force: true });
  }
}
