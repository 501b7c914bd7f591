/**
 * `node dist/main.js prune [--older-than-days N]`, the nightly job, against the real PostgreSQL.
 *
 * Scenarios and expected outcomes:
 * - items created more than N days ago are deleted, newer ones kept; the log says how many; exit 0.
 * - without the flag, PRUNE_AFTER_DAYS decides (30 when unset).
 * - more items than one batch: all of them go.
 * - nothing to prune: exit 0, "0 items".
 * - a bad flag value, a flag on another command, an unknown flag: exit 2, one line naming the flag.
 * - an unreachable database: exit 1 (the scheduler alarms on it).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type TestDatabase, testEnv } from './helper.ts';
import { freePort, killAll, spawnBundle } from './process.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('postgres');
});

afterAll(async () => {
  await killAll();
  await db?.close();
});

beforeEach(async () => {
  await db.query(`DELETE FROM "${db.schema}".items`);
});

/** Inserts `count` items created `ageDays` days ago; returns their names. */
async function insertAged(prefix: string, ageDays: number, count = 1): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `INSERT INTO "${db.schema}".items (name, created_at)
       SELECT $1 || '-' || n, now() - make_interval(days => $2) FROM generate_series(1, $3) AS n
       RETURNING name`,
    [prefix, ageDays, count],
  );
  return rows.map((row) => row.name);
}

async function remaining(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`SELECT name FROM "${db.schema}".items ORDER BY name`);
  return rows.map((row) => row.name);
}

async function prune(args: string[], env: Record<string, string> = {}) {
  const proc = spawnBundle(
    ['prune', ...args],
    testEnv(db, { LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env }),
  );
  const { code } = await proc.exited;
  return { code, output: proc.output() };
}

describe('prune command', () => {
  it('deletes items older than --older-than-days and keeps newer ones', async () => {
    await insertAged('old', 8, 2);
    const kept = [...(await insertAged('recent', 6)), ...(await insertAged('today', 0))];
    const { code, output } = await prune(['--older-than-days', '7']);
    expect(code, output).toBe(0);
    expect(await remaining()).toEqual(kept.sort());
    expect(output).toContain('prune: done, 2 items older than 7 days deleted');
  });

  it('uses PRUNE_AFTER_DAYS without the flag, and 30 days when that is unset', async () => {
    await insertAged('forty', 40);
    const twenty = await insertAged('twenty', 20);
    expect((await prune([])).code).toBe(0);
    expect(await remaining()).toEqual(twenty);
    const { code, output } = await prune([], { PRUNE_AFTER_DAYS: '10' });
    expect(code).toBe(0);
    expect(await remaining()).toEqual([]);
    expect(output).toContain('1 item older than 10 days deleted');
  });

  it('deletes more items than one batch', async () => {
    await insertAged('bulk', 100, 2500);
    const { code, output } = await prune(['--older-than-days', '1']);
    expect(code, output).toBe(0);
    expect(await remaining()).toEqual([]);
    expect(output).toContain('2500 items older than 1 day deleted');
  });

  it('exits 0 when there is nothing to prune', async () => {
    const { code, output } = await prune([]);
    expect(code).toBe(0);
    expect(output).toContain('prune: done, 0 items older than 30 days deleted');
  });

  it.each([
    [['--older-than-days', 'abc'], '--older-than-days: got "abc"; expected an integer 1-36500'],
    [['--older-than-days', '0'], '--older-than-days: got "0"; expected an integer 1-36500'],
    [['--older-than-days=-5'], '--older-than-days: got "-5"; expected an integer 1-36500'],
    [['--older-then-days', '5'], "Unknown option '--older-then-days'"],
  ])('exits 2 naming the flag for %j', async (args, line) => {
    await insertAged('old', 100);
    const { code, output } = await prune(args);
    expect(code).toBe(2);
    expect(output.split('\n')[0]).toContain(line);
    expect(output).toContain('usage: node dist/main.js');
    expect(await remaining()).toHaveLength(1);
  });

  it('exits 2 when another command is given --older-than-days', async () => {
    const proc = spawnBundle(['migrate', '--older-than-days', '3'], testEnv(db));
    const { code } = await proc.exited;
    expect(code).toBe(2);
    expect(proc.output().split('\n')[0]).toBe(
      '--older-than-days: only the prune command takes it (got command "migrate")',
    );
  });

  it('exits 1 when the database is unreachable', async () => {
    const url = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
    const { code, output } = await prune([], { DATABASE_URL: url, DB_CONNECT_TIMEOUT_MS: '1000' });
    expect(code).toBe(1);
    expect(output).toContain('prune: failed:');
  });
});
