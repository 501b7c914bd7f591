import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/*
 * PGlite's initdb costs seconds of CPU (3 to 5 s on two cores), and every in-memory start and the
 * first start on a new data folder would run it. Its result, an empty cluster, depends only on the
 * PGlite build, so it is made once: the first such start dumps a pristine in-memory cluster
 * (`dumpDataDir`, uncompressed: the quickest to load) into a tarball named by PGlite's version, and
 * every such start loads that instead (about 1 s). Nothing of an app's data is ever in it.
 */

type PGliteClass = typeof import('@electric-sql/pglite').PGlite;

/** PGlite's version, from its package.json above the entry point Node resolves. */
export async function pgliteVersion(): Promise<string> {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { version?: string };
  if (!pkg.version) throw new Error(`no version in ${join(dir, 'package.json')}`);
  return pkg.version;
}

/** The tarball of PGlite `version`'s empty cluster in `dir`. */
export function pristineClusterFile(dir: string, version: string): string {
  return join(dir, `pglite-${version}-initdb.tar`);
}

/** What `pristineCluster` handed out: the tarball, and whether this call had to make it. */
export interface PristineCluster {
  readonly tarball: Blob;
  readonly file: string;
  readonly made: boolean;
}

/**
 * The empty cluster of the installed PGlite, from `dir`; made (an in-memory initdb, dumped) and
 * kept there when missing or unreadable. Written beside its name and renamed into place: two
 * starts at once each get a whole file.
 */
export async function pristineCluster(PGlite: PGliteClass, dir: string): Promise<PristineCluster> {
  const file = pristineClusterFile(dir, await pgliteVersion());
  const kept = await readFile(file).catch(() => undefined);
  if (kept && kept.length > 0) return { tarball: new Blob([kept]), file, made: false };
  const db = await PGlite.create();
  let tarball: Blob;
  try {
    tarball = await db.dumpDataDir('none');
  } finally {
    await db.close();
  }
  await mkdir(dir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await tarball.arrayBuffer()));
  await rename(partial, file);
  return { tarball, file, made: true };
}
