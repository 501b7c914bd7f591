import type { ConfigError } from '../errors.ts';
import type { ResolvedEnvironment } from '../resolve.ts';
import { err } from './util.ts';

/* Grafana's state and task counts: what the environment can run. */

/** PostgreSQL needs the database and NAT; SQLite allows one task; min ≤ max. Only for an enabled Grafana. */
export function grafanaErrors(r: ResolvedEnvironment, at: (key: string) => string): ConfigError[] {
  const g = r.grafana;
  if (!g.enabled) return [];
  const errors: ConfigError[] = [];
  if (g.database === 'postgres' && (r.database === undefined || r.network.nat === 'none'))
    errors.push(
      err(
        at('grafana.database'),
        'SW177',
        r.database === undefined
          ? "got 'postgres' but the app has no database (app.database: false)"
          : "got 'postgres' with network.nat 'none': the function that creates Grafana's database cannot reach Secrets Manager",
      ),
    );
  if (g.database === 'sqlite') {
    for (const key of ['minTasks', 'maxTasks'] as const)
      if (g[key] > 1)
        errors.push(
          err(at(`grafana.${key}`), 'SW178', `got ${g[key]} with SQLite on EFS, which allows one writer`),
        );
  }
  if (g.minTasks > g.maxTasks)
    errors.push(
      err(at('grafana.minTasks'), 'SW179', `got ${g.minTasks}, above grafana.maxTasks ${g.maxTasks}`),
    );
  return errors;
}
