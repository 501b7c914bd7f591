/*
 * Dockerfiles in the repository and what they say: the port the image exposes, the base image of
 * its final stage (which tells the runtime: a Python image has no `node` for Slipway's default
 * health probe) and its command.
 */
import { posix } from 'node:path';
import type { RepoFiles } from './files.ts';

export type Runtime = 'python' | 'node' | 'other';

export interface DockerfileInfo {
  /** Path relative to the repository root. */
  readonly path: string;
  /** The build context: the Dockerfile's folder ('.' for the root). */
  readonly context: string;
  /** A service name derived from the file: `web` at the root, else its folder or its suffix. */
  readonly name: string;
  /** The first `EXPOSE`d port of the final stage, if any. */
  readonly port?: number;
  readonly runtime: Runtime;
  /** The final stage's CMD and ENTRYPOINT text (how the container starts), joined. */
  readonly command: string;
}

/** `Dockerfile`, `Dockerfile.<name>` and `<name>.Dockerfile` (not `*.dockerignore`). */
export function isDockerfile(path: string): boolean {
  const base = posix.basename(path);
  if (/\.dockerignore$/i.test(base)) return false;
  return base === 'Dockerfile' || /^Dockerfile\.[\w.-]+$/.test(base) || /^[\w.-]+\.Dockerfile$/i.test(base);
}

/** A service name: lower-case letters, digits and dashes, starting with a letter. */
export function serviceName(text: string, fallback = 'web'): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
  return name || fallback;
}

function nameOf(path: string): string {
  const base = posix.basename(path);
  const dir = posix.dirname(path);
  const suffix = base.match(/^Dockerfile\.([\w.-]+)$/)?.[1] ?? base.match(/^([\w.-]+)\.Dockerfile$/i)?.[1];
  if (suffix) return serviceName(suffix);
  return dir === '.' ? 'web' : serviceName(posix.basename(dir));
}

/** Instructions with their continuation lines joined, comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\r?\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim().match(/^([A-Za-z]+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null)
    .map((m) => ({ op: (m[1] as string).toUpperCase(), args: (m[2] as string).trim() }));
}

function runtimeOf(image: string, command: string): Runtime {
  if (/(^|\/)(python|pypy)[:@]|\bpython\d?(\.\d+)?-|uvicorn|gunicorn/.test(image)) return 'python';
  if (/(^|\/)(node|bun)[:@]|(^|\/)node$/.test(image)) return 'node';
  if (/\b(python\d?|gunicorn|uvicorn|celery|manage\.py)\b/.test(command)) return 'python';
  if (/\b(node|npm|npx)\b/.test(command)) return 'node';
  return 'other';
}

/** Reads one Dockerfile's final stage. */
export function readDockerfile(path: string, text: string): DockerfileInfo {
  const all = instructions(text);
  const lastFrom = all.map((i) => i.op).lastIndexOf('FROM');
  const stage = lastFrom >= 0 ? all.slice(lastFrom) : all;
  const image = (stage[0]?.op === 'FROM' ? stage[0].args : '')
    .split(/\s+/)
    .filter((w) => !w.startsWith('--'))[0];
  const expose = stage.find((i) => i.op === 'EXPOSE')?.args.match(/^(\d+)/)?.[1];
  const command = stage
    .filter((i) => i.op === 'CMD' || i.op === 'ENTRYPOINT')
    .map((i) => i.args)
    .join(' ');
  const dir = posix.dirname(path);
  return {
    path,
    context: dir,
    name: nameOf(path),
    ...(expose ? { port: Number(expose) } : {}),
    runtime: runtimeOf((image ?? '').toLowerCase(), command),
    command,
  };
}

/** Every Dockerfile of the repository, the root's `Dockerfile` first, then by path. */
export function findDockerfiles(files: RepoFiles): DockerfileInfo[] {
  const found = files.paths.filter(isDockerfile).flatMap((path) => {
    const text = files.read(path);
    return text === undefined ? [] : [readDockerfile(path, text)];
  });
  const rank = (d: DockerfileInfo) => (d.path === 'Dockerfile' ? 0 : d.context === '.' ? 1 : 2);
  return found.sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path));
}
