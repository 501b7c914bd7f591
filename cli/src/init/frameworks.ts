/*
 * What the code in one build context runs: its framework, the port that framework listens on by
 * default, its migrate command, and the routes a load balancer can probe. Conventions only:
 * anything not found here is asked for (or a flag) rather than guessed.
 */
import { joinPath, type RepoFiles, within } from './files.ts';

export type Framework = 'django' | 'fastapi' | 'flask' | 'node';

export interface FrameworkInfo {
  readonly framework?: Framework;
  /** The port the framework's usual server listens on (gunicorn and uvicorn 8000, Node 3000). */
  readonly defaultPort?: number;
  /** The command that applies the database migrations, and the file that gave it away. */
  readonly migrate?: { readonly command: readonly string[]; readonly from: string };
  /** Whether the app talks to a database (migrations, or a PostgreSQL driver among its dependencies). */
  readonly database: boolean;
}

/** Files under `context`, relative to it. */
export function contextPaths(files: RepoFiles, context: string): string[] {
  return files.paths.flatMap((p) => {
    const rel = within(context, p);
    return rel === undefined ? [] : [rel];
  });
}

/** The text of every dependency list in `context` (requirements, pyproject, Pipfile), lower-cased. */
export function pythonDependencies(files: RepoFiles, context: string): string {
  return contextPaths(files, context)
    .filter((p) => /^(requirements[^/]*\.(txt|in)|pyproject\.toml|Pipfile|setup\.cfg)$/.test(p))
    .map((p) => files.read(joinPath(context, p)) ?? '')
    .join('\n')
    .toLowerCase();
}

/** The root package.json of `context`, parsed, or undefined. */
export function packageJson(
  files: RepoFiles,
  context: string,
): { name?: string; scripts?: Record<string, string>; deps: Record<string, string> } | undefined {
  const text = files.read(joinPath(context, 'package.json'));
  if (text === undefined) return undefined;
  try {
    const pkg = JSON.parse(text) as {
      name?: string;
      scripts?: Record<string, string>;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    return { ...pkg, deps: { ...pkg.devDependencies, ...pkg.dependencies } };
  } catch {
    return undefined;
  }
}

const depends = (deps: string, name: string) => new RegExp(`(^|[\\s"'\\[])${name}\\b`, 'm').test(deps);

function python(files: RepoFiles, context: string): FrameworkInfo | undefined {
  const paths = contextPaths(files, context);
  const deps = pythonDependencies(files, context);
  const postgres = /psycopg|asyncpg|pg8000/.test(deps);
  if (paths.includes('manage.py') || depends(deps, 'django'))
    return {
      framework: 'django',
      defaultPort: 8000,
      database: true,
      ...(paths.includes('manage.py')
        ? { migrate: { command: ['python', 'manage.py', 'migrate', '--noinput'], from: 'manage.py' } }
        : {}),
    };
  const alembic = paths.includes('alembic.ini')
    ? { migrate: { command: ['alembic', 'upgrade', 'head'], from: 'alembic.ini' } }
    : {};
  if (depends(deps, 'fastapi') || depends(deps, 'uvicorn'))
    return {
      framework: 'fastapi',
      defaultPort: 8000,
      database: postgres || 'migrate' in alembic,
      ...alembic,
    };
  if (depends(deps, 'flask'))
    return { framework: 'flask', defaultPort: 8000, database: postgres || 'migrate' in alembic, ...alembic };
  if (deps !== '' || 'migrate' in alembic) return { database: postgres || 'migrate' in alembic, ...alembic };
  return undefined;
}

function node(files: RepoFiles, context: string): FrameworkInfo | undefined {
  const pkg = packageJson(files, context);
  if (!pkg) return undefined;
  const scripts = pkg.scripts ?? {};
  const paths = contextPaths(files, context);
  const script = ['db:migrate', 'migrate', 'migrate:deploy'].find((s) => scripts[s] !== undefined);
  let migrate: FrameworkInfo['migrate'];
  if (script) migrate = { command: ['npm', 'run', script], from: `package.json scripts.${script}` };
  else if (pkg.deps.prisma || pkg.deps['@prisma/client'] || paths.includes('prisma/schema.prisma'))
    migrate = { command: ['npx', 'prisma', 'migrate', 'deploy'], from: 'prisma' };
  else if (pkg.deps.knex)
    migrate = { command: ['npx', 'knex', 'migrate:latest'], from: 'knex in package.json' };
  const postgres = ['pg', 'postgres', '@prisma/client', 'prisma', 'knex', 'typeorm', 'sequelize'].some(
    (d) => pkg.deps[d] !== undefined,
  );
  return {
    framework: 'node',
    defaultPort: 3000,
    database: postgres || migrate !== undefined,
    ...(migrate ? { migrate } : {}),
  };
}

/** The framework of the code in `context` (Python conventions first, then package.json). */
export function detectFramework(files: RepoFiles, context: string): FrameworkInfo {
  return python(files, context) ?? node(files, context) ?? { database: false };
}

const SOURCE = /\.(py|js|mjs|cjs|ts|mts)$/;
const TESTS = /(^|\/)(tests?|__tests__|spec)\/|\.(test|spec)\.[cm]?[jt]s$|(^|\/)test_[^/]*\.py$/;

/** Route paths quoted in the sources of `context` among `candidates`, in the candidates' order. */
export function routesIn(files: RepoFiles, context: string, candidates: readonly string[]): string[] {
  const found = new Set<string>();
  for (const rel of contextPaths(files, context)) {
    if (!SOURCE.test(rel) || TESTS.test(rel)) continue;
    const text = files.read(joinPath(context, rel)) ?? '';
    // '/health', "/health/", `/healthz`, and Django's path('health/', …) without the slash.
    for (const m of text.matchAll(/(?:["'`]\/|\bpath\(\s*["'])([a-z]+)\/?["'`]/g)) {
      const route = `/${m[1]}`;
      if (candidates.includes(route)) found.add(route);
    }
  }
  return candidates.filter((c) => found.has(c));
}

export const HEALTH_ROUTES = ['/health', '/healthz', '/livez', '/ping'] as const;
export const READY_ROUTES = ['/ready', '/readyz', '/readiness'] as const;
