/**
 * The container image, without a Docker engine (the tests must run where none does).
 *
 * Scenarios and expected outcomes:
 * - the Dockerfile, parsed with dockerfile-ast: multi-stage; Node 24 base pinned to an exact version
 *   tag (no `latest`, no invented digest); runtime stage copies only the bundle, the migrations and
 *   the compile cache;
 *   runs as a non-root numeric user; HEALTHCHECK on /health with node's http module (no curl),
 *   the same command and timings as the ECS task definition's health check; Node's compile cache
 *   written in the build stage by the runtime user at the runtime path, copied read-only;
 *   STOPSIGNAL SIGTERM; GIT_SHA/APP_VERSION build args become ENV and OCI labels; exec-form CMD;
 *   NODE_OPTIONS gives V8 a semi-space of at least 16 MiB, and V8 applies it (its heap limit grows by
 *   three semi-spaces).
 * - the ignore file allow-lists the build inputs, and BuildKit finds it next to the Dockerfile.
 * - the bundle started exactly as the image would: CMD and WORKDIR and ENV read from the Dockerfile,
 *   as the Dockerfile's USER, from a read-only copy of the build output and the compile cache its
 *   build stage writes (every entry read at start is accepted), HOME=/nonexistent, against
 *   the real PostgreSQL: `migrate` exits 0, then /health and /ready 200, /info.commit is the build's
 *   GIT_SHA, the HEALTHCHECK command passes, STOPSIGNAL stops it with exit 0, and nothing was written.
 */
import {
  chmod,
  chown,
  copyFile,
  cp,
  link,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_HEALTH_CHECK, serviceHealthCommand } from '@slipway/config/contract';
import { type Copy, type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runtimeStageEnv } from '../scripts/dockerfile-env.ts';
import { createTestDatabase, type TestDatabase, testEnv } from './helper.ts';
import { freePort, killAll, spawnCommand, waitForStatus } from './process.ts';

const appDir = fileURLToPath(new URL('..', import.meta.url));
let dockerfile: Dockerfile;
let source: string;
let stages: { from: Instruction; name: string | null; instructions: Instruction[] }[];

function args(instruction: Instruction): string {
  return instruction.getRawArgumentsContent()?.replace(/\\\r?\n\s*/g, ' ') ?? '';
}

/** `${NAME}` and `$NAME` replaced by the value given, else by the ARG default of the Dockerfile. */
function expand(text: string, values: Record<string, string>): string {
  const defaults = Object.fromEntries(
    dockerfile
      .getInitialARGs()
      .flatMap((arg) => arg.getProperties().map((p) => [p.getName(), p.getValue() ?? ''])),
  );
  for (const stage of stages) {
    for (const instruction of stage.instructions.filter((i) => i.getKeyword() === 'ARG')) {
      const [name, value = ''] = args(instruction).split('=');
      if (name && !(name in defaults)) defaults[name] = value;
    }
  }
  return text.replace(
    /\$\{?([A-Z_][A-Z0-9_]*)\}?/g,
    (_, name: string) => values[name] ?? defaults[name] ?? '',
  );
}

function runtime() {
  const last = stages.at(-1);
  if (!last) throw new Error('no stage');
  return last;
}

function keyword(name: string) {
  return runtime().instructions.filter((i) => i.getKeyword() === name);
}

/** ENV of the runtime stage, with build args expanded. */
function imageEnv(buildArgs: Record<string, string>): Record<string, string> {
  return runtimeStageEnv(dockerfile, (value) => expand(value, buildArgs));
}

function jsonForm(instruction: Instruction): string[] {
  const raw = args(instruction).replace(/^CMD\s+/, '');
  return JSON.parse(raw) as string[];
}

/**
 * The build stage's compile-cache step: `NODE_COMPILE_CACHE=<dir> node <main.js> --help`, run as that
 * stage's last USER (Node keeps a cache folder per user id and keys entries by absolute path).
 */
function compileCacheStep(): { dir: string; args: string[]; user: string } {
  const build = stages[0];
  if (!build) throw new Error('no build stage');
  const step = build.instructions
    .filter((i) => i.getKeyword() === 'RUN')
    .map(args)
    .map((line) => /^NODE_COMPILE_CACHE=(\S+) node (\S+) --help > \/dev\/null$/.exec(line))
    .find((match) => match !== null);
  if (!step?.[1] || !step[2]) throw new Error('no compile-cache step in the build stage');
  const user =
    build.instructions
      .filter((i) => i.getKeyword() === 'USER')
      .map(args)
      .at(-1) ?? '';
  return { dir: step[1], args: [step[2], '--help'], user };
}

beforeAll(async () => {
  source = await readFile(join(appDir, 'Dockerfile'), 'utf8');
  dockerfile = DockerfileParser.parse(source);
  stages = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      const from = dockerfile.getFROMs()[stages.length];
      stages.push({ from: instruction, name: from?.getBuildStage() ?? null, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
});

describe('Dockerfile', () => {
  it('is multi-stage: a build stage and a runtime stage', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
  });

  it('uses Node 24 pinned to an exact version tag (digest pinning is left to the pipeline)', () => {
    for (const stage of stages) {
      const image = expand(args(stage.from).split(/\s+/)[0] ?? '', {});
      expect(image).toMatch(/^node:24\.\d+\.\d+-(trixie|bookworm)-slim$/);
    }
    expect(source).not.toMatch(/@sha256:/);
  });

  it('the runtime stage copies only the bundle, the migrations and the compile cache from the build stage, read-only and root-owned', () => {
    const copies = keyword('COPY').map((copy) => ({
      flags: Object.fromEntries((copy as Copy).getFlags().map((flag) => [flag.getName(), flag.getValue()])),
      paths: args(copy),
    }));
    const flags = { from: 'build', chown: 'root:root', chmod: '0555' };
    expect(copies).toEqual([
      { flags, paths: '/src/app/dist ./dist' },
      { flags, paths: '/src/app/migrations ./migrations' },
      { flags, paths: `${compileCacheStep().dir} ./.compile-cache` },
    ]);
    expect(imageEnv({}).NODE_COMPILE_CACHE).toBe(compileCacheStep().dir);
    expect(keyword('RUN')).toEqual([]);
  });

  it('runs as a non-root numeric user', () => {
    const users = keyword('USER').map(args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    // The compile cache is written by the user that reads it: Node keeps one folder per user id.
    expect(compileCacheStep().user).toBe(users[0]);
  });

  it('has a HEALTHCHECK on /health using node (no curl or wget)', () => {
    const [healthcheck] = keyword('HEALTHCHECK').map(args);
    expect(healthcheck).toContain('CMD ["node", "-e"');
    expect(healthcheck).toContain('/health');
    expect(healthcheck).not.toMatch(/curl|wget/);
  });

  it("runs the task definition's health check: same command and timings", () => {
    const healthcheck = args(keyword('HEALTHCHECK')[0] as Instruction);
    const command = JSON.parse(healthcheck.replace(/^.*?CMD\s+/, '')) as string[];
    expect(['CMD', ...command]).toEqual(serviceHealthCommand('/health'));
    const { intervalSeconds, timeoutSeconds, startSeconds, retries } = SERVICE_HEALTH_CHECK;
    expect(source).toContain(
      `HEALTHCHECK --interval=${intervalSeconds}s --timeout=${timeoutSeconds}s --start-period=${startSeconds}s --retries=${retries} `,
    );
  });

  it('stops with SIGTERM and starts with the exec-form CMD node dist/main.js in /app', () => {
    expect(keyword('STOPSIGNAL').map(args)).toEqual(['SIGTERM']);
    expect(keyword('WORKDIR').map(args)).toEqual(['/app']);
    const cmds = keyword('CMD');
    expect(cmds).toHaveLength(1);
    expect(jsonForm(cmds[0] as Instruction)).toEqual(['node', 'dist/main.js']);
  });

  it('turns the GIT_SHA and APP_VERSION build args into ENV and OCI labels', () => {
    const env = imageEnv({ GIT_SHA: 'abc123', APP_VERSION: '1.2.3' });
    expect(env).toMatchObject({
      GIT_SHA: 'abc123',
      APP_VERSION: '1.2.3',
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
    });
    const labels = keyword('LABEL').map(args).join(' ');
    expect(labels).toContain(`org.opencontainers.image.revision="\${GIT_SHA}"`);
    expect(labels).toContain(`org.opencontainers.image.version="\${APP_VERSION}"`);
  });

  it("gives V8 a young generation sized for throughput, not from the task's memory (NODE_OPTIONS)", async () => {
    const options = imageEnv({}).NODE_OPTIONS ?? '';
    const semiSpace = Number(/^--max-semi-space-size=(\d+)$/.exec(options)?.[1]);
    // V8 picks 1 MiB for a 512 MiB container, 16 MiB for 2 GiB; below 16 the service pays in scavenges.
    expect(semiSpace, options).toBeGreaterThanOrEqual(16);
    // Node takes it from NODE_OPTIONS and V8 applies it: the young generation is three semi-spaces.
    const heapLimit = async (nodeOptions: string) => {
      const run = spawnCommand(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit'], {
        env: { NODE_OPTIONS: nodeOptions },
      });
      const exit = await run.exited;
      expect(exit.code, run.output()).toBe(0);
      return Number(run.output().trim());
    };
    const difference = (await heapLimit(options)) - (await heapLimit('--max-semi-space-size=1'));
    expect(difference).toBe(3 * (semiSpace - 1) * 2 ** 20);
  });

  it('installs from the lockfile in the build stage (npm ci) and bundles with the app build script', () => {
    const build = stages[0]?.instructions.filter((i) => i.getKeyword() === 'RUN').map(args) ?? [];
    expect(build[0]).toMatch(/^npm ci /);
    expect(build).toContain('npm run build --workspace=@slipway/app');
    // The compile cache is written last, from the bundle just built.
    expect(build.at(-1)).toMatch(/^NODE_COMPILE_CACHE=/);
  });
});

describe('.dockerignore', () => {
  it('BuildKit finds it as app/Dockerfile.dockerignore (context = repository root)', async () => {
    expect((await lstat(join(appDir, 'Dockerfile.dockerignore'))).isSymbolicLink()).toBe(true);
    expect(await readlink(join(appDir, 'Dockerfile.dockerignore'))).toBe('.dockerignore');
  });

  it('excludes everything but the inputs the build stage copies', async () => {
    const rules = (await readFile(join(appDir, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    const sources = (stages[0]?.instructions ?? [])
      .filter((i) => i.getKeyword() === 'COPY')
      .flatMap((i) => args(i).split(/\s+/).slice(0, -1));
    for (const source of sources) expect(allowed, source).toContain(source);
    expect(rules).toEqual(expect.arrayContaining(['**/node_modules', '**/.env']));
  });
});

describe('the bundle started as the image starts it', () => {
  let db: TestDatabase;
  let root: string;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    root = await mkdtemp(join(tmpdir(), 'slipway-image-'));
  });

  afterAll(async () => {
    await killAll();
    await db?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function listing(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true });
    return Promise.all(
      entries.sort().map(async (entry) => `${entry} ${(await stat(join(dir, entry))).mtimeMs}`),
    );
  }

  it('migrates, serves, passes its HEALTHCHECK and exits 0 on STOPSIGNAL, writing nothing', async () => {
    const workdir = expand(keyword('WORKDIR').map(args)[0] ?? '', {});
    const [command, ...commandArgs] = jsonForm(keyword('CMD')[0] as Instruction);
    const [uid, gid] = (keyword('USER').map(args)[0] ?? '').split(':').map(Number);
    // The image's file system: WORKDIR holds what the runtime stage copies, root-owned, mode 0555.
    const inImage = (path: string) => join(root, path.replace(/^\//, ''));
    const app = inImage(workdir);
    await cp(inject('appRoot'), app, { recursive: true });
    await chmod(root, 0o755);
    // The image's `node` on PATH: the tests' own binary, linked where the image's user can reach it
    // (the tests' Node may sit under a home folder that user cannot enter, and PATH would then find
    // an older system Node instead).
    const bin = inImage('/usr/local/bin');
    await mkdir(bin, { recursive: true });
    await link(process.execPath, join(bin, 'node')).catch(() =>
      copyFile(process.execPath, join(bin, 'node')),
    );
    const path = `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`;

    // As the Dockerfile's USER when this test runs as root (CI does); otherwise as the current user.
    const asUser = process.getuid?.() === 0 ? { uid: uid as number, gid: gid as number } : {};
    if (!('uid' in asUser))
      console.warn('not root: the image-like run uses the current user, not the Dockerfile USER');

    // The build stage's compile-cache step, at the runtime path of the bundle, as its user.
    const cache = compileCacheStep();
    expect(cache.args[0]).toBe(`${workdir}/${commandArgs[0]}`);
    const tree = async (each: (path: string) => Promise<void>) => {
      for (const entry of ['', ...(await readdir(app, { recursive: true }))]) await each(join(app, entry));
    };
    if ('uid' in asUser) await tree((path) => chown(path, asUser.uid as number, asUser.gid as number));
    const warm = spawnCommand(command as string, [inImage(cache.args[0] as string), '--help'], {
      cwd: app,
      env: { PATH: path, NODE_COMPILE_CACHE: inImage(cache.dir) },
      ...asUser,
    });
    expect((await warm.exited).code, warm.output()).toBe(0);
    // The runtime stage's COPY: root-owned, mode 0555.
    await tree(async (path) => {
      if ('uid' in asUser) await chown(path, 0, 0);
      await chmod(path, 0o555);
    });
    const before = await listing(app);
    expect(before.some((entry) => entry.startsWith('.compile-cache/'))).toBe(true);

    const port = await freePort();
    const fromImage = imageEnv({ GIT_SHA: 'c0ffee1234', APP_VERSION: '3.1.4' });
    const env: Record<string, string> = {
      ...fromImage,
      // The image's cache folder, inside this test's image file system.
      NODE_COMPILE_CACHE: inImage(fromImage.NODE_COMPILE_CACHE ?? ''),
      // What the ECS task definition adds: the database, the port, and no migration at start.
      ...testEnv(db, { PORT: String(port), MIGRATE_ON_START: 'false', LOG_LEVEL: 'info' }),
      NODE_ENV: 'production',
      HOME: '/nonexistent',
      PATH: path,
    };

    // The deploy hook's one-off task: same image, same WORKDIR, `migrate` appended to the CMD.
    const migrate = spawnCommand(command as string, [...commandArgs, 'migrate'], {
      cwd: app,
      env,
      ...asUser,
    });
    const migrated = await migrate.exited;
    expect(migrated.code, migrate.output()).toBe(0);

    const server = spawnCommand(command as string, commandArgs, {
      cwd: app,
      // Node's own report of each cache entry it reads (stderr).
      env: { ...env, NODE_DEBUG_NATIVE: 'COMPILE_CACHE' },
      ...asUser,
    });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, server);
    // The start read the compiled code of main.js and of every module it loaded, all accepted.
    const reads = server.output().match(/reading cache from .* for ESM .*/g) ?? [];
    const accepted = server.output().match(/V8 code cache for ESM \S+ was accepted/g) ?? [];
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.filter((line) => !line.includes('... success'))).toEqual([]);
    expect(accepted.map((line) => line.split(' ')[5])).toContain(
      `file://${join(app, commandArgs[0] as string)}`,
    );
    expect(accepted).toHaveLength(reads.length);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/info`)).json()).toMatchObject({
      commit: 'c0ffee1234',
      version: '3.1.4',
      // The image's Node, not whichever the image's user could find.
      node: process.version,
    });

    const healthcheck = JSON.parse(
      args(keyword('HEALTHCHECK')[0] as Instruction).replace(/^.*?CMD\s+/, ''),
    ) as string[];
    const probe = spawnCommand(healthcheck[0] as string, healthcheck.slice(1), { cwd: app, env, ...asUser });
    expect((await probe.exited).code, probe.output()).toBe(0);

    const stopSignal = keyword('STOPSIGNAL').map(args)[0] as NodeJS.Signals;
    server.child.kill(stopSignal);
    const exit = await server.exited;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shut down cleanly');
    expect(await listing(app)).toEqual(before);
  });
});
