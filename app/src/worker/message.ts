import { type Static, Type } from 'typebox';
import { UUID_PATTERN } from '../schemas/item.ts';

/**
 * The body of a message on the worker's queue, sent by `POST /api/items/:id/process`:
 * `{ "itemId": "<uuid>", "action": "process" }`. `action` leaves room for more kinds of work; a
 * worker that does not know an action treats the message as malformed (see `parseWorkMessage`).
 */
export const WorkMessage = Type.Object(
  {
    itemId: Type.String({ pattern: UUID_PATTERN, maxLength: 36 }),
    action: Type.Literal('process'),
  },
  { additionalProperties: false },
);
export type WorkMessage = Static<typeof WorkMessage>;

/** The message attribute carrying the id of the HTTP request that queued the work, for log correlation. */
export const REQUEST_ID_ATTRIBUTE = 'requestId';
