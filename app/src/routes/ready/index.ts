import type { AppInstance } from '../../app.ts';
import { pendingMigrations } from '../../db/migrate.ts';
import { readinessCatalog } from '../../errors.ts';
import { NotReadyResponse, ReadyResponse } from '../../schemas/error.ts';

/** How long `/ready` waits for the database before answering 503 (below the ALB's 5 s health-check timeout). */
export const READY_TIMEOUT_MS = 2000;

class ReadyTimeout extends Error {}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ReadyTimeout()), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface ReadyOptions {
  /** Migrations this build ships (src/db/migrate.ts `listMigrations`). */
  readonly migrations: readonly string[];
}

/**
 * `GET /ready`: readiness. 200 when the database answers and has every migration this build ships;
 * 503 with a reason otherwise (DATABASE_UNREACHABLE, MIGRATIONS_PENDING), and DRAINING after SIGTERM.
 */
export default async function readyRoutes(app: AppInstance, options: ReadyOptions) {
  app.get(
    '/',
    { schema: { response: { 200: ReadyResponse, 503: NotReadyResponse } } },
    async (request, reply) => {
      let pending: string[];
      try {
        pending = await withTimeout(
          pendingMigrations(app.pg, app.config.dbSchema, options.migrations, READY_TIMEOUT_MS),
          READY_TIMEOUT_MS,
        );
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check: database unreachable');
        return reply.code(503).send({
          status: 'not_ready',
          reason: 'DATABASE_UNREACHABLE',
          message: readinessCatalog.DATABASE_UNREACHABLE.message,
        });
      }
      if (pending.length > 0) {
        return reply.code(503).send({
          status: 'not_ready',
          reason: 'MIGRATIONS_PENDING',
          message: `${readinessCatalog.MIGRATIONS_PENDING.message} Pending: ${pending.join(', ')}.`,
        });
      }
      return { status: 'ready' as const, migrations: options.migrations.length };
    },
  );
}
