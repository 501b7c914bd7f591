/*
 * Detection: what `slipway init` can tell about a repository without asking. Each value carries
 * where it came from, printed in the summary and in the config's comments; what it cannot tell is
 * listed in `missing` with the flag that supplies it.
 */
import { basename } from 'node:path';
import { type DockerfileInfo, findDockerfiles, readDockerfile, serviceName } from './dockerfiles.ts';
import { type RepoFiles, repoFiles } from './files.ts';
import {
  detectFramework,
  type FrameworkInfo,
  HEALTH_ROUTES,
  packageJson,
  READY_ROUTES,
  routesIn,
} from './frameworks.ts';
import { detectWorkers, type WorkerInfo } from './workers.ts';

/** A detected value and what gave it away (`EXPOSE in Dockerfile`, `manage.py`, …). */
export interface Found<T> {
  readonly value: T;
  readonly from: string;
}

/** One image-building service: the web service first, then one per other Dockerfile. */
export interface DetectedImage {
  readonly name: string;
  readonly dockerfile: DockerfileInfo;
  readonly framework: FrameworkInfo;
  readonly port?: Found<number>;
  readonly healthPath?: Found<string>;
  readonly readyPath?: Found<string>;
  /** A health-check script in the build context (`healthcheck.py`), run instead of a one-liner. */
  readonly healthScript?: string;
  /** Whether the Dockerfile's name says it runs a worker (no port, a queue). */
  readonly worker: boolean;
}

export interface Detection {
  readonly root: string;
  readonly name: Found<string>;
  readonly github?: { readonly owner: string; readonly repository: string };
  /** Image-building services, the web service first; empty when no Dockerfile was found. */
  readonly images: readonly DetectedImage[];
  /** Workers that run the web service's image. */
  readonly workers: readonly WorkerInfo[];
  /** Whether the repository root has a package.json (else init writes a minimal one). */
  readonly hasPackageJson: boolean;
}

/** The app's name: package.json's or pyproject's `name`, else the folder's. */
function appName(files: RepoFiles): Found<string> {
  const pkg = packageJson(files, '.');
  if (pkg?.name)
    return { value: serviceName(pkg.name.replace(/^@[^/]+\//, ''), 'app'), from: 'package.json' };
  const pyproject = files
    .read('pyproject.toml')
    ?.match(/^\[(?:project|tool\.poetry)\][^[]*?^name\s*=\s*["']([^"']+)/ms);
  if (pyproject?.[1]) return { value: serviceName(pyproject[1], 'app'), from: 'pyproject.toml' };
  return { value: serviceName(basename(files.root), 'app'), from: 'the folder name' };
}

/** owner/repository of the `origin` remote on GitHub, from .git/config. */
export function githubRemote(gitConfig: string | undefined): Detection['github'] {
  const origin = gitConfig?.match(/\[remote "origin"\][^[]*?url\s*=\s*(\S+)/)?.[1];
  const m = origin?.match(/github\.com[:/]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/);
  return m ? { owner: m[1] as string, repository: m[2] as string } : undefined;
}

function image(files: RepoFiles, dockerfile: DockerfileInfo, name: string): DetectedImage {
  const framework = detectFramework(files, dockerfile.context);
  const port: Found<number> | undefined =
    dockerfile.port !== undefined
      ? { value: dockerfile.port, from: `EXPOSE in ${dockerfile.path}` }
      : framework.defaultPort !== undefined
        ? { value: framework.defaultPort, from: `${framework.framework}'s default port` }
        : undefined;
  const health = routesIn(files, dockerfile.context, HEALTH_ROUTES)[0];
  const ready = routesIn(files, dockerfile.context, READY_ROUTES)[0];
  const script = dockerfile.context === '.' ? 'healthcheck.py' : `${dockerfile.context}/healthcheck.py`;
  return {
    name,
    dockerfile,
    framework,
    ...(port ? { port } : {}),
    ...(health ? { healthPath: { value: health, from: 'a route in the code' } } : {}),
    ...(ready ? { readyPath: { value: ready, from: 'a route in the code' } } : {}),
    ...(dockerfile.runtime === 'python' && files.has(script) ? { healthScript: 'healthcheck.py' } : {}),
    worker: /worker|consumer|celery|queue/.test(name),
  };
}

export interface DetectOptions {
  /** `--dockerfile`: the web service's Dockerfile, relative to the repository root. */
  readonly dockerfile?: string;
}

/** Everything detectable about the repository at `root`. */
export function detect(root: string, options: DetectOptions = {}): Detection {
  const files = repoFiles(root);
  let dockerfiles = findDockerfiles(files);
  if (options.dockerfile !== undefined) {
    const chosen = options.dockerfile.replace(/^\.\//, '');
    const text = files.read(chosen);
    if (text === undefined) throw new Error(`--dockerfile: ${chosen} is not a file under ${root}`);
    dockerfiles = [readDockerfile(chosen, text), ...dockerfiles.filter((d) => d.path !== chosen)];
  }
  const names = new Set<string>();
  const images = dockerfiles.map((d, i) => {
    let name = i === 0 ? 'web' : d.name;
    for (let n = 2; names.has(name); n++) name = `${d.name}-${n}`;
    names.add(name);
    return image(files, d, name);
  });
  const web = images[0];
  return {
    root,
    name: appName(files),
    ...(githubRemote(files.read('.git/config')) ? { github: githubRemote(files.read('.git/config')) } : {}),
    images,
    workers: web ? detectWorkers(files, web.dockerfile.context) : [],
    hasPackageJson: files.has('package.json'),
  };
}
