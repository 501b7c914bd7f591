import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { filesUnder } from './files.ts';

/*
 * Grafana's image and database names, shared by the config, the stacks and the app workflow. The
 * image is built from the repository's grafana/ folder (grafana/Dockerfile) and tagged with a hash
 * of that folder's content: synth computes the tag the task definition pulls, the workflow the tag
 * it pushes, with this one function, so the two cannot drift and an unchanged folder is never
 * rebuilt.
 */

/** The ECR repository of Grafana's image: `<app>-grafana`. */
export function grafanaRepositoryName(app: string): string {
  return `${app}-grafana`;
}

/**
 * The Grafana folder of the @slipway/infra package at `packageRoot`: its own grafana/ when
 * installed (the published package carries a copy), else the repository's top-level grafana/
 * (running from the sources). Synth hashes it (infra/src/package-files.ts) and `slipway ci context`
 * builds it, both through this function.
 */
export function grafanaRoot(packageRoot: URL): URL {
  return existsSync(new URL('grafana/', packageRoot))
    ? new URL('grafana/', packageRoot)
    : new URL('../grafana/', packageRoot);
}

/** Role and database Grafana owns on the environment's PostgreSQL. */
export const GRAFANA_DATABASE = { role: 'grafana', database: 'grafana' } as const;

/**
 * The image tag of a grafana/ folder: `g-` and the first 16 hex digits of a SHA-256 over every
 * file's path and content hash. Any change to the folder (Dockerfile, provisioning, dashboards)
 * makes a new tag; the same content gives the same tag on every machine.
 */
export function grafanaImageTag(dir: string): string {
  const hash = createHash('sha256');
  for (const path of filesUnder(dir)) {
    const file = relative(dir, path).split(sep).join('/');
    const content = createHash('sha256').update(readFileSync(path)).digest('hex');
    hash.update(`${file}\0${content}\n`);
  }
  return `g-${hash.digest('hex').slice(0, 16)}`;
}
