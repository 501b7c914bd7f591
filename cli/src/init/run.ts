/*
 * `slipway init` in an existing repository: detect, ask what detection could not tell, write
 * slipway.config.ts, the GitHub workflows and (when the repository has none) a package.json, then
 * `slipway plan dev` on the result. Nothing existing is overwritten without --force (SW246,
 * naming every file), and nothing is written when one file is refused.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_FILE, loadConfig } from '@slipway/config';
import { CliError, EXIT, type ExitCode } from '../errors.ts';
import type { Io } from '../io.ts';
import { type AnswerFlags, resolveAnswers } from './answers.ts';
import { configSource } from './config-source.ts';
import { type Detection, detect } from './detect.ts';
import { environments } from './environments.ts';
import { type WorkflowEnvironment, workflows } from './workflows.ts';

export interface DetectInitOptions extends AnswerFlags {
  /** `--dockerfile`: the web service's Dockerfile, relative to the repository root. */
  readonly dockerfile?: string;
  /** Overwrite existing files. */
  readonly force?: boolean;
  /** `--no-plan` sets this to false. @default true: runs `plan dev` on what it wrote */
  readonly plan?: boolean;
}

/** The environments of the written config and the branch that deploys each. */
export const WORKFLOW_ENVIRONMENTS: readonly WorkflowEnvironment[] = [
  { name: 'dev', branch: 'develop' },
  { name: 'staging', branch: 'main' },
  { name: 'prod', branch: 'main', after: 'staging' },
];

const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

const CLI_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The package.json of a repository that has none: only what Slipway needs. */
export function minimalPackageJson(name: string): string {
  const pkg = {
    name,
    private: true,
    type: 'module',
    description: 'Deployment of this repository with Slipway (slipway.config.ts).',
    scripts: { plan: 'slipway plan --all' },
    devDependencies: { '@slipway/cli': `^${CLI_VERSION}`, '@slipway/config': `^${CLI_VERSION}` },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function summary(detection: Detection): string[] {
  const lines = [`app name: ${detection.name.value} (from ${detection.name.from})`];
  for (const image of detection.images) {
    const d = image.dockerfile;
    const parts = [`${image.name}: ${d.path}`, `runtime ${d.runtime}`];
    if (image.framework.framework) parts.push(image.framework.framework);
    if (image.port && !image.worker) parts.push(`port ${image.port.value} (${image.port.from})`);
    if (image.healthPath) parts.push(`health ${image.healthPath.value}`);
    if (image.readyPath) parts.push(`ready ${image.readyPath.value}`);
    if (image.framework.migrate) parts.push(`migrate: ${image.framework.migrate.command.join(' ')}`);
    lines.push(parts.join(', '));
  }
  for (const w of detection.workers) lines.push(`worker: ${w.command.join(' ')} (from ${w.from})`);
  return lines.map((l) => `  ${l}`);
}

function detectOrFail(cwd: string, opts: DetectInitOptions): Detection {
  let detection: Detection;
  try {
    detection = detect(cwd, opts.dockerfile === undefined ? {} : { dockerfile: opts.dockerfile });
  } catch (error) {
    throw new CliError('SW203', (error as Error).message, 'slipway init --dockerfile <path to a Dockerfile>');
  }
  if (detection.images.length === 0)
    throw new CliError(
      'SW248',
      `slipway init found no Dockerfile in ${cwd} (Dockerfile, Dockerfile.<name>, <name>.Dockerfile)`,
      'slipway init --dockerfile <path>, or add a Dockerfile',
    );
  return detection;
}

/** Runs `plan dev` in-process on the written config; a config that cannot load yet is explained. */
async function planDev(target: string, io: Io): Promise<ExitCode> {
  let config: Awaited<ReturnType<typeof loadConfig>>;
  try {
    config = await loadConfig(target);
  } catch (error) {
    io.err(`could not load ${CONFIG_FILE} for the plan: ${(error as Error).message.split('\n')[0]}\n`);
    io.out('Next: npm install, then: npx slipway plan dev\n');
    return EXIT.ok;
  }
  io.out('\nslipway plan dev\n');
  const { plan } = await import('../commands/plan.ts');
  // The assembly belongs to the repository just initialized (also when Slipway runs from its sources).
  return (await plan(config, 'dev', { assemblyDir: join(dirname(target), 'cdk.out') }, io)).exitCode;
}

export async function initFromRepository(opts: DetectInitOptions, io: Io, cwd: string): Promise<ExitCode> {
  const detection = detectOrFail(cwd, opts);
  io.out(`Detected in ${cwd}:\n${summary(detection).join('\n')}\n`);
  const answers = await resolveAnswers(detection, opts, io);
  const withDatabase = detection.images.some((i) => i.framework.database);
  const files: Record<string, string> = {
    [CONFIG_FILE]: configSource(detection, answers, environments(answers, withDatabase)),
    // The written environments keep Grafana (its default), so app.yml pushes the image they pull.
    ...workflows(WORKFLOW_ENVIRONMENTS, { grafana: true }),
    ...(detection.hasPackageJson ? {} : { 'package.json': minimalPackageJson(answers.name) }),
  };
  const existing = Object.keys(files).filter((f) => existsSync(join(cwd, f)));
  if (existing.length > 0 && !opts.force)
    throw new CliError(
      'SW246',
      `${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${cwd}; nothing written`,
      'slipway init --force (replaces them), or move them away',
      { path: join(cwd, existing[0] as string) },
    );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(cwd, file)), { recursive: true });
    writeFileSync(join(cwd, file), text);
    io.out(`wrote ${file}${existing.includes(file) ? ' (replaced)' : ''}\n`);
  }
  if (answers.placeholders.length > 0)
    io.out(`Placeholders to replace in ${CONFIG_FILE}: ${answers.placeholders.join(', ')}\n`);
  if (!detection.hasPackageJson)
    io.out('Next: npm install (commit package-lock.json: the workflows install from it)\n');
  else if (!read(join(cwd, 'package.json')).includes('"@slipway/cli"'))
    io.out(
      'Next: npm install --save-dev @slipway/cli @slipway/config (the workflows run the installed CLI)\n',
    );
  if (opts.plan === false) {
    io.out('Next: npx slipway plan dev\n');
    return EXIT.ok;
  }
  return planDev(join(cwd, CONFIG_FILE), io);
}
