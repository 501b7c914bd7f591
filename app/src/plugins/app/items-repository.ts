import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type pg from 'pg';
import { AppError } from '../../errors.ts';
import type { CreateItemBody, Item, UpdateItemBody } from '../../schemas/item.ts';

declare module 'fastify' {
  interface FastifyInstance {
    itemsRepository: ItemsRepository;
  }
}

interface ItemRow {
  id: string;
  seq: string;
  name: string;
  note: string | null;
  done: boolean;
  tags: string[];
  created_at: Date;
  updated_at: Date;
  processed_at: Date | null;
}

const COLUMNS = 'id, seq, name, note, done, tags, created_at, updated_at, processed_at';

function toItem(row: ItemRow): Item {
  return {
    id: row.id,
    name: row.name,
    note: row.note,
    done: row.done,
    tags: row.tags,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    processedAt: row.processed_at?.toISOString() ?? null,
  };
}

const BIGINT_MAX = 9223372036854775807n;

/** Cursor for the page after the row with this `seq`: opaque to clients (base64url of `v1:<seq>`). */
export function encodeCursor(seq: string): string {
  return Buffer.from(`v1:${seq}`).toString('base64url');
}

/** The `seq` a cursor stands for; INVALID_CURSOR (400) for anything this service did not issue. */
export function decodeCursor(cursor: string): string {
  const match = /^v1:([1-9]\d{0,18})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  const seq = match?.[1];
  if (seq === undefined || BigInt(seq) > BIGINT_MAX) throw new AppError('INVALID_CURSOR');
  return seq;
}

export interface ItemPage {
  readonly items: Item[];
  readonly nextCursor: string | null;
}

/** SQL for items. Tables are schema-qualified (DB_SCHEMA) rather than relying on search_path. */
export class ItemsRepository {
  readonly #pool: pg.Pool;
  readonly #table: string;

  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    // DB_SCHEMA is validated as a plain lower-case identifier, so quoting it is enough.
    this.#table = `"${schema}".items`;
  }

  async create(input: CreateItemBody): Promise<Item> {
    const { rows } = await this.#pool.query<ItemRow>(
      `INSERT INTO ${this.#table} (name, note, done, tags) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [input.name, input.note ?? null, input.done ?? false, input.tags ?? []],
    );
    return toItem(rows[0] as ItemRow);
  }

  async get(id: string): Promise<Item | undefined> {
    const { rows } = await this.#pool.query<ItemRow>(`SELECT ${COLUMNS} FROM ${this.#table} WHERE id = $1`, [
      id,
    ]);
    return rows[0] && toItem(rows[0]);
  }

  /** Newest first. */
  async list(options: { limit: number; cursor?: string }): Promise<ItemPage> {
    const after = options.cursor === undefined ? null : decodeCursor(options.cursor);
    const { rows } = await this.#pool.query<ItemRow>(
      `SELECT ${COLUMNS} FROM ${this.#table}
        WHERE ($1::bigint IS NULL OR seq < $1::bigint)
        ORDER BY seq DESC LIMIT $2`,
      [after, options.limit + 1],
    );
    const page = rows.slice(0, options.limit);
    const last = page.at(-1);
    return {
      items: page.map(toItem),
      nextCursor: rows.length > options.limit && last ? encodeCursor(last.seq) : null,
    };
  }

  /** Sets the given fields; `undefined` when there is no such item. */
  async update(id: string, patch: UpdateItemBody): Promise<Item | undefined> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const assign = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (patch.name !== undefined) assign('name', patch.name);
    if (patch.note !== undefined) assign('note', patch.note);
    if (patch.done !== undefined) assign('done', patch.done);
    if (patch.tags !== undefined) assign('tags', patch.tags);
    const { rows } = await this.#pool.query<ItemRow>(
      `UPDATE ${this.#table} SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
      values,
    );
    return rows[0] && toItem(rows[0]);
  }

  /** True when an item was deleted. */
  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(`DELETE FROM ${this.#table} WHERE id = $1`, [id]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * The queue worker's work on an item: stamps `processed_at` (again, on a redelivered message:
   * SQS delivers at least once, and a second stamp is harmless). False when there is no such item.
   */
  async markProcessed(id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query(
      `UPDATE ${this.#table} SET processed_at = now(), updated_at = now() WHERE id = $1`,
      [id],
    );
    return (rowCount ?? 0) > 0;
  }

  /**
   * Deletes items created more than `days` days ago, `batchSize` rows per statement so that no
   * statement holds its locks long or runs into `statement_timeout`. The cutoff is fixed once, so
   * items created while it runs are never touched.
   * @returns how many items were deleted.
   */
  async pruneOlderThan(days: number, batchSize = 1000): Promise<number> {
    const { rows } = await this.#pool.query<{ cutoff: Date }>(
      'SELECT now() - make_interval(days => $1) AS cutoff',
      [days],
    );
    const cutoff = (rows[0] as { cutoff: Date }).cutoff;
    let deleted = 0;
    for (;;) {
      const { rowCount } = await this.#pool.query(
        `DELETE FROM ${this.#table} WHERE id IN
           (SELECT id FROM ${this.#table} WHERE created_at < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [cutoff, batchSize],
      );
      deleted += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) return deleted;
    }
  }

  /** The most recent items, for the home page. */
  async recent(count: number): Promise<Item[]> {
    const { rows } = await this.#pool.query<ItemRow>(
      `SELECT ${COLUMNS} FROM ${this.#table} ORDER BY seq DESC LIMIT $1`,
      [count],
    );
    return rows.map(toItem);
  }
}

/** Builds the repository on the app's pool and schema (see `BuildAppOptions.itemsRepository`). */
export type ItemsRepositoryFactory = (pool: pg.Pool, schema: string) => ItemsRepository;

export interface ItemsRepositoryOptions {
  /**
   * Builds the repository instead of the SQL one, on the same pool and schema: tests pass a
   * subclass that holds a query in the database or fails it on purpose.
   * @default the SQL repository (`new ItemsRepository(pool, schema)`)
   */
  readonly create?: ItemsRepositoryFactory | undefined;
}

export default fp(
  async function itemsRepository(app: FastifyInstance, options: ItemsRepositoryOptions) {
    const create = options.create ?? ((pool, schema) => new ItemsRepository(pool, schema));
    app.decorate('itemsRepository', create(app.pg, app.config.dbSchema));
  },
  { name: 'items-repository', dependencies: ['postgres', 'config'] },
);
