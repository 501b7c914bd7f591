/**
 * What a start of the production bundle loads and runs (app/scripts/build.ts, its lazy modules).
 *
 * Scenarios and expected outcomes:
 * - the bundle started against the real PostgreSQL (no TLS), answered `/ready` 200 and stopped: by
 *   then it has loaded `node:http` but neither `node:https` nor `node:http2`, which Fastify's server
 *   module asks for as it loads and the plain HTTP service never uses (`process.moduleLoadList` is
 *   Node's own list of the modules it has loaded);
 * - in the same start, semver's modules never ran (V8's precise coverage, `NODE_V8_COVERAGE`, counts
 *   every call of the function each bundled module is wrapped in), while Fastify's did;
 * - a bundle made with the same lazy modules still checks a plugin's declared `fastify` range: a
 *   plugin for Fastify 4 is refused with FST_ERR_PLUGIN_VERSION_MISMATCH.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lazyModules } from '../scripts/build.ts';
import { createMigratedDatabase, type TestDatabase, testEnv } from './helper.ts';
import { freePort, killAll, spawnBundle, spawnNode, waitForStatus } from './process.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let db: TestDatabase;
let dir: string;
/** Node's modules the start loaded. */
let loaded: string[];
/** Calls of each function of the bundle during the start, by the function's name. */
const calls = new Map<string, number>();

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
  dir = await mkdtemp(join(tmpdir(), 'slipway-start-'));
  const list = join(dir, 'modules.json');
  const preload = join(dir, 'record.mjs');
  const coverage = join(dir, 'coverage');
  await writeFile(
    preload,
    `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(list)}, JSON.stringify(process.moduleLoadList)));\n`,
  );
  const port = await freePort();
  const server = spawnBundle([], {
    ...testEnv(db, { PORT: String(port), NODE_ENV: 'production' }),
    NODE_OPTIONS: `--import ${preload}`,
    NODE_V8_COVERAGE: coverage,
  });
  await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, server);
  server.child.kill('SIGTERM');
  expect((await server.exited).code, server.output()).toBe(0);

  loaded = JSON.parse(await readFile(list, 'utf8')) as string[];
  for (const file of await readdir(coverage)) {
    const { result } = JSON.parse(await readFile(join(coverage, file), 'utf8')) as Coverage;
    for (const script of result.filter((s) => s.url.includes('/dist/'))) {
      for (const fn of script.functions) {
        calls.set(fn.functionName, (calls.get(fn.functionName) ?? 0) + (fn.ranges[0]?.count ?? 0));
      }
    }
  }
});

afterAll(async () => {
  await killAll();
  await db?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a start of the bundle', () => {
  it('loads node:http but not node:https or node:http2', () => {
    expect(loaded).toContain('NativeModule http');
    expect(loaded).not.toContain('NativeModule https');
    expect(loaded).not.toContain('NativeModule http2');
  });

  it("never runs semver's modules (Fastify's plugin version checks), and does run Fastify's", () => {
    // esbuild names the function that wraps each bundled CommonJS module after the module's path.
    expect(calls.get('../node_modules/fastify/fastify.js')).toBeGreaterThan(0);
    const semver = [...calls].filter(([name]) => name.includes('node_modules/semver/'));
    expect(semver.length).toBeGreaterThan(0);
    expect(semver.filter(([, count]) => count > 0)).toEqual([]);
  });
});

describe('a bundle with the lazy modules', () => {
  it("still checks a plugin's declared fastify version range", async () => {
    const entry = join(dir, 'entry.mjs');
    await writeFile(
      entry,
      [
        "import Fastify from 'fastify';",
        "import fp from 'fastify-plugin';",
        "const plugin = fp(async () => {}, { name: 'for-fastify-4', fastify: '4.x' });",
        'await Fastify().register(plugin).ready().then(',
        "  () => console.log('accepted'),",
        '  (error) => console.log(error.code),',
        ');',
      ].join('\n'),
    );
    const outfile = join(dir, 'out', 'entry.mjs');
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      // The entry lives in a scratch folder: its packages are the app's.
      nodePaths: [join(appDir, 'node_modules'), join(appDir, '..', 'node_modules')],
      banner: {
        js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
      plugins: [lazyModules],
      logLevel: 'warning',
    });
    expect(await readFile(outfile, 'utf8')).toContain('new Proxy');
    const run = spawnNode([outfile], { cwd: dir, env: {} });
    expect((await run.exited).code, run.output()).toBe(0);
    expect(run.output().trim()).toBe('FST_ERR_PLUGIN_VERSION_MISMATCH');
  });
});
