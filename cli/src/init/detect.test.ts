/*
 * Detection on small repositories:
 *   - the Django example: port 8000 from EXPOSE, /health and /ready, `manage.py migrate`, its
 *     healthcheck.py, the `process_queue` command as a worker
 *   - the FastAPI example: Alembic's `alembic upgrade head`, port 8000, /health and /ready
 *   - a Node repository with prisma: port 3000 by default, `prisma migrate deploy`, /healthz
 *   - two Dockerfiles (root and `worker.Dockerfile`, plus `api/Dockerfile.prod`): root first as `web`
 *   - Celery and RQ dependencies become workers; a route in a test file is not a health route
 *   - Dockerfile names: Dockerfile, Dockerfile.<name>, <name>.Dockerfile, not *.dockerignore
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detect, githubRemote } from './detect.ts';
import { isDockerfile, readDockerfile } from './dockerfiles.ts';

const examples = fileURLToPath(new URL('../../../examples', import.meta.url));
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slipway-detect-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

describe('detect', () => {
  it('finds the Django example: port, routes, migrate command, health script and worker', () => {
    cpSync(join(examples, 'django'), dir, { recursive: true });
    const d = detect(dir);
    const web = d.images[0];
    expect(web?.name).toBe('web');
    expect(web?.framework.framework).toBe('django');
    expect(web?.port).toEqual({ value: 8000, from: 'EXPOSE in Dockerfile' });
    expect(web?.healthPath?.value).toBe('/health');
    expect(web?.readyPath?.value).toBe('/ready');
    expect(web?.healthScript).toBe('healthcheck.py');
    expect(web?.dockerfile.runtime).toBe('python');
    expect(web?.framework.migrate?.command).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
    expect(d.workers.map((w) => w.command)).toEqual([['python', 'manage.py', 'process_queue']]);
    expect(d.hasPackageJson).toBe(false);
  });

  it('finds the FastAPI example: Alembic migrations, port 8000, /health and /ready', () => {
    cpSync(join(examples, 'fastapi'), dir, { recursive: true });
    const web = detect(dir).images[0];
    expect(web?.framework.framework).toBe('fastapi');
    expect(web?.framework.migrate).toEqual({ command: ['alembic', 'upgrade', 'head'], from: 'alembic.ini' });
    expect(web?.port?.value).toBe(8000);
    expect([web?.healthPath?.value, web?.readyPath?.value]).toEqual(['/health', '/ready']);
    expect(web?.framework.database).toBe(true);
  });

  it('finds a Node app with prisma: the default port 3000, prisma migrate deploy, /healthz', () => {
    write({
      Dockerfile: 'FROM node:24-slim\nCOPY . .\nCMD ["node", "server.js"]\n',
      'package.json': JSON.stringify({ name: '@acme/shop-api', dependencies: { '@prisma/client': '6.0.0' } }),
      'prisma/schema.prisma': 'datasource db { provider = "postgresql" }\n',
      'src/server.js': "app.get('/healthz', (req, res) => res.send('ok'));\n",
      'src/server.test.js': "request('/ready');\n",
    });
    const d = detect(dir);
    const web = d.images[0];
    expect(d.name).toEqual({ value: 'shop-api', from: 'package.json' });
    expect(web?.dockerfile.runtime).toBe('node');
    expect(web?.port).toEqual({ value: 3000, from: "node's default port" });
    expect(web?.framework.migrate?.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
    expect(web?.healthPath?.value).toBe('/healthz');
    expect(web?.readyPath).toBeUndefined();
  });

  it('prefers a migrate script of package.json over the ORM', () => {
    write({
      Dockerfile: 'FROM node:24\n',
      'package.json': JSON.stringify({
        scripts: { 'db:migrate': 'knex migrate:latest' },
        dependencies: { knex: '3' },
      }),
    });
    expect(detect(dir).images[0]?.framework.migrate?.command).toEqual(['npm', 'run', 'db:migrate']);
  });

  it('takes the root Dockerfile as web and names the others after their file or folder', () => {
    write({
      'worker.Dockerfile': 'FROM python:3.12-slim\nCMD ["python", "worker.py"]\n',
      Dockerfile: 'FROM python:3.12-slim\nEXPOSE 5000\n',
      'api/Dockerfile.prod':
        'FROM golang:1.23 AS build\nEXPOSE 1\nFROM gcr.io/distroless/static\nEXPOSE 9090\n',
      'requirements.txt': 'flask==3.0\n',
    });
    const images = detect(dir).images;
    expect(images.map((i) => [i.name, i.dockerfile.path, i.dockerfile.context])).toEqual([
      ['web', 'Dockerfile', '.'],
      ['worker', 'worker.Dockerfile', '.'],
      ['prod', 'api/Dockerfile.prod', 'api'],
    ]);
    expect(images[0]?.port?.value).toBe(5000);
    expect(images[1]?.worker).toBe(true);
    expect(images[2]?.port?.value).toBe(9090);
    expect(images[2]?.dockerfile.runtime).toBe('other');
  });

  it('uses --dockerfile as the web image', () => {
    write({ Dockerfile: 'FROM node:24\n', 'deploy/web.Dockerfile': 'FROM python:3.12\nEXPOSE 8001\n' });
    const images = detect(dir, { dockerfile: './deploy/web.Dockerfile' }).images;
    expect(images.map((i) => [i.name, i.dockerfile.path])).toEqual([
      ['web', 'deploy/web.Dockerfile'],
      ['web-2', 'Dockerfile'],
    ]);
    expect(() => detect(dir, { dockerfile: 'nope/Dockerfile' })).toThrow('--dockerfile: nope/Dockerfile');
  });

  it('turns Celery and RQ into workers', () => {
    write({
      Dockerfile: 'FROM python:3.12\n',
      'requirements.txt': 'fastapi\ncelery[redis]==5.4\nrq==1.16\n',
      'proj/celery.py': "from celery import Celery\napp = Celery('proj')\n",
    });
    expect(detect(dir).workers.map((w) => w.command.join(' '))).toEqual([
      'celery -A proj worker --loglevel INFO',
      'rq worker',
    ]);
  });

  it('reads the GitHub repository of the origin remote', () => {
    expect(githubRemote('[remote "origin"]\n\turl = git@github.com:acme/shop.git\n')).toEqual({
      owner: 'acme',
      repository: 'shop',
    });
    expect(githubRemote('[remote "origin"]\n\turl = https://gitlab.com/acme/shop.git\n')).toBeUndefined();
  });
});

describe('Dockerfiles', () => {
  it.each([
    ['Dockerfile', true],
    ['api/Dockerfile', true],
    ['Dockerfile.worker', true],
    ['worker.Dockerfile', true],
    ['Dockerfile.dockerignore', false],
    ['Dockerfile.md', true],
    ['dockerfile-notes.txt', false],
  ])('%s is a Dockerfile: %s', (path, expected) => {
    expect(isDockerfile(path)).toBe(expected);
  });

  it("reads the final stage's EXPOSE across continuation lines and comments", () => {
    const info = readDockerfile(
      'Dockerfile',
      'FROM node:24 AS deps\nEXPOSE 1\n# EXPOSE 2\nFROM --platform=linux/amd64 python:3.12-slim\nRUN a \\\n  b\nEXPOSE 8000/tcp\n',
    );
    expect(info.port).toBe(8000);
    expect(info.runtime).toBe('python');
  });
});
