import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest global setup: one temporary folder for the whole run, under which the test helpers put
 * synthesized assemblies (`scratchDir`), removed when the run ends so runs do not pile up in the
 * system's temporary folder. Test processes inherit its path in SLIPWAY_SCRATCH.
 */
export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'slipway-tests-'));
  process.env.SLIPWAY_SCRATCH = root;
  return () => rmSync(root, { recursive: true, force: true });
}
