import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';

/*
 * Reads a Copilot workspace the way Copilot lays it out (internal/pkg/workspace in
 * aws/copilot-cli): `copilot/.workspace` names the application, `copilot/environments/<env>/manifest.yml`
 * holds each Environment manifest, `copilot/<name>/manifest.yml` each service or job manifest;
 * `addons/` folders hold extra CloudFormation and `pipelines/` the pipeline manifests.
 */

/** A manifest as YAML data. */
export type Manifest = Record<string, unknown>;

export interface ManifestFile {
  /** The folder name (Copilot names the folder after the service or environment). */
  readonly name: string;
  /** The file, relative to the folder above the Copilot folder (e.g. `copilot/api/manifest.yml`). */
  readonly file: string;
  readonly manifest: Manifest;
}

export interface CopilotWorkspace {
  /** The folder read, e.g. `/repo/copilot`. */
  readonly dir: string;
  /** The Copilot application's name, from `.workspace`. */
  readonly application: string | undefined;
  readonly environments: readonly ManifestFile[];
  readonly workloads: readonly ManifestFile[];
  /** Addon templates and pipeline folders found (none is imported). */
  readonly extras: readonly string[];
}

/** Why a Copilot folder could not be read (the CLI turns it into an error line). */
export class CopilotReadError extends Error {
  readonly kind: 'missing' | 'not-copilot' | 'bad-manifest';

  constructor(kind: 'missing' | 'not-copilot' | 'bad-manifest', message: string) {
    super(message);
    this.kind = kind;
    this.name = 'CopilotReadError';
  }
}

function readYaml(path: string, shown: string): Manifest {
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CopilotReadError('bad-manifest', `${shown} is not valid YAML: ${reason}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new CopilotReadError('bad-manifest', `${shown} is not a YAML map of fields`);
  return data as Manifest;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

/** The manifests under each sub-folder of `dir` that has a `manifest.yml`. */
function manifestsIn(dir: string, base: string): ManifestFile[] {
  if (!isDir(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && existsSync(join(dir, name, 'manifest.yml')))
    .sort()
    .map((name) => {
      const file = relative(base, join(dir, name, 'manifest.yml'));
      return { name, file, manifest: readYaml(join(dir, name, 'manifest.yml'), file) };
    });
}

/** Reads the Copilot folder `dir`; paths in findings are relative to `base` (its parent by default). */
export function readWorkspace(dir: string, base = join(dir, '..')): CopilotWorkspace {
  if (!isDir(dir)) throw new CopilotReadError('missing', `no Copilot folder at ${dir}`);
  const workspaceFile = join(dir, '.workspace');
  const hasWorkspace = existsSync(workspaceFile);
  const environments = manifestsIn(join(dir, 'environments'), base);
  const workloads = manifestsIn(dir, base).filter((m) => m.name !== 'environments');
  if (!hasWorkspace && workloads.length === 0)
    throw new CopilotReadError(
      'not-copilot',
      `${dir} has neither a .workspace file nor any <service>/manifest.yml; it is not a Copilot folder`,
    );
  const workspace = hasWorkspace ? readYaml(workspaceFile, relative(base, workspaceFile)) : {};
  const application = typeof workspace.application === 'string' ? workspace.application : undefined;
  const extras = [
    ...[...workloads.map((w) => w.name), 'environments']
      .map((name) => join(dir, name, 'addons'))
      .filter(isDir),
    ...['pipelines', 'buildspec.yml', 'pipeline.yml'].map((name) => join(dir, name)).filter(existsSync),
  ].map((path) => relative(base, path));
  return { dir, application, environments, workloads, extras };
}
