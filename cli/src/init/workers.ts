/*
 * Background workers that run from the web image: Django management commands named like a
 * worker (`process_*`, `*worker*`, `consume_*`), Celery (`celery -A <app> worker`) and RQ
 * (`rq worker`). Each becomes a `worker` service with `image: { from: <web> }`.
 */
import { posix } from 'node:path';
import { joinPath, type RepoFiles } from './files.ts';
import { contextPaths, pythonDependencies } from './frameworks.ts';

export interface WorkerInfo {
  readonly command: readonly string[];
  /** What gave it away, for the printed summary and the config comment. */
  readonly from: string;
}

const WORKER_COMMAND = /^(process_\w+|consume_\w+|\w*worker\w*)\.py$/;

function djangoCommands(context: string, paths: string[]): WorkerInfo[] {
  if (!paths.includes('manage.py')) return [];
  return paths
    .filter((p) => /(^|\/)management\/commands\/[^/]+\.py$/.test(p))
    .filter((p) => WORKER_COMMAND.test(posix.basename(p)))
    .map((p) => ({
      command: ['python', 'manage.py', posix.basename(p, '.py')],
      from: joinPath(context, p),
    }));
}

/** The module passed to `celery -A`: the package holding `Celery(` (its `celery.py`), or the module itself. */
function celeryApp(files: RepoFiles, context: string, paths: string[]): string | undefined {
  for (const p of paths) {
    if (!p.endsWith('.py')) continue;
    if (!/\bCelery\s*\(/.test(files.read(joinPath(context, p)) ?? '')) continue;
    const dir = posix.dirname(p);
    const module = posix.basename(p, '.py');
    if (module === 'celery' && dir !== '.') return dir.replaceAll('/', '.');
    return (dir === '.' ? module : `${dir}/${module}`).replaceAll('/', '.');
  }
  return undefined;
}

/** The workers found in `context` (none when the code shows no worker). */
export function detectWorkers(files: RepoFiles, context: string): WorkerInfo[] {
  const paths = contextPaths(files, context);
  const deps = pythonDependencies(files, context);
  const workers = djangoCommands(context, paths);
  if (/(^|[\s"'[])celery\b/m.test(deps)) {
    const app = celeryApp(files, context, paths);
    if (app)
      workers.push({
        command: ['celery', '-A', app, 'worker', '--loglevel', 'INFO'],
        from: 'celery in the dependencies',
      });
  }
  if (/(^|[\s"'[])rq\b/m.test(deps))
    workers.push({ command: ['rq', 'worker'], from: 'rq in the dependencies' });
  return workers;
}
