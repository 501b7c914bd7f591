import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDashboards, generateServiceDashboards } from './dashboard-generator.ts';
import { DASHBOARDS_DIR, SERVICE_DASHBOARDS_DIR } from './provisioning.ts';

// Writes grafana/dashboards/*.json and grafana/service-dashboards/*.json from the metric catalog:
// `npx tsx infra/src/constructs/grafana/generate.ts`. The files are then formatted by the
// repository's Biome settings, so `biome ci .` stays clean; the staleness test compares them as JSON.
const write = (dir: URL, d: { file: string; json: string }) => {
  mkdirSync(fileURLToPath(dir), { recursive: true });
  const file = fileURLToPath(new URL(d.file, dir));
  writeFileSync(file, d.json);
  return file;
};
const files = [
  ...generateDashboards().map((d) => write(DASHBOARDS_DIR, d)),
  ...generateServiceDashboards().map((d) => write(SERVICE_DASHBOARDS_DIR, d)),
];
const biome = spawnSync('npx', ['biome', 'format', '--write', ...files], { stdio: 'inherit' });
if (biome.status !== 0) throw new Error(`biome format exited ${biome.status}`);
for (const file of files) console.log(`wrote ${file}`);
