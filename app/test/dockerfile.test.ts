/**
 * The container image, without a Docker engine (the tests must run where none does).
 *
 * Scenarios and expected outcomes:
 * - the Dockerfile, parsed with dockerfile-ast: multi-stage; Node 24 base pinned to an exact version
 *   tag (no `latest`, no invented digest); runtime stage copies only the bundle and the migrations;
 *   runs as a non-root numeric user; HEALTHCHECK on /health with node's http module (no curl),
 *   the same command and timings as the ECS task definition's health check;
 *   STOPSIGNAL SIGTERM; GIT_SHA/APP_VERSION build args become ENV and OCI labels; exec-form CMD.
 * - the ignore file allow-lists the build inputs, and BuildKit finds it next to the Dockerfile.
 * - the bundle started exactly as the image would: CMD and WORKDIR and ENV read from the Dockerfile,
 *   as the Dockerfile's USER, from a read-only copy of the build output, HOME=/nonexistent, against
 *   the real PostgreSQL: `migrate` exits 0, then /health and /ready 200, /info.commit is the build's
 *   GIT_SHA, the HEALTHCHECK command passes, STOPSIGNAL stops it with exit 0, and nothing was written.
 */
import { chmod, cp, lstat, mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_HEALTH_CHECK, serviceHealthCommand } from '@slipway/config/contract';
import { type Copy, type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
  const env: Record<string, string> = {};
  for (const instruction of keyword('ENV')) {
    for (const property of (
      instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }
    ).getProperties()) {
      env[property.getName()] = expand(property.getValue() ?? '', buildArgs);
    }
  }
  return env;
}

function jsonForm(instruction: Instruction): string[] {
  const raw = args(instruction).replace(/^CMD\s+/, '');
  return JSON.parse(raw) as string[];
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

  it('the runtime stage copies only the bundle and the migrations from the build stage, read-only and root-owned', () => {
    const copies = keyword('COPY').map((copy) => ({
      flags: Object.fromEntries((copy as Copy).getFlags().map((flag) => [flag.getName(), flag.getValue()])),
      paths: args(copy),
    }));
    const flags = { from: 'build', chown: 'root:root', chmod: '0555' };
    expect(copies).toEqual([
      { flags, paths: '/src/app/dist ./dist' },
      { flags, paths: '/src/app/migrations ./migrations' },
    ]);
    expect(keyword('RUN')).toEqual([]);
  });

  it('runs as a non-root numeric user', () => {
    const users = keyword('USER').map(args);
    expect(users).toHaveLength(1);
    expect(users[0]).toMatch(/^[1-9]\d*:[1-9]\d*$/);
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

  it('installs from the lockfile in the build stage (npm ci) and bundles with the app build script', () => {
    const build = stages[0]?.instructions.filter((i) => i.getKeyword() === 'RUN').map(args) ?? [];
    expect(build[0]).toMatch(/^npm ci /);
    expect(build.at(-1)).toBe('npm run build --workspace=@slipway/app');
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
    const app = join(root, workdir.replace(/^\//, ''));
    await cp(inject('appRoot'), app, { recursive: true });
    await chmod(root, 0o755);
    for (const entry of ['', ...(await readdir(app, { recursive: true }))])
      await chmod(join(app, entry), 0o555);
    const before = await listing(app);

    // As the Dockerfile's USER when this test runs as root (CI does); otherwise as the current user.
    const asUser = process.getuid?.() === 0 ? { uid: uid as number, gid: gid as number } : {};
    if (!('uid' in asUser))
      console.warn('not root: the image-like run uses the current user, not the Dockerfile USER');

    const port = await freePort();
    const env = {
      ...imageEnv({ GIT_SHA: 'c0ffee1234', APP_VERSION: '3.1.4' }),
      // What the ECS task definition adds: the database, the port, and no migration at start.
      ...testEnv(db, { PORT: String(port), MIGRATE_ON_START: 'false', LOG_LEVEL: 'info' }),
      NODE_ENV: 'production',
      HOME: '/nonexistent',
    };

    // The deploy hook's one-off task: same image, same WORKDIR, `migrate` appended to the CMD.
    const migrate = spawnCommand(command as string, [...commandArgs, 'migrate'], {
      cwd: app,
      env,
      ...asUser,
    });
    const migrated = await migrate.exited;
    expect(migrated.code, migrate.output()).toBe(0);

    const server = spawnCommand(command as string, commandArgs, { cwd: app, env, ...asUser });
    const base = `http://127.0.0.1:${port}`;
    await waitForStatus(`${base}/ready`, 200, server);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(await (await fetch(`${base}/info`)).json()).toMatchObject({
      commit: 'c0ffee1234',
      version: '3.1.4',
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
