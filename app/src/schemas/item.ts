import { type Static, Type } from 'typebox';
import { nullable } from './nullable.ts';

/**
 * Item schemas: validated on input (ajv, all errors reported) and used to serialize responses
 * (fast-json-stringify). The TypeScript types are derived from them (`Static`), never written by hand.
 */

/** Canonical lower- or upper-case hyphenated uuid. Not ajv's `uuid` format: it also accepts `urn:uuid:` prefixes, which PostgreSQL does not. */
export const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** No control characters (PostgreSQL rejects NUL in text; the rest have no place in a one-line value). */
const ONE_LINE = '^[^\\u0000-\\u001F\\u007F]*$';
/** NUL is the only character PostgreSQL text cannot store. */
const NO_NUL = '^[^\\u0000]*$';

export const ItemName = Type.String({ minLength: 1, maxLength: 200, pattern: ONE_LINE });
export const ItemNote = Type.String({ maxLength: 2000, pattern: NO_NUL });
export const ItemTags = Type.Array(Type.String({ minLength: 1, maxLength: 50, pattern: ONE_LINE }), {
  maxItems: 20,
  uniqueItems: true,
});

export const ItemParams = Type.Object(
  { id: Type.String({ pattern: UUID_PATTERN, maxLength: 36 }) },
  { additionalProperties: false },
);
export type ItemParams = Static<typeof ItemParams>;

export const Item = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    note: nullable(Type.String()),
    done: Type.Boolean(),
    tags: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    /** When the queue worker last processed the item; null: never. */
    processedAt: nullable(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type Item = Static<typeof Item>;

export const CreateItemBody = Type.Object(
  {
    name: ItemName,
    note: Type.Optional(nullable(ItemNote)),
    done: Type.Optional(Type.Boolean()),
    tags: Type.Optional(ItemTags),
  },
  { additionalProperties: false },
);
export type CreateItemBody = Static<typeof CreateItemBody>;

export const UpdateItemBody = Type.Object(
  {
    name: Type.Optional(ItemName),
    note: Type.Optional(nullable(ItemNote)),
    done: Type.Optional(Type.Boolean()),
    tags: Type.Optional(ItemTags),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateItemBody = Static<typeof UpdateItemBody>;

/** `POST /api/items/:id/process`: the work is queued for the worker. */
export const ProcessAccepted = Type.Object(
  { itemId: Type.String({ format: 'uuid' }), messageId: Type.String() },
  { additionalProperties: false },
);
export type ProcessAccepted = Static<typeof ProcessAccepted>;

export const LIST_LIMIT_MAX = 100;
export const LIST_LIMIT_DEFAULT = 20;

/** Opaque cursors are base64url; their content is checked when decoded. */
export const CURSOR_PATTERN = '^[A-Za-z0-9_-]{1,64}$';

export const ListQuerystring = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: LIST_LIMIT_MAX, default: LIST_LIMIT_DEFAULT })),
    cursor: Type.Optional(Type.String({ pattern: CURSOR_PATTERN })),
  },
  { additionalProperties: false },
);
export type ListQuerystring = Static<typeof ListQuerystring>;

export const ItemList = Type.Object(
  {
    items: Type.Array(Item),
    nextCursor: nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type ItemList = Static<typeof ItemList>;
