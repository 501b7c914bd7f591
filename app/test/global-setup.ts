import { cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TEST_DATABASE_URL } from '@slipway/testing/postgres';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { bundle } from '../scripts/build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A copy of the image's /app: `dist/` (production bundle) and `migrations/`. */
    appRoot: string;
    /** A PGlite data folder tarball (an initialised, empty cluster); loading it takes ~0.5 s, initdb ~5 s. */
    pgliteTemplate: string;
  }
}

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** PGlite's initdb costs seconds; its result only changes with the PGlite version, so it is cached in .data/ (git-ignored). */
async function pgliteTemplate(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(appDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const version = pkg.dependencies['@electric-sql/pglite'];
  const file = join(appDir, '.data', 'test-cache', `pglite-${version}-template.tar`);
  if (
    await stat(file)
      .then((s) => s.size > 0)
      .catch(() => false)
  )
    return file;
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create();
  try {
    const dump = await db.dumpDataDir('none');
    await mkdir(join(appDir, '.data', 'test-cache'), { recursive: true });
    // Written under a temporary name and renamed: concurrent runs never read half a file.
    const partial = `${file}.${process.pid}`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await db.close();
  }
  return file;
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
