import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { isAlive } from '../pid.ts';
import type { ConnectionTarget } from './connection.ts';
import { pristineCluster } from './pristine-cluster.ts';

/**
 * The embedded PostgreSQL used when no database server is configured: PGlite (PostgreSQL compiled to
 * WebAssembly) behind pglite-socket, a loopback server speaking the PostgreSQL wire protocol. The
 * service then talks to it through the same `pg` Pool, SQL and migrations as it does to RDS, so the
 * local path exercises the production code path.
 *
 * PGlite is a single backend: the socket server queues queries and keeps a transaction on the
 * connection that opened it. Fine for development and SQL tests, not for load.
 */
export interface EmbeddedOptions {
  /** `file` keeps the data in `dataDir` across restarts; `memory` throws it away on exit. */
  readonly mode: 'file' | 'memory';
  /** Where `file` mode keeps the data. Created when missing. */
  readonly dataDir: string;
  /** Connections the socket server accepts; give the pool's max plus room for the migration runner. */
  readonly maxConnections: number;
  /** Start from this data folder snapshot (a `dumpDataDir` tarball) instead of an empty database; tests use it. */
  readonly loadDataDir?: Blob;
  /**
   * Folder of the empty cluster PGlite's initdb makes (pristine-cluster.ts): a new database loads
   * it instead of running initdb, and the first start makes it.
   * @default no folder: every new database runs initdb
   */
  readonly pristineClusterDir?: string;
}

export interface EmbeddedDatabase {
  readonly target: ConnectionTarget;
  /**
   * Where the cluster came from: the data folder's own (`existing`), a tarball (`loaded`: the
   * pristine cluster or `loadDataDir`), or a new initdb (`initdb`).
   */
  readonly cluster: 'existing' | 'loaded' | 'initdb';
  /** Stops the socket server and closes PGlite, which flushes the data folder. Idempotent. */
  close(): Promise<void>;
}

const LOCK_FILE = 'slipway.pid';

/**
 * The data folder is held by another live service. An operator's mistake, not a fault: the command
 * line prints its message alone, without a stack trace.
 */
export class DataDirInUseError extends Error {
  /** Pid of the process holding the folder. */
  readonly owner: number;

  constructor(dataDir: string, owner: number) {
    // npm sets INIT_CWD to the folder `npm start` was typed in: the path reads as the user would type it.
    const path = relative(process.env.INIT_CWD ?? process.cwd(), dataDir);
    const shown = path === '' || path.startsWith('..') ? dataDir : path;
    super(`another Slipway service holds ${shown}, pid ${owner}; stop it or use --memory`);
    this.name = 'DataDirInUseError';
    this.owner = owner;
  }
}

/**
 * PGlite does not lock its data folder, and two processes writing one folder corrupt it. This lock
 * file holds the owner's pid; a lock left by a dead process is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DataDirInUseError(dataDir, owner);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database folder ${dataDir}`);
}

/** The tarball a new database starts from: `loadDataDir`, else the pristine cluster; none: initdb. */
async function initialCluster(
  PGlite: typeof import('@electric-sql/pglite').PGlite,
  options: EmbeddedOptions,
): Promise<Blob | undefined> {
  if (options.loadDataDir) return options.loadDataDir;
  if (!options.pristineClusterDir) return undefined;
  return (await pristineCluster(PGlite, options.pristineClusterDir)).tarball;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  // Imported here, not at the top: PGlite is ~25 MB of WebAssembly that a service with a real
  // database never loads (and the container image does not ship).
  let modules: [typeof import('@electric-sql/pglite'), typeof import('@electric-sql/pglite-socket')];
  try {
    modules = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  } catch (error) {
    throw new Error(
      'the embedded database (PGlite) is not installed in this build (the container image ships without it); set DB_HOST or DATABASE_URL',
      { cause: error },
    );
  }
  const [{ PGlite }, { PGLiteSocketServer }] = modules;

  let unlock: (() => Promise<void>) | undefined;
  if (options.mode === 'file') {
    await mkdir(options.dataDir, { recursive: true });
    unlock = await lockDataDir(options.dataDir);
  }

  let db: InstanceType<typeof PGlite> | undefined;
  try {
    const existing = options.mode === 'file' && existsSync(join(options.dataDir, 'PG_VERSION'));
    const tarball = existing ? undefined : await initialCluster(PGlite, options);
    db = await PGlite.create({
      ...(options.mode === 'file' ? { dataDir: options.dataDir } : {}),
      ...(tarball ? { loadDataDir: tarball } : {}),
    });
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections,
    });
    await server.start();
    const port = Number(server.getServerConn().split(':').at(-1));

    const opened = db;
    let closing: Promise<void> | undefined;
    return {
      target: { host: '127.0.0.1', port, database: 'postgres', user: 'postgres', ssl: 'disable' },
      cluster: existing ? 'existing' : tarball ? 'loaded' : 'initdb',
      close() {
        closing ??= (async () => {
          await server.stop();
          await opened.close();
          await unlock?.();
        })();
        return closing;
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await unlock?.();
    throw error;
  }
}
