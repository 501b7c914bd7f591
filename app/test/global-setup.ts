import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL } from '@slipway/testing/postgres';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { bundle } from '../scripts/build.ts';
import { PRISTINE_CLUSTER_DIR } from '../src/config.ts';
import { pristineCluster } from '../src/db/pristine-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A copy of the image's /app: `dist/` (production bundle) and `migrations/`. */
    appRoot: string;
    /** PGlite's empty cluster as a tarball (pristine-cluster.ts): loading it takes about 1 s, initdb 3 to 5 s. */
    pgliteTemplate: string;
  }
}

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** The service's own pristine cluster (made once per PGlite version, kept in `.data/cache`, git-ignored). */
async function pgliteTemplate(): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  return (await pristineCluster(PGlite, PRISTINE_CLUSTER_DIR)).file;
}

async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `The app tests need PostgreSQL at ${TEST_DATABASE_URL} (set TEST_DATABASE_URL to change it); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start. Cause: ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

export default async function setup(project: TestProject) {
  const root = await mkdtemp(join(tmpdir(), 'slipway-app-test-'));
  const appRoot = join(root, 'app');
  const [template] = await Promise.all([
    pgliteTemplate(),
    checkPostgres(),
    (async () => {
      await bundle(join(appRoot, 'dist'));
      await cp(join(appDir, 'migrations'), join(appRoot, 'migrations'), { recursive: true });
    })(),
  ]);
  project.provide('appRoot', appRoot);
  project.provide('pgliteTemplate', template);
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
