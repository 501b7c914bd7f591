/**
 * PGlite's empty cluster, made once and loaded by every new embedded database instead of initdb.
 *
 * Scenarios and expected outcomes:
 * - a folder holding the cluster of the installed PGlite hands it out without making it again; an
 *   empty or missing file is made anew (an in-memory initdb, dumped), and the next call reads it.
 * - the file is named by PGlite's version: another version's file is not used.
 * - a memory database with the folder starts from the cluster (`loaded`) and answers queries.
 * - a new data folder starts from it (`loaded`); restarted, it opens its own data (`existing`),
 *   which it kept.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type EmbeddedDatabase, startEmbedded } from '../src/db/embedded.ts';
import { pgliteVersion, pristineCluster, pristineClusterFile } from '../src/db/pristine-cluster.ts';

let scratch: string;
/** A cache folder already holding the cluster (the one the test run made). */
let cacheDir: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-pristine-'));
  cacheDir = join(scratch, 'cache');
  await mkdir(cacheDir);
  await copyFile(inject('pgliteTemplate'), pristineClusterFile(cacheDir, await pgliteVersion()));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function query(db: EmbeddedDatabase, sql: string): Promise<pg.QueryResult> {
  const { host, port, user, database } = db.target;
  const client = new pg.Client({ host, port, user, database });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('the pristine cluster', () => {
  it('is read when kept, made when its file is empty or missing, and read the next time', async () => {
    const version = await pgliteVersion();
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    const kept = await pristineCluster(PGlite, cacheDir);
    expect(kept.made).toBe(false);
    expect(kept.tarball.size).toBe((await stat(kept.file)).size);

    const dir = join(scratch, 'remake');
    await mkdir(dir);
    // Another version's cluster is never loaded: only this version's name is read.
    await writeFile(pristineClusterFile(dir, '0.0.0'), 'not a cluster');
    await writeFile(pristineClusterFile(dir, version), '');
    const made = await pristineCluster(PGlite, dir);
    expect(made.made).toBe(true);
    expect((await stat(made.file)).size).toBe(made.tarball.size);
    expect(made.tarball.size).toBeGreaterThan(1_000_000);
    const again = await pristineCluster(PGlite, dir);
    expect(again.made).toBe(false);
    expect(Buffer.from(await again.tarball.arrayBuffer()).equals(await readFile(made.file))).toBe(true);
  });

  it('starts a memory database from it', async () => {
    const db = await startEmbedded({
      mode: 'memory',
      dataDir: join(scratch, 'unused'),
      maxConnections: 2,
      pristineClusterDir: cacheDir,
    });
    try {
      expect(db.cluster).toBe('loaded');
      expect((await query(db, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
    }
  });

  it('starts a new data folder from it, and opens the folder’s own data after a restart', async () => {
    const dataDir = join(scratch, 'data');
    const options = { mode: 'file' as const, dataDir, maxConnections: 2, pristineClusterDir: cacheDir };
    const first = await startEmbedded(options);
    try {
      expect(first.cluster).toBe('loaded');
      await query(first, "CREATE TABLE kept AS SELECT 'still here' AS note");
    } finally {
      await first.close();
    }
    const second = await startEmbedded(options);
    try {
      expect(second.cluster).toBe('existing');
      expect((await query(second, 'SELECT note FROM kept')).rows).toEqual([{ note: 'still here' }]);
    } finally {
      await second.close();
    }
  });
});
