import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDashboards } from './dashboard-generator.ts';
import { DASHBOARDS_DIR } from './provisioning.ts';

// Writes grafana/dashboards/*.json from the metric catalog: `npx tsx infra/src/constructs/grafana/generate.ts`.
// The files are then formatted by the repository's Biome settings, so `biome ci .` stays clean;
// the staleness test compares them as JSON.
const files = generateDashboards().map((d) => {
  const file = fileURLToPath(new URL(d.file, DASHBOARDS_DIR));
  writeFileSync(file, d.json);
  return file;
});
const biome = spawnSync('npx', ['biome', 'format', '--write', ...files], { stdio: 'inherit' });
if (biome.status !== 0) throw new Error(`biome format exited ${biome.status}`);
for (const file of files) console.log(`wrote ${file}`);
