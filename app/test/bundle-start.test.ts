/**
 * What a start of the production bundle loads of Node's own modules (app/scripts/build.ts).
 *
 * Scenario and expected outcome: the bundle started against the real PostgreSQL (no TLS), answered
 * `/ready` 200 and stopped; by then it has loaded `node:http` but neither `node:https` nor
 * `node:http2`, which Fastify's server module asks for as it loads and the plain HTTP service never
 * uses. (`process.moduleLoadList` is Node's own list of the modules it has loaded.)
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type TestDatabase, testEnv } from './helper.ts';
import { freePort, killAll, spawnBundle, waitForStatus } from './process.ts';

let db: TestDatabase;
let dir: string;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
  dir = await mkdtemp(join(tmpdir(), 'slipway-start-'));
});

afterAll(async () => {
  await killAll();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a start of the bundle', () => {
  it('loads node:http but not node:https or node:http2', async () => {
    const list = join(dir, 'modules.json');
    const preload = join(dir, 'record.mjs');
    await writeFile(
      preload,
      `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`,
    );
    const port = await freePort();
    const server = spawnBundle([], {
      ...testEnv(db, { PORT: String(port), NODE_ENV: 'production' }),
      NODE_OPTIONS: `--import ${preload}`,
    });
    await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, server);
    server.child.kill('SIGTERM');
    expect((await server.exited).code, server.output()).toBe(0);

    const loaded = JSON.parse(await readFile(list, 'utf8')) as string[];
    expect(loaded).toContain('NativeModule http');
    expect(loaded).not.toContain('NativeModule https');
    expect(loaded).not.toContain('NativeModule http2');
  });
});
