import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Loads the workflows and composite actions as data for the pipeline tests.

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORKFLOWS_DIR = join(ROOT, '.github/workflows');
export const ACTIONS_DIR = join(ROOT, '.github/actions');

export interface Step {
  readonly name?: string;
  readonly id?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
  readonly shell?: string;
  readonly 'working-directory'?: string;
}

export interface Job {
  readonly name?: string;
  readonly 'runs-on'?: string;
  readonly uses?: string;
  readonly with?: Record<string, unknown>;
  readonly needs?: string | string[];
  readonly if?: string;
  readonly permissions?: Record<string, string> | string;
  readonly environment?: string | { name: string; url?: string };
  readonly concurrency?: { group: string; 'cancel-in-progress'?: boolean | string } | string;
  readonly 'timeout-minutes'?: number;
  readonly steps?: Step[];
  readonly strategy?: unknown;
}

export interface Workflow {
  readonly file: string;
  readonly text: string;
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: unknown;
  readonly jobs: Record<string, Job>;
}

export interface CompositeAction {
  readonly file: string;
  readonly text: string;
  readonly runs: { using: string; steps: Step[] };
}

export function loadWorkflows(): Workflow[] {
  return readdirSync(WORKFLOWS_DIR)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const file = join(WORKFLOWS_DIR, f);
      const text = readFileSync(file, 'utf8');
      const data = parse(text) as Omit<Workflow, 'file' | 'text'>;
      return { ...data, file: relative(ROOT, file), text };
    });
}

export function loadActions(): CompositeAction[] {
  if (!existsSync(ACTIONS_DIR)) return [];
  return readdirSync(ACTIONS_DIR)
    .map((dir) => join(ACTIONS_DIR, dir, 'action.yml'))
    .filter((file) => existsSync(file))
    .map((file) => {
      const text = readFileSync(file, 'utf8');
      return { ...(parse(text) as Omit<CompositeAction, 'file' | 'text'>), file: relative(ROOT, file), text };
    });
}

export function workflow(name: string): Workflow {
  const found = loadWorkflows().find((w) => w.file === `.github/workflows/${name}`);
  if (!found) throw new Error(`no workflow ${name}`);
  return found;
}

export const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : [job.needs].flat());

/** Every step of every job and composite action, with where it lives. */
export function allSteps(): { where: string; step: Step; job?: Job }[] {
  return [
    ...loadWorkflows().flatMap((w) =>
      Object.entries(w.jobs).flatMap(([id, job]) =>
        (job.steps ?? []).map((step) => ({ where: `${w.file} › ${id}`, step, job })),
      ),
    ),
    ...loadActions().flatMap((a) => a.runs.steps.map((step) => ({ where: a.file, step }))),
  ];
}
