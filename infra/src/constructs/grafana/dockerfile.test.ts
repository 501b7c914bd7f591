/*
 * grafana/Dockerfile, the image the observability stack runs:
 *   - it exists, has exactly one FROM: the official grafana/grafana pinned by exact version and
 *     sha256 digest
 *   - it copies grafana/provisioning/ to the provisioning path Grafana reads by default, runs as
 *     the non-root grafana user (472) and declares /var/lib/grafana a volume (task storage)
 *   - it copies nothing the task definition carries (the per-environment dashboards)
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTAINER_PROVISIONING_PATH, GRAFANA_DATA_PATH, GRAFANA_ROOT } from './provisioning.ts';

const DOCKERFILE = new URL('Dockerfile', GRAFANA_ROOT);
const instructions = () =>
  readFileSync(DOCKERFILE, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));

describe('grafana/Dockerfile', () => {
  it('exists and starts from the official image pinned by version and digest', () => {
    expect(existsSync(DOCKERFILE)).toBe(true);
    const from = instructions().filter((l) => /^FROM\s/i.test(l));
    expect(from).toHaveLength(1);
    expect(from[0]).toMatch(/^FROM grafana\/grafana:\d+\.\d+\.\d+@sha256:[0-9a-f]{64}$/);
  });

  it('bakes in the provisioning, runs as the grafana user, keeps its data path a volume', () => {
    const lines = instructions();
    expect(lines).toContain(`COPY --chown=472:0 provisioning/ ${CONTAINER_PROVISIONING_PATH}/`);
    const users = lines.filter((l) => /^USER\s/.test(l));
    expect(users.at(-1)).toBe('USER 472:0');
    expect(lines).toContain(`VOLUME ["${GRAFANA_DATA_PATH}"]`);
    expect(lines.filter((l) => /^(COPY|ADD)\s/.test(l)).join('\n')).not.toMatch(/dashboards/);
  });
});
