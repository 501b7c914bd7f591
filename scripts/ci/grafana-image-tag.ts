/*
 * Grafana's image tag and repository for the app workflow's `grafana` job:
 *
 *   npx tsx scripts/ci/grafana-image-tag.ts
 *
 * Writes `tag` (a hash of the grafana/ folder, the same function synth uses for the tag the task
 * definition pulls, so the pushed tag and the pulled tag cannot drift) and `repository`
 * (`<app>-grafana`) as step outputs.
 */
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@slipway/config';
import { grafanaImageTag, grafanaRepositoryName } from '@slipway/config/contract';
import { isMain, setOutput } from './actions.ts';

/** The folder the image is built from. */
export const GRAFANA_DIR = fileURLToPath(new URL('../../grafana/', import.meta.url));

export async function grafanaImage(): Promise<{ tag: string; repository: string }> {
  const config = await loadConfig();
  return { tag: grafanaImageTag(GRAFANA_DIR), repository: grafanaRepositoryName(config.app.name) };
}

if (isMain(import.meta.url)) {
  const image = await grafanaImage();
  setOutput('tag', image.tag);
  setOutput('repository', image.repository);
}
