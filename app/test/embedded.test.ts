/**
 * The embedded PostgreSQL (PGlite) used when no database is configured.
 *
 * Scenarios and expected outcomes:
 * - file mode keeps data in its folder across restarts (in-process and across a process restart).
 * - a second process cannot open a folder in use (lock file with the owner's pid); a lock left by a
 *   dead process is taken over; closing removes the lock.
 * - `--memory` starts an in-memory database from the kept empty cluster: the bundle serves /ready
 *   200 and exits 0 on SIGTERM.
 * - the image-like build (no PGlite installed) exits 1 with a message saying to set DB_HOST or DATABASE_URL.
 */
import { cp, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startEmbedded } from '../src/db/embedded.ts';
import { pgliteVersion, pristineClusterFile } from '../src/db/pristine-cluster.ts';
import { createLogger } from '../src/logger.ts';
import { startService } from '../src/server.ts';
import { freePort, killAll, spawnBundle, spawnNode, waitForStatus } from './process.ts';

const repoNodeModules = fileURLToPath(new URL('../../node_modules', import.meta.url));
let scratch: string;
let template: Blob;
/** A local checkout's layout: dist/ and migrations/ with node_modules reachable (PGlite is external to the bundle). */
let localRoot: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'slipway-embedded-'));
  template = new Blob([await readFile(inject('pgliteTemplate'))]);
  localRoot = join(scratch, 'local');
  await cp(inject('appRoot'), localRoot, { recursive: true });
  await symlink(repoNodeModules, join(localRoot, 'node_modules'), 'dir');
  // A checkout that has started before keeps PGlite's empty cluster in .data/cache.
  const cache = join(localRoot, '.data', 'cache');
  await mkdir(cache, { recursive: true });
  await cp(inject('pgliteTemplate'), pristineClusterFile(cache, await pgliteVersion()));
});

afterAll(async () => {
  await killAll();
  await rm(scratch, { recursive: true, force: true });
});

function embeddedConfig(dataDir: string) {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DB_EMBEDDED_DIR: dataDir });
}

describe('file mode', () => {
  it('keeps data across restarts (in-process and of the bundled process), locks the folder while open, releases it on close', async () => {
    const dataDir = join(scratch, 'persist');
    const config = embeddedConfig(dataDir);
    const first = await startService(config, createLogger(config), { loadDataDir: template });
    let id: string;
    try {
      const created = await first.app.inject({
        method: 'POST',
        url: '/api/items',
        payload: { name: 'kept' },
      });
      expect(created.statusCode).toBe(201);
      id = created.json<{ id: string }>().id;
      expect(await readFile(join(dataDir, 'slipway.pid'), 'utf8')).toBe(String(process.pid));
    } finally {
      await first.close();
    }
    await expect(stat(join(dataDir, 'slipway.pid'))).rejects.toThrow(/ENOENT/);

    const second = await startService(config, createLogger(config));
    try {
      const read = await second.app.inject(`/api/items/${id}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ name: 'kept' });
    } finally {
      await second.close();
    }

    // And across a process restart: the bundled server opens the same folder, exits 0 on SIGTERM.
    const port = await freePort();
    const proc = spawnBundle(
      [],
      { PORT: String(port), DB_EMBEDDED_DIR: dataDir, LOG_LEVEL: 'info' },
      localRoot,
    );
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, proc);
    expect((await fetch(`http://127.0.0.1:${port}/api/items/${id}`)).status).toBe(200);
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    await expect(stat(join(dataDir, 'slipway.pid'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a folder another live process holds, and takes over a lock left by a dead one', async () => {
    const dataDir = join(scratch, 'locked');
    await mkdir(dataDir, { recursive: true });
    const sleeper = spawnNode(['-e', 'setTimeout(() => {}, 60000)']);
    await writeFile(join(dataDir, 'slipway.pid'), String(sleeper.child.pid));
    await expect(
      startEmbedded({ mode: 'file', dataDir, maxConnections: 3, loadDataDir: template }),
    ).rejects.toThrow(
      `another Slipway service holds ${dataDir}, pid ${sleeper.child.pid}; stop it or use --memory`,
    );

    sleeper.child.kill('SIGKILL');
    await sleeper.exited;
    const db = await startEmbedded({ mode: 'file', dataDir, maxConnections: 3, loadDataDir: template });
    try {
      expect(await readFile(join(dataDir, 'slipway.pid'), 'utf8')).toBe(String(process.pid));
    } finally {
      await db.close();
    }
  });
});

describe('memory mode and the image', () => {
  it('--memory serves from an in-memory database and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    const proc = spawnBundle(['--memory'], { PORT: String(port), LOG_LEVEL: 'info' }, localRoot);
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, proc);
    expect(proc.output()).toContain('"mode":"memory"');
    expect(proc.output()).toContain('"cluster":"loaded"');
    const created = await fetch(`http://127.0.0.1:${port}/api/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'ephemeral' }),
    });
    expect(created.status).toBe(201);
    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
  });

  it('the image-like build has no PGlite: without a database it exits 1 and says what to set', async () => {
    const proc = spawnBundle([], { PORT: String(await freePort()), DB_EMBEDDED: 'memory' });
    expect((await proc.exited).code).toBe(1);
    expect(proc.output()).toContain('set DB_HOST or DATABASE_URL');
  });
});
